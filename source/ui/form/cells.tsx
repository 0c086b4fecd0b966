import type {ReactNode} from 'react';
import {Box, Text} from 'ink';

/** A one-line text field; masked fields show one `*` per character and nothing else. */
export function TextCell(props: {value: string; focused: boolean; cursor: number; mask?: boolean; placeholder?: string; width?: number}) {
	const shown = props.mask ? '*'.repeat(props.value.length) : props.value;
	let content: ReactNode;
	if (shown === '' && !props.focused) content = <Text dimColor>{props.placeholder ?? ''}</Text>;
	else if (!props.focused) content = <Text>{shown}</Text>;
	else if (shown === '')
		content = (
			<Text>
				<Text inverse> </Text>
				<Text dimColor>{props.placeholder ?? ''}</Text>
			</Text>
		);
	else {
		const at = Math.min(props.cursor, shown.length);
		content = (
			<Text>
				{shown.slice(0, at)}
				<Text inverse>{shown[at] ?? ' '}</Text>
				{shown.slice(at + 1)}
			</Text>
		);
	}
	return (
		<Box width={props.width} flexShrink={0}>
			<Text color={props.focused ? 'cyan' : undefined} wrap="truncate-start">
				{content}
			</Text>
		</Box>
	);
}

/** One choice among several; when focused it shows the arrows that change it. */
export function ChoiceCell(props: {label: string; focused: boolean}) {
	return props.focused ? (
		<Text color="cyan">
			‹ {props.label} ›
		</Text>
	) : (
		<Text>  {props.label}  </Text>
	);
}

/** A row of on/off options, e.g. a host's roles. */
export function TogglesCell(props: {options: string[]; selected: boolean[]; focused: boolean; sub: number}) {
	return (
		<Text>
			{props.options.map((option, i) => (
				<Text key={option} color={props.focused ? 'cyan' : undefined} inverse={props.focused && i === props.sub}>
					{props.selected[i] ? '[x]' : '[ ]'} {option}
					{i < props.options.length - 1 ? ' ' : ''}
				</Text>
			))}
		</Text>
	);
}

/** A button; the focused one carries a marker, so it shows without colour too. */
export function ActionCell(props: {label: string; focused: boolean; primary?: boolean}) {
	return (
		<Text>
			<Text color="cyan">{props.focused ? '›' : ' '}</Text>
			<Text color={props.focused ? 'cyan' : props.primary ? undefined : 'gray'} inverse={props.focused} bold={props.primary}>
				{` ${props.label} `}
			</Text>
		</Text>
	);
}

/** A labelled form line with a focus marker and, below it, its problems. */
export function FieldLine(props: {label: string; focused: boolean; labelWidth?: number; problems?: string[]; note?: string; children: ReactNode}) {
	return (
		<Box flexDirection="column">
			<Box>
				<Text color="cyan">{props.focused ? '› ' : '  '}</Text>
				<Box width={props.labelWidth ?? 18} flexShrink={0}>
					<Text bold={props.focused}>{props.label}</Text>
				</Box>
				{props.children}
			</Box>
			{props.note ? (
				<Box marginLeft={2 + (props.labelWidth ?? 18)}>
					<Text dimColor>{props.note}</Text>
				</Box>
			) : null}
			<ProblemLines problems={props.problems} indent={2 + (props.labelWidth ?? 18)} />
		</Box>
	);
}

/** Problems in red, one per line. */
export function ProblemLines(props: {problems?: string[]; indent?: number}) {
	if (!props.problems || props.problems.length === 0) return null;
	return (
		<Box flexDirection="column" marginLeft={props.indent ?? 0}>
			{props.problems.map(problem => (
				<Text key={problem} color="red">
					✗ {problem}
				</Text>
			))}
		</Box>
	);
}
