import {useEffect, useState} from 'react';
import {Box, Text} from 'ink';
import SelectInput from 'ink-select-input';
import type {WizardServices} from '../app/services.js';
import {useInteractive} from './use-interactive.js';
import {useKeys} from './use-keys.js';

/** A command the caller runs for a saved cluster. */
export type SavedClusterCommand =
	| 'install'
	| 'add-replica'
	| 'repair'
	| 'status'
	| 'rotate-certificates'
	| 'switchover'
	| 'drill-failover'
	| 'backup'
	| 'backups'
	| 'backup-verify'
	| 'restore'
	| 'config'
	| 'restart'
	| 'upgrade'
	| 'remove-node'
	| 'uninstall';

/** What the start screen decided. */
export type StartChoice = {kind: 'new'} | {kind: 'command'; command: SavedClusterCommand; cluster: string} | {kind: 'quit'};

const commandItems: Array<{label: string; value: SavedClusterCommand | 'back'}> = [
	{label: 'Install or repair again (runs every step; what already matches is left alone)', value: 'install'},
	{label: 'Add a replica', value: 'add-replica'},
	{label: 'Check for drift and repair it', value: 'repair'},
	{label: 'Status', value: 'status'},
	{label: 'Switch over: hand the leader role to a replica (writes pause a few seconds)', value: 'switchover'},
	{label: 'Failover drill: crash the leader for real and measure the pause and any lost writes', value: 'drill-failover'},
	{label: 'Rotate the certificates (new ones from the same CA; services reload)', value: 'rotate-certificates'},
	{label: 'Back up now (incremental, or full when there is none yet)', value: 'backup'},
	{label: 'List the backups and the range they can restore to', value: 'backups'},
	{label: 'Prove the backups restore: the latest one restored into a throwaway instance and checked', value: 'backup-verify'},
	{label: 'Restore to a point in time (shows the range, asks for the time, plans before anything changes)', value: 'restore'},
	{label: 'Change a setting (a PostgreSQL parameter, the pool sizes, the failover speed), then apply it', value: 'config'},
	{label: 'Restart every member, one at a time (replicas first, a switchover, the former leader last)', value: 'restart'},
	{label: 'Upgrade to the newest point releases, one host at a time (plan first; writes pause a few seconds)', value: 'upgrade'},
	{label: 'Remove a node (refused when it would cost the quorum, the leader or the VIP)', value: 'remove-node'},
	{label: 'Uninstall the cluster (you type its name; data and backups stay unless you ask)', value: 'uninstall'},
	{label: '← Back', value: 'back'},
];

/**
 * `pgha` with no arguments: a new cluster, or one of the saved clusters and
 * what to do with it. It only chooses; the caller runs the command.
 */
export function StartScreen(props: {services: Pick<WizardServices, 'savedClusters'>; onChoice: (choice: StartChoice) => void; active?: boolean}) {
	const interactive = useInteractive();
	const active = props.active ?? true;
	const [saved, setSaved] = useState<string[] | undefined>();
	const [error, setError] = useState<string>();
	const [cluster, setCluster] = useState<string>();

	useEffect(() => {
		let alive = true;
		props.services.savedClusters().then(
			names => alive && setSaved(names),
			(reason: unknown) => {
				if (!alive) return;
				setSaved([]);
				setError(reason instanceof Error ? reason.message : String(reason));
			},
		);
		return () => {
			alive = false;
		};
	}, [props.services]);

	useKeys((input, key) => {
		if (key.escape) {
			if (cluster) setCluster(undefined);
			else props.onChoice({kind: 'quit'});
		} else if (input === 'q' && !cluster) props.onChoice({kind: 'quit'});
	}, active);

	if (!saved) return <Text dimColor>Reading saved clusters…</Text>;
	return (
		<Box flexDirection="column">
			<Text bold>pgha · a highly available PostgreSQL cluster</Text>
			<Text dimColor>etcd + Patroni/PostgreSQL + PgBouncer + HAProxy/Keepalived VIP + pgBackRest</Text>
			{error ? <Text color="yellow">! The saved clusters could not be read: {error}</Text> : null}
			<Box marginTop={1} flexDirection="column">
				{cluster ? (
					<>
						<Text bold>Cluster {cluster}:</Text>
						<SelectInput
							key="commands"
							items={commandItems.map(item => ({key: item.value, ...item}))}
							isFocused={interactive && active}
							onSelect={item => (item.value === 'back' ? setCluster(undefined) : props.onChoice({kind: 'command', command: item.value, cluster}))}
						/>
					</>
				) : (
					<>
						<Text bold>What do you want to do?</Text>
						<SelectInput
							key="clusters"
							items={[
								{key: 'new', label: 'New cluster', value: ''},
								...saved.map(name => ({key: `saved-${name}`, label: `Saved cluster ${name}`, value: name})),
							]}
							isFocused={interactive && active}
							onSelect={item => (item.value === '' ? props.onChoice({kind: 'new'}) : setCluster(item.value))}
						/>
					</>
				)}
			</Box>
			<Box marginTop={1}>
				<Text dimColor>↑/↓ choose · Enter select · {cluster ? 'Esc back' : 'q or Esc quit'}</Text>
			</Box>
		</Box>
	);
}
