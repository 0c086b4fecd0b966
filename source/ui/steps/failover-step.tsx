import {Box, Text} from 'ink';
import {rtoPresets} from '../../answers/ha-timing.js';
import {ChoiceCell, FieldLine} from '../form/cells.js';
import type {FieldSpec} from '../form/form-focus.js';
import {durabilityChoices, noReplicaChoices, rtoChoices, type CostedChoice} from '../presets.js';
import {StepActions, useStep, type StepProps} from './step-kit.js';

const fieldIds = ['ha.durability', 'ha.writesWithoutReplica', 'ha.rto'];

/**
 * How commits are protected and how fast a failover is: synchronous or not,
 * what synchronous commits do with no replica left, and the failover speed,
 * each choice with what it costs.
 */
export function FailoverStep(props: StepProps) {
	const {state, dispatch} = props;
	const {ha} = state;
	const synchronous = ha.durability === 'synchronous';
	const choice = <Id extends string>(id: string, choices: ReadonlyArray<CostedChoice<Id>>, current: Id, set: (value: Id) => void): FieldSpec => ({
		kind: 'choice',
		id,
		count: choices.length,
		index: Math.max(choices.findIndex(c => c.id === current), 0),
		onSelect: index => set(choices[index]!.id),
	});
	const rows: FieldSpec[][] = [
		[choice('ha.durability', durabilityChoices, ha.durability, durability => dispatch({type: 'set-ha', ha: {durability}}))],
		synchronous ? [choice('ha.writesWithoutReplica', noReplicaChoices, ha.writesWithoutReplica, writesWithoutReplica => dispatch({type: 'set-ha', ha: {writesWithoutReplica}}))] : [],
		[choice('ha.rto', rtoChoices, ha.rto, rto => dispatch({type: 'set-ha', ha: {rto}}))],
	];
	const kit = useStep(props, 'failover', rows, path => (fieldIds.includes(path) ? path : 'ha.rto'));
	const {form} = kit;
	const line = <Id extends string>(id: string, label: string, choices: ReadonlyArray<CostedChoice<Id>>, current: Id) => {
		const chosen = choices.find(c => c.id === current) ?? choices[0]!;
		return (
			<FieldLine label={label} focused={form.isFocused(id)} note={chosen.cost} problems={kit.messages(id)}>
				<ChoiceCell label={chosen.label} focused={form.isFocused(id)} />
			</FieldLine>
		);
	};
	// What the preset sets, as the plan shows it (the wizard sets no Patroni override).
	const {patroni} = rtoPresets[ha.rto];
	return (
		<Box flexDirection="column">
			{line('ha.durability', 'Commits', durabilityChoices, ha.durability)}
			{synchronous ? line('ha.writesWithoutReplica', 'No replica left', noReplicaChoices, ha.writesWithoutReplica) : null}
			{line('ha.rto', 'Failover speed', rtoChoices, ha.rto)}
			<Box marginLeft={20}>
				<Text dimColor>
					Patroni ttl {patroni.ttl} s, loop_wait {patroni.loopWait} s, retry_timeout {patroni.retryTimeout} s; HAProxy and Keepalived checks to match
				</Text>
			</Box>
			<StepActions kit={kit} problems={kit.unplaced(path => fieldIds.includes(path))} />
		</Box>
	);
}
