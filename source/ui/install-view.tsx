import {Box, Static, Text} from 'ink';
import SelectInput from 'ink-select-input';
import {HostLineView, HostPaneView, spinnerFrame} from './host-pane.js';
import {currentPhase, formatDuration, type FinishedLine, type InstallState} from './install-state.js';
import {LogView} from './log-view.js';

/** What the person is doing on the install screen, apart from the run itself. */
export type InstallUi = {
	mode: 'panes' | 'pick' | 'log' | 'confirm-quit';
	/** The pane the arrows have selected. */
	selected: number;
	/** Stop was confirmed: the engine finishes its current steps. */
	stopping: boolean;
	log?: {host: string; lines?: string[]; error?: string; offset: number};
};

/** The install screen's starting UI state. */
export const initialInstallUi: InstallUi = {mode: 'panes', selected: 0, stopping: false};

/** How the run ended, once `install` has returned. */
export type InstallEnd = {ok: boolean; logFile: string; answersFile: string} | {error: string};

/**
 * The install screen as a pure function of the event-built state, the clock
 * and the UI state: finished steps as <Static> lines, a pane per host, the
 * progress by phase, and the failure, log, picker or stop prompt when open.
 */
export function InstallView(props: {
	state: InstallState;
	ui: InstallUi;
	now: number;
	columns: number;
	/** Terminal rows; 0 when unknown, which draws full panes whatever their height. */
	rows: number;
	end?: InstallEnd;
	interactive: boolean;
	onPick?: (host: string) => void;
	/** False draws only the finished lines, for when the run is over and another screen shows. */
	live?: boolean;
}) {
	const {state, ui, now} = props;
	const failures = state.hosts.filter(pane => pane.failure);
	const layout = paneLayout(state.hosts.length, props.columns, props.rows, failures.length > 0);
	const {perRow, width, lines} = layout;
	return (
		<Box flexDirection="column">
			<Static items={state.finished}>{line => <FinishedLineView key={line.id} line={line} />}</Static>
			{/* The same tree either way: a <Static> that remounts prints its lines again. */}
			{props.live === false ? null : (
				<>
					<Progress state={state} now={now} />
					{ui.mode === 'log' && ui.log ? (
						<LogView host={ui.log.host} lines={ui.log.lines} error={ui.log.error} offset={ui.log.offset} height={Math.max((props.rows || 24) - 8, 5)} />
					) : ui.mode === 'pick' ? (
						// The picker takes the panes' place so the screen keeps its height.
						<Box flexDirection="column" borderStyle="round" borderColor="cyan" paddingX={1}>
							<Text bold>Whose log? (Enter opens it, Esc goes back)</Text>
							<SelectInput
								items={state.hosts.map(pane => ({key: pane.name, label: `${pane.name} (${pane.status})`, value: pane.name}))}
								initialIndex={Math.min(ui.selected, Math.max(state.hosts.length - 1, 0))}
								isFocused={props.interactive}
								onSelect={item => props.onPick?.(item.value)}
							/>
						</Box>
					) : (
						<>
							<Box flexWrap="wrap" width={perRow * width}>
								{state.hosts.map((pane, i) =>
									layout.compact ? (
										<HostLineView key={pane.name} pane={pane} now={now} width={props.columns} selected={i === ui.selected} />
									) : (
										<HostPaneView key={pane.name} pane={pane} now={now} width={width} lines={lines} selected={i === ui.selected} />
									),
								)}
							</Box>
							{failures.length > 0 ? <FailurePanel state={state} /> : null}
						</>
					)}
					<Footer ui={ui} end={props.end} now={now} />
				</>
			)}
		</Box>
	);
}

/**
 * How the panes fit the terminal: up to three across by width, 3 to 5 output
 * lines each by count, fewer lines when rows are short, and one line per host
 * when even that does not fit (Ink redraws the whole screen on every frame
 * once the output is taller than the terminal).
 */
export function paneLayout(count: number, columns: number, rows: number, failure: boolean): {perRow: number; width: number; lines: number; compact: boolean} {
	const perRow = columns >= 120 ? 3 : columns >= 80 ? 2 : 1;
	const width = Math.floor(columns / perRow);
	const wanted = count <= 3 ? 5 : count <= 6 ? 4 : 3;
	if (!rows) return {perRow, width, lines: wanted, compact: false};
	const paneRows = Math.ceil(count / perRow);
	// Progress (2), footer (2) and, after a failure, its panel (about 12).
	const free = rows - 4 - (failure ? 12 : 0);
	const lines = Math.min(wanted, Math.floor(free / Math.max(paneRows, 1)) - 4);
	if (lines >= 1) return {perRow, width, lines, compact: false};
	return {perRow: 1, width: columns, lines: 1, compact: true};
}

function Progress(props: {state: InstallState; now: number}) {
	const {state, now} = props;
	const phase = currentPhase(state);
	const index = phase ? state.phases.indexOf(phase) + 1 : 0;
	const end = state.result?.at ?? now;
	const elapsed = state.startedAt === undefined ? '' : ` · ${formatDuration(end - state.startedAt)}`;
	return (
		<Box flexDirection="column" marginBottom={0}>
			<Text>
				<Text bold>{state.cluster ?? 'install'}</Text>
				{phase ? ` · phase ${index}/${state.phases.length} ${phase.name}` : ' · starting'}
				{` · ${state.steps.done} steps done (${state.steps.changed} changed)`}
				{state.steps.failed > 0 ? <Text color="red">{` · ${state.steps.failed} failed`}</Text> : null}
				{elapsed}
			</Text>
			<Text wrap="wrap">
				{state.phases.map(p => (
					<Text key={p.name} color={p.status === 'ok' ? 'green' : p.status === 'failed' ? 'red' : p.status === 'running' ? 'cyan' : 'gray'}>
						{p.status === 'ok' ? '✓' : p.status === 'failed' ? '✗' : p.status === 'running' ? spinnerFrame(now) : '·'} {p.name}{' '}
					</Text>
				))}
			</Text>
		</Box>
	);
}

function FailurePanel(props: {state: InstallState}) {
	return (
		<Box flexDirection="column" borderStyle="round" borderColor="red" paddingX={1}>
			{props.state.hosts
				.filter(pane => pane.failure)
				.map(pane => (
					<Box key={pane.name} flexDirection="column">
						<Text color="red" bold>
							✗ {pane.name} failed at {pane.failure!.phase} › {pane.failure!.step}
						</Text>
						{pane.failure!.command ? <Text color="red">$ {pane.failure!.command}</Text> : null}
						<Text color="red">{pane.failure!.error}</Text>
						{pane.failure!.output.slice(-8).map((line, i) => (
							<Text key={i} color="red" wrap="truncate-end">
								{'  '}
								{line}
							</Text>
						))}
					</Box>
				))}
			<Text dimColor>Fix the cause, then run the install again: it continues where this run stopped.</Text>
		</Box>
	);
}

function Footer(props: {ui: InstallUi; end?: InstallEnd; now: number}) {
	const {ui, end} = props;
	if (ui.mode === 'confirm-quit')
		return (
			<Box borderStyle="round" borderColor="yellow" paddingX={1}>
				<Text color="yellow">Stop after the current steps? The hosts stay in a state a re-run finishes. (y: stop · n: keep going)</Text>
			</Box>
		);
	if (ui.stopping && !end)
		return <Text color="yellow">{spinnerFrame(props.now)} Stopping after the current steps… Ctrl-C again leaves at once.</Text>;
	const keys = ui.mode === 'log' ? '' : ' · ←/→/↑/↓ pick a host · Enter its full log · l choose a log';
	if (end && 'error' in end)
		return (
			<Box flexDirection="column">
				<Text color="red">✗ The install could not run: {end.error}</Text>
				<Text dimColor>q quit{keys}</Text>
			</Box>
		);
	if (end && !end.ok)
		return (
			<Box flexDirection="column">
				<Text color="red">✗ The install failed. Log: {end.logFile}</Text>
				<Text dimColor>q quit{keys}</Text>
			</Box>
		);
	return <Text dimColor>q stop{keys}</Text>;
}

function FinishedLineView(props: {line: FinishedLine}) {
	const {line} = props;
	const host = line.host ? `${line.host.padEnd(15)} ` : '';
	switch (line.kind) {
		case 'step':
			return (
				<Text>
					<Text color="green">✓ </Text>
					{host}
					{line.text}
					<Text dimColor> · {line.detail}</Text>
				</Text>
			);
		case 'failed':
			return (
				<Text color="red">
					✗ {host}
					{line.text}: {line.detail}
				</Text>
			);
		case 'skipped':
			return (
				<Text color="yellow">
					- {host}
					{line.text}: {line.detail}
				</Text>
			);
		case 'phase':
			return (
				<Text bold color={line.ok ? undefined : 'red'}>
					── {line.text}
				</Text>
			);
		case 'check':
			return (
				<Text color={line.ok ? 'green' : 'red'}>
					{line.ok ? '✓' : '✗'} check: {line.text}
					<Text dimColor> · {line.detail}</Text>
				</Text>
			);
		case 'run':
			return (
				<Text bold color={line.ok ? 'green' : 'red'}>
					{line.ok ? '✓' : '✗'} {line.text}: {line.detail}
				</Text>
			);
	}
}
