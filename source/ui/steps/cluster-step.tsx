import {Box, Text} from 'ink';
import {ChoiceCell, FieldLine, TextCell} from '../form/cells.js';
import type {FieldSpec} from '../form/form-focus.js';
import {layouts} from '../presets.js';
import {pathUnder} from '../step-problems.js';
import {StepActions, useStep, type StepProps} from './step-kit.js';

/** Cluster name, PostgreSQL version and the layout the hosts step starts from. */
export function ClusterStep(props: StepProps) {
	const {state, dispatch} = props;
	const layoutIndex = layouts.findIndex(l => l.id === state.cluster.layout);
	const layout = layouts[layoutIndex]!;
	const rows: FieldSpec[][] = [
		[
			{
				kind: 'text',
				id: 'cluster.name',
				value: state.cluster.name,
				onChange: value => dispatch({type: 'set-cluster', field: 'name', value}),
				onBlur: () => dispatch({type: 'touch', field: 'cluster.name'}),
			},
		],
		[{kind: 'choice', id: 'layout', count: layouts.length, index: layoutIndex, onSelect: index => dispatch({type: 'set-layout', layout: layouts[index]!.id})}],
	];
	const kit = useStep(props, 'cluster', rows, path => (pathUnder(path, 'cluster') ? 'cluster.name' : undefined));
	const {form} = kit;
	return (
		<Box flexDirection="column">
			<FieldLine label="Cluster name" focused={form.isFocused('cluster.name')} problems={kit.messages('cluster.name')} note="the Patroni scope and the pgBackRest stanza, e.g. produccion">
				<TextCell value={state.cluster.name} focused={form.isFocused('cluster.name')} cursor={form.cursor} placeholder="produccion" />
			</FieldLine>
			<FieldLine label="PostgreSQL" focused={false}>
				<Text>15 (the version Debian 12 ships)</Text>
			</FieldLine>
			<FieldLine label="Layout" focused={form.isFocused('layout')} note={layout.detail}>
				<ChoiceCell label={layout.label} focused={form.isFocused('layout')} />
			</FieldLine>
			<StepActions kit={kit} problems={kit.unplaced(path => path === 'cluster.name')} />
		</Box>
	);
}
