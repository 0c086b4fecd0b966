import {useMemo, useRef, type Dispatch} from 'react';
import {Box} from 'ink';
import type {Problem} from '../../answers/problem.js';
import {ActionCell, ProblemLines} from '../form/cells.js';
import type {ActionSpec, FieldSpec, TextSpec} from '../form/form-focus.js';
import {useForm, type FormHandle} from '../form/use-form.js';
import {judgeStep, visibleProblems, type StepVerdict} from '../step-problems.js';
import type {StepId, WizardState} from '../wizard-model.js';
import type {WizardAction} from '../wizard-state.js';

/** What every step component receives from the wizard. */
export type StepProps = {
	state: WizardState;
	dispatch: Dispatch<WizardAction>;
	/** False while another part of the screen owns the keys. */
	active: boolean;
	/** Leaves the step backwards (Esc or Back). */
	onBack: () => void;
	/** Starts the SSH check of a host (unless one for its address is done or running, or `force`). */
	checkHost: (id: number, force?: boolean) => void;
	/** Starts the inspection of the bundle path now typed (unless one for that path is done or running, or `force`). */
	checkBundle: (force?: boolean) => void;
};

/** A step's form, its problems, and Next/Back wired to the wizard. */
export type StepKit = {
	form: FormHandle;
	problems: Problem[];
	/** The step as judged: problems, answers built so far and, on the review, the validated answers. */
	verdict: StepVerdict;
	/** Messages of the visible problems at exactly this path. */
	messages: (path: string) => string[];
	/** Visible problems not shown next to a field. */
	unplaced: (placed: (path: string) => boolean) => string[];
	actions: ActionSpec[];
};

/**
 * Shared wiring for a step: problems from the answer-file rules, a form with
 * Next and Back at the bottom, and Next that either advances or puts focus on
 * the first field with a problem. `fieldFor` maps a problem path to a field id.
 */
export function useStep(
	props: StepProps,
	step: StepId,
	rows: FieldSpec[][],
	fieldFor: (path: string) => string | undefined,
	labels: {next?: string; onNext?: () => void} = {},
): StepKit {
	const {state, dispatch} = props;
	const verdict = useMemo(() => judgeStep(state, step), [state, step]);
	const {problems} = verdict;
	const visible = visibleProblems(state, step, problems);
	const formRef = useRef<FormHandle | undefined>(undefined);
	const next = () => {
		if (labels.onNext) {
			labels.onNext();
			return;
		}
		const first = problems[0];
		if (first) formRef.current?.focus(fieldFor(first.path) ?? 'next');
		dispatch({type: 'next'});
	};
	const actions: ActionSpec[] = [
		{kind: 'action', id: 'next', onPress: next},
		{kind: 'action', id: 'back', onPress: props.onBack},
	];
	const form = useForm({rows: [...rows, actions], active: props.active, onBack: props.onBack});
	formRef.current = form;
	return {
		form,
		problems,
		verdict,
		messages: path => visible.filter(p => p.path === path).map(p => p.message),
		unplaced: placed => visible.filter(p => !placed(p.path)).map(p => `${p.path}: ${p.message}`),
		actions,
	};
}

/** A text field spec that writes through `onChange` and marks its path touched when left. */
export function textField(dispatch: Dispatch<WizardAction>, id: string, value: string, onChange: (value: string) => void, extra: Partial<TextSpec> = {}): TextSpec {
	return {kind: 'text', id, value, onChange, onBlur: () => dispatch({type: 'touch', field: id}), ...extra};
}

/** The Next and Back buttons, with the step's other problems above them. */
export function StepActions(props: {kit: StepKit; problems?: string[]; nextLabel?: string}) {
	const {form} = props.kit;
	return (
		<Box flexDirection="column" marginTop={1}>
			<ProblemLines problems={props.problems} />
			<Box gap={2}>
				<ActionCell label={props.nextLabel ?? 'Next →'} focused={form.isFocused('next')} primary />
				<ActionCell label="← Back" focused={form.isFocused('back')} />
			</Box>
		</Box>
	);
}
