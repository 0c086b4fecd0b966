import {useEffect} from 'react';
import {Box, Text} from 'ink';
import {Spinner} from '@inkjs/ui';
import type {PackageSource} from '../../answers/schema.js';
import {bundlePath, currentBundleCheck, isCheckingBundle} from '../bundle-check.js';
import {ActionCell, ChoiceCell, FieldLine, ProblemLines, TextCell} from '../form/cells.js';
import type {FieldSpec} from '../form/form-focus.js';
import {StepActions, textField, useStep, type StepProps} from './step-kit.js';

/** The package sources the step offers, the answer file's default first. */
export const packageSourceChoices: ReadonlyArray<{id: PackageSource; label: string; note: string}> = [
	{id: 'mirror', label: 'Debian mirror the hosts reach', note: 'the hosts install with apt from the Debian archives they are set up for'},
	{id: 'bundle', label: 'a bundle file here', note: 'for hosts with no Internet: everything they install comes from a bundle file on this machine'},
];

/** How long typing must pause before the path is checked: a check per keystroke would only flicker. */
export const bundleCheckDelayMs = 300;

const fieldIds = ['packages.source', 'packages.bundle'];
const labelWidth = 18;

/**
 * Where the hosts get their Debian packages: the mirror they reach, or a
 * bundle file on this machine, checked as its path is typed.
 */
export function PackagesStep(props: StepProps) {
	const {state, dispatch, checkBundle} = props;
	const {packages} = state;
	const bundle = packages.source === 'bundle';
	const path = bundlePath(state);
	const sourceIndex = Math.max(packageSourceChoices.findIndex(c => c.id === packages.source), 0);

	// A path that stops changing is checked; on arrival too, which costs nothing when its check is already done.
	useEffect(() => {
		if (!bundle || path === '') return;
		const timer = setTimeout(() => checkBundle(), bundleCheckDelayMs);
		return () => clearTimeout(timer);
	}, [bundle, path, checkBundle]);

	const checking = isCheckingBundle(state);
	const check = currentBundleCheck(state);
	const failure = check && !check.ok ? check.message : undefined;
	const rows: FieldSpec[][] = [
		[
			{
				kind: 'choice',
				id: 'packages.source',
				count: packageSourceChoices.length,
				index: sourceIndex,
				onSelect: index => dispatch({type: 'set-packages', packages: {source: packageSourceChoices[index]!.id}}),
			},
		],
	];
	if (bundle)
		rows.push([
			textField(dispatch, 'packages.bundle', packages.bundle, value => dispatch({type: 'set-packages', packages: {bundle: value}}), {
				onBlur: () => {
					dispatch({type: 'touch', field: 'packages.bundle'});
					checkBundle();
				},
			}),
		]);
	// The file may be put right without the path changing; the check is then asked for again.
	if (bundle && failure) rows.push([{kind: 'action', id: 'recheck', onPress: () => checkBundle(true)}]);

	const fieldFor = (problemPath: string) => (bundle && problemPath === 'packages.bundle' ? 'packages.bundle' : 'packages.source');
	const kit = useStep(props, 'packages', rows, fieldFor, {
		onNext: () => {
			// A path typed and left at once gets its check now, instead of a bare refusal.
			checkBundle();
			const first = kit.problems[0];
			if (first) kit.form.focus(fieldFor(first.path));
			dispatch({type: 'next'});
		},
	});
	const {form} = kit;
	const chosen = packageSourceChoices[sourceIndex]!;
	// The check's own line already says it is running or why it failed.
	const problems = kit.messages('packages.bundle').filter(m => m !== failure && !m.startsWith('is being checked'));
	return (
		<Box flexDirection="column">
			<FieldLine label="Packages from" focused={form.isFocused('packages.source')} labelWidth={labelWidth} note={chosen.note} problems={kit.messages('packages.source')}>
				<ChoiceCell label={chosen.label} focused={form.isFocused('packages.source')} />
			</FieldLine>
			{bundle ? (
				<>
					<FieldLine label="Bundle file" focused={form.isFocused('packages.bundle')} labelWidth={labelWidth} note="a path on this machine; ~ is your home">
						<TextCell value={packages.bundle} focused={form.isFocused('packages.bundle')} cursor={form.cursor} placeholder="e.g. ~/pgha-bundle.tar" />
					</FieldLine>
					<Box marginLeft={2 + labelWidth} gap={1}>
						{checking ? (
							<Spinner label="checking…" />
						) : check?.ok ? (
							<Text color="green">✓ {check.summary}</Text>
						) : failure ? (
							<>
								<Text color="red">✗ {failure}</Text>
								<ActionCell label="Check again" focused={form.isFocused('recheck')} />
							</>
						) : null}
					</Box>
					<ProblemLines problems={problems} indent={2 + labelWidth} />
				</>
			) : null}
			<StepActions kit={kit} problems={kit.unplaced(p => fieldIds.includes(p))} />
		</Box>
	);
}
