import {Box, Text} from 'ink';
import {formatDuration, type HostPane} from './install-state.js';

const spinnerFrames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** The spinner frame for a moment: every spinner on screen turns with the one clock. */
export function spinnerFrame(now: number): string {
	return spinnerFrames[Math.floor(now / 100) % spinnerFrames.length]!;
}

const statusColor: Record<HostPane['status'], string> = {
	waiting: 'gray',
	running: 'cyan',
	idle: 'gray',
	done: 'green',
	failed: 'red',
	skipped: 'yellow',
};

/** The status mark, what the host is doing, and for how long: the same words in a pane and in a line. */
function describePane(pane: HostPane, now: number): {mark: string; doing: string; elapsed: string} {
	const failed = pane.status === 'failed';
	const elapsed = pane.startedAt === undefined ? '' : formatDuration((pane.status === 'running' ? now : (pane.endedAt ?? now)) - pane.startedAt);
	let mark: string;
	if (pane.status === 'running') mark = spinnerFrame(now);
	else if (pane.status === 'done') mark = '✓';
	else if (failed) mark = '✗ failed';
	else if (pane.status === 'skipped') mark = '- skipped';
	else mark = '·';
	let doing: string;
	if (failed && pane.failure) doing = `${pane.failure.phase} › ${pane.failure.step}`;
	// The phase is on the progress line; a pane names only its step, which is what is cut short otherwise.
	else if (pane.status === 'running') doing = `${pane.step} (${formatDuration(now - (pane.stepStartedAt ?? now))})`;
	else if (pane.status === 'done') doing = `done: ${pane.changed} changed, ${pane.unchanged} as wanted`;
	else if (pane.status === 'skipped') doing = pane.skipped ?? 'skipped';
	else if (pane.status === 'idle') doing = `${pane.changed + pane.unchanged} steps done, waiting`;
	else doing = 'waiting';
	return {mark, doing, elapsed};
}

/**
 * One host: name and roles, what it is doing and for how long, and its last
 * output lines. A failed host turns red and shows the failing command and its output.
 */
export function HostPaneView(props: {pane: HostPane; now: number; width: number; lines: number; selected: boolean}) {
	const {pane} = props;
	const failed = pane.status === 'failed';
	const {mark, doing, elapsed} = describePane(pane, props.now);
	const body: Array<{text: string}> = [];
	if (failed && pane.failure) {
		if (pane.failure.command) body.push({text: `$ ${pane.failure.command}`});
		const output = pane.failure.output.length > 0 ? pane.failure.output : [pane.failure.error];
		for (const line of output.slice(-(props.lines - body.length))) body.push({text: line});
	} else {
		for (const line of pane.lines.slice(-props.lines)) body.push({text: line});
	}
	while (body.length < props.lines) body.push({text: ''});
	const border = failed ? 'red' : props.selected ? 'cyan' : pane.status === 'done' ? 'green' : 'gray';
	return (
		<Box width={props.width} flexDirection="column" borderStyle={props.selected ? 'double' : 'round'} borderColor={border} paddingX={1} flexShrink={0}>
			<Box justifyContent="space-between">
				<Text bold wrap="truncate-end">
					{pane.name}
					<Text dimColor> {pane.roles.join(', ')}</Text>
				</Text>
				{/* Only the name gives way: a squeezed clock wrapped to a second line, and the pane grew past the rows planned for it. */}
				<Box flexShrink={0} marginLeft={1}>
					<Text color={statusColor[pane.status]}>
						{mark}
						{elapsed ? ` ${elapsed}` : ''}
					</Text>
				</Box>
			</Box>
			<Text color={failed ? 'red' : undefined} wrap="truncate-end">
				{doing}
			</Text>
			{/* One text node for the body: a frame costs Ink per node, and this is the part that changes. */}
			<Text color={failed ? 'red' : undefined} dimColor={!failed}>
				{body.map(line => fit(line.text, props.width - 4)).join('\n')}
			</Text>
		</Box>
	);
}

// Cut to the pane's width by characters; output lines are cleaned of control sequences already.
function fit(text: string, width: number): string {
	const chars = [...text];
	if (chars.length <= width) return text || ' ';
	return `${chars.slice(0, Math.max(width - 1, 0)).join('')}…`;
}

/** One host on one line, for terminals too short for panes: mark, name, what it does, its last line. */
export function HostLineView(props: {pane: HostPane; now: number; width: number; selected: boolean}) {
	const {pane} = props;
	const failed = pane.status === 'failed';
	const {mark, doing} = describePane(pane, props.now);
	const last = failed && pane.failure ? (pane.failure.command ? `$ ${pane.failure.command}` : pane.failure.error) : (pane.lines.at(-1) ?? '');
	return (
		<Box width={props.width}>
			<Box width={4} flexShrink={0}>
				<Text color={statusColor[pane.status]}>
					<Text color="cyan">{props.selected ? '›' : ' '}</Text> {mark.split(' ')[0]}
				</Text>
			</Box>
			<Box width={16} flexShrink={0}>
				<Text bold>{pane.name}</Text>
			</Box>
			<Text color={failed ? 'red' : undefined} wrap="truncate-end">
				{doing}
				<Text dimColor={!failed}>{last ? ` │ ${last}` : ''}</Text>
			</Text>
		</Box>
	);
}
