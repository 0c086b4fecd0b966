import type {ReactNode} from 'react';
import {Box, Text} from 'ink';
import type {Role} from '../answers/schema.js';
import {hostsWithRole} from '../answers/hosts.js';
import {etcdTolerates} from '../answers/rules.js';
import {ports} from '../../recipes/kit/locations.js';

/** A host as the drawing needs it. */
export type TopologyHost = {name: string; ip: string; roles: Role[]};

/**
 * The path of a query, top to bottom: clients, the VIP on its two ports, the
 * balancers, the PostgreSQL nodes (each with PgBouncer in front), the etcd
 * quorum that elects the leader, and the backup repository beside them.
 * One line per tier, so the review fits a 40-row terminal.
 */
export function Topology(props: {hosts: TopologyHost[]; vip: string}) {
	const having = (role: Role) => hostsWithRole(props, role);
	const etcd = having('etcd');
	const tolerated = etcdTolerates(etcd.length);
	const backup = having('backup');
	return (
		<Box flexDirection="column">
			<Tier label="">
				<Text bold>clients</Text>
			</Tier>
			<Arrow />
			<Tier label="VIP">
				<Text bold color="cyan">
					{props.vip || '?'}
				</Text>
				<Text>  :{ports.readWrite} read-write → leader · :{ports.readOnly} read-only → replicas</Text>
			</Tier>
			<Arrow text="HAProxy + Keepalived: one holds the VIP, the other takes over" />
			<Tier label="balancers">
				<Hosts hosts={having('balancer')} />
			</Tier>
			<Arrow text={`PgBouncer :${ports.pgbouncer} → PostgreSQL :${ports.postgres} (Patroni: one leader, the others stream from it)`} />
			<Tier label="postgres">
				<Hosts hosts={having('postgres')} />
			</Tier>
			<Arrow text={`leader lock through etcd :${ports.etcdClient}; ${etcd.length} member(s) tolerate ${tolerated} failure(s)`} />
			<Tier label="etcd">
				<Hosts hosts={etcd} />
			</Tier>
			<Tier label="backups">
				{backup.length > 0 ? (
					<>
						<Hosts hosts={backup} />
						<Text dimColor> ◀ WAL archive and backups of the PostgreSQL nodes (pgBackRest)</Text>
					</>
				) : (
					<Text color="yellow">none: WAL is not archived and no backups are taken</Text>
				)}
			</Tier>
		</Box>
	);
}

function Tier(props: {label: string; children: ReactNode}) {
	return (
		<Box>
			<Box width={11} flexShrink={0}>
				<Text dimColor>{props.label}</Text>
			</Box>
			<Box flexWrap="wrap">{props.children}</Box>
		</Box>
	);
}

function Arrow(props: {text?: string}) {
	return (
		<Box marginLeft={13}>
			<Text>▼</Text>
			{props.text ? <Text dimColor>  {props.text}</Text> : null}
		</Box>
	);
}

function Hosts(props: {hosts: TopologyHost[]}) {
	if (props.hosts.length === 0) return <Text color="red">(no host has this role)</Text>;
	return (
		<>
			{props.hosts.map(host => (
				<Box key={host.name} marginRight={3}>
					<Text>
						<Text color="green">■</Text> <Text bold>{host.name}</Text> {host.ip || '?'}
					</Text>
				</Box>
			))}
		</>
	);
}
