import {useEffect} from 'react';
import {Box, Text} from 'ink';
import {Spinner} from '@inkjs/ui';
import {hostSchema, roleNames, type Role} from '../../answers/schema.js';
import {ActionCell, ProblemLines, TextCell, TogglesCell} from '../form/cells.js';
import type {FieldSpec} from '../form/form-focus.js';
import {acceptedKey, currentCheck, isChecking} from '../host-checks.js';
import {roleLabels} from '../presets.js';
import {describeFailedCheck} from '../step-problems.js';
import type {HostRow, WizardState} from '../wizard-model.js';
import {StepActions, textField, useStep, type StepProps} from './step-kit.js';

const addLabels: Record<Role, string> = {
	postgres: '+ PostgreSQL node',
	etcd: '+ etcd member',
	balancer: '+ balancer',
	backup: '+ backup repository',
};

/** True when the address is one the schema accepts, so checking it makes sense. */
export function isCheckableIp(ip: string): boolean {
	return hostSchema.shape.ip.safeParse(ip).success;
}

/**
 * The servers, one row each: name, address and roles. A host is checked over
 * SSH when its address is left (reachable, login, OS) and its key fingerprint
 * waits for the person to accept it.
 */
export function HostsStep(props: StepProps) {
	const {state, dispatch, checkHost} = props;
	const indexOf = (path: string) => Number(/^hosts\[(\d+)\]/.exec(path)?.[1] ?? -1);

	// Hosts already typed (a preset, Back and forth) are checked on arrival.
	useEffect(() => {
		for (const host of state.hosts) if (isCheckableIp(host.ip)) checkHost(host.id);
		// Only on arrival: later checks start when an address is left.
	}, []);

	const rows: FieldSpec[][] = state.hosts.map((host, i) => {
		const next = state.hosts[i + 1];
		const row: FieldSpec[] = [
			textField(dispatch, `host-${host.id}-name`, host.name, value => dispatch({type: 'set-host', id: host.id, field: 'name', value}), {
				onBlur: () => dispatch({type: 'touch', field: `hosts[${i}].name`}),
			}),
			textField(dispatch, `host-${host.id}-ip`, host.ip, value => dispatch({type: 'set-host', id: host.id, field: 'ip', value}), {
				onBlur: () => {
					dispatch({type: 'touch', field: `hosts[${i}].ip`});
					if (isCheckableIp(host.ip)) checkHost(host.id);
				},
				// Typing addresses down the column is the common case.
				onEnter: () => kit.form.focus(next ? `host-${next.id}-ip` : 'next'),
			}),
			{
				kind: 'toggles',
				id: `host-${host.id}-roles`,
				count: roleNames.length,
				onToggle: index => dispatch({type: 'toggle-role', id: host.id, role: roleNames[index]!}),
				onBlur: () => dispatch({type: 'touch', field: `hosts[${i}].roles`}),
				onKey: (input, key) => {
					if (input !== 'x' && !key.delete) return false;
					dispatch({type: 'remove-host', id: host.id});
					return true;
				},
			},
		];
		const check = currentCheck(state, host.id);
		if (check?.ok && check.fingerprint)
			row.push({
				kind: 'action',
				id: `host-${host.id}-key`,
				onPress: () => dispatch({type: 'accept-key', id: host.id, accept: !acceptedKey(state, host.id)}),
			});
		return row;
	});
	rows.push(
		roleNames.map(role => ({
			kind: 'action',
			id: `add-${role}`,
			onPress: () => {
				const id = state.nextHostId;
				dispatch({type: 'add-host', role});
				kit.form.focus(`host-${id}-ip`);
			},
		})),
	);
	const failedOrUnchecked = state.hosts.filter(host => isCheckableIp(host.ip) && !isChecking(state, host.id) && !currentCheck(state, host.id)?.ok);
	const unaccepted = state.hosts.filter(host => currentCheck(state, host.id)?.fingerprint && !acceptedKey(state, host.id));
	const tools: FieldSpec[] = [];
	if (unaccepted.length > 0) tools.push({kind: 'action', id: 'accept-all', onPress: () => dispatch({type: 'accept-all-keys'})});
	if (failedOrUnchecked.length > 0) tools.push({kind: 'action', id: 'recheck', onPress: () => failedOrUnchecked.forEach(host => checkHost(host.id, true))});
	rows.push(tools);

	const kit = useStep(props, 'hosts', rows, path => {
		const host = state.hosts[indexOf(path)];
		if (!host) return undefined;
		if (path.endsWith('.name')) return `host-${host.id}-name`;
		if (path.endsWith('.roles')) return `host-${host.id}-roles`;
		if (path.endsWith('.hostKey')) return `host-${host.id}-key`;
		return `host-${host.id}-ip`;
	}, {
		onNext: () => {
			// Addresses typed but never left get their check now, instead of a bare refusal.
			for (const host of state.hosts) if (isCheckableIp(host.ip)) checkHost(host.id);
			const first = kit.problems[0];
			if (first) {
				const host = state.hosts[indexOf(first.path)];
				if (host) kit.form.focus(first.path.endsWith('.name') ? `host-${host.id}-name` : first.path.endsWith('.roles') ? `host-${host.id}-roles` : `host-${host.id}-ip`);
			}
			dispatch({type: 'next'});
		},
	});
	const {form} = kit;
	const focusedRow = state.hosts.findIndex(host => form.focusedId?.startsWith(`host-${host.id}-`));
	const rolesFocused = form.focusedId?.endsWith('-roles') ?? false;

	return (
		<Box flexDirection="column">
			<Text dimColor>
				{rolesFocused
					? '←/→ pick a role · space toggles it · x removes this host'
					: 'Enter goes down the addresses · Tab moves across · each host is checked over SSH when you leave its address'}
			</Text>
			<Box marginTop={1}>
				<Text>  </Text>
				<Box width={18}>
					<Text bold>Name</Text>
				</Box>
				<Box width={18}>
					<Text bold>Address</Text>
				</Box>
				<Text bold>Roles</Text>
			</Box>
			{state.hosts.length === 0 ? <Text dimColor>  (no hosts yet: add them below)</Text> : null}
			{state.hosts.map((host, i) => (
				<HostLine key={host.id} host={host} index={i} state={state} kit={kit} focused={focusedRow === i} />
			))}
			<Box marginTop={1} gap={1}>
				<Text>  Add:</Text>
				{roleNames.map(role => (
					<ActionCell key={role} label={addLabels[role]} focused={form.isFocused(`add-${role}`)} />
				))}
			</Box>
			{tools.length > 0 ? (
				<Box gap={1} marginLeft={1}>
					{unaccepted.length > 0 ? <ActionCell label={`Accept all ${unaccepted.length} host key(s) shown`} focused={form.isFocused('accept-all')} /> : null}
					{failedOrUnchecked.length > 0 ? <ActionCell label="Check again" focused={form.isFocused('recheck')} /> : null}
				</Box>
			) : null}
			<StepActions kit={kit} problems={kit.unplaced(path => indexOf(path) >= 0)} />
		</Box>
	);
}

function HostLine(props: {host: HostRow; index: number; state: WizardState; kit: ReturnType<typeof useStep>; focused: boolean}) {
	const {host, index, state, kit} = props;
	const {form} = kit;
	const id = (field: string) => `host-${host.id}-${field}`;
	const check = currentCheck(state, host.id);
	const failure = check && !check.ok ? describeFailedCheck(host.ip, check) : undefined;
	const problems = [
		...kit.messages(`hosts[${index}].name`).map(m => `name ${m}`),
		...kit.messages(`hosts[${index}].ip`).filter(m => m !== failure && !m.startsWith('is being checked')).map(m => `address ${m}`),
		...kit.messages(`hosts[${index}].roles`).map(m => `roles ${m}`),
		...kit.messages(`hosts[${index}].hostKey`),
	];
	const accepted = acceptedKey(state, host.id);
	return (
		<Box flexDirection="column">
			<Box>
				<Text color="cyan">{props.focused ? '› ' : '  '}</Text>
				<TextCell value={host.name} focused={form.isFocused(id('name'))} cursor={form.cursor} width={18} />
				<TextCell value={host.ip} focused={form.isFocused(id('ip'))} cursor={form.cursor} width={18} placeholder="address" />
				<TogglesCell
					options={roleNames.map(role => roleLabels[role])}
					selected={roleNames.map(role => host.roles.includes(role))}
					focused={form.isFocused(id('roles'))}
					sub={form.sub}
				/>
			</Box>
			<Box marginLeft={4}>
				{isChecking(state, host.id) ? (
					<Spinner label={`checking ${host.ip} over SSH…`} />
				) : check?.ok ? (
					<Box gap={1}>
						<Text color="green">✓</Text>
						{check.fingerprint ? (
							<ActionCell label={accepted ? '[x] key accepted' : '[ ] accept key'} focused={form.isFocused(id('key'))} />
						) : null}
						<Text>{check.fingerprint ?? 'no host key reported'}</Text>
						<Text dimColor wrap="truncate-end">
							· {check.os ?? 'supported OS'}
						</Text>
					</Box>
				) : failure ? (
					<Text color="red">✗ {failure}</Text>
				) : null}
			</Box>
			<ProblemLines problems={problems} indent={4} />
		</Box>
	);
}
