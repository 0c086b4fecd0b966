import {useCallback, useEffect, useRef, useState} from 'react';
import {useStdout} from 'ink';
import type {EngineEvent} from '../app/events.js';
import {cleanLine, createInstallState, reduceInstall, type InstallState} from './install-state.js';
import {initialInstallUi, InstallView, type InstallEnd, type InstallUi} from './install-view.js';
import type {InstallRequest, WizardServices} from '../app/services.js';
import {useInteractive} from './use-interactive.js';
import {useKeys} from './use-keys.js';

/** How the install screen hands back: the run's end, and whether the person stopped it. */
export type InstallScreenResult = {end: InstallEnd; stopped: boolean; state: InstallState};

/** How often buffered events are applied and the clock moves: one render per tick at most. */
export const installTickMs = 100;

/**
 * Runs `services.install` and shows it. Events are buffered and applied once
 * per tick, so a burst of output costs one render, not one per line. `q` or
 * Ctrl-C asks before stopping; stopping aborts through the signal and the
 * engine finishes its current steps.
 */
export function InstallScreen(props: {
	services: Pick<WizardServices, 'install' | 'readLog'>;
	/** The validated answers to install, and the input to save. */
	request: InstallRequest;
	/** Called once the run ended and should leave this screen (at once when it succeeded or was stopped). */
	onDone: (result: InstallScreenResult) => void;
	active?: boolean;
	/** Milliseconds between renders while running. */
	tickMs?: number;
	/** False once the run is over and another screen shows: only the printed lines stay. */
	live?: boolean;
}) {
	const {services} = props;
	const {stdout} = useStdout();
	const interactive = useInteractive();
	const hosts = props.request.answers.hosts.map(host => ({name: host.name, roles: [...host.roles]}));
	const [view, setView] = useState(() => ({state: createInstallState(hosts), now: Date.now()}));
	const [ui, setUi] = useState<InstallUi>(initialInstallUi);
	const [end, setEnd] = useState<InstallEnd>();
	const pending = useRef<EngineEvent[]>([]);
	const controller = useRef(new AbortController());
	const latest = useRef({ui, end, state: view.state, onDone: props.onDone});
	latest.current = {ui, end, state: view.state, onDone: props.onDone};

	const flush = useCallback(() => {
		const batch = pending.current;
		pending.current = [];
		setView(previous => ({state: batch.length > 0 ? batch.reduce(reduceInstall, previous.state) : previous.state, now: Date.now()}));
	}, []);

	useEffect(() => {
		let alive = true;
		const timer = setInterval(flush, props.tickMs ?? installTickMs);
		services.install(props.request, event => pending.current.push(event), controller.current.signal).then(
			outcome => {
				if (!alive) return;
				clearInterval(timer);
				flush();
				setEnd(outcome);
			},
			(error: unknown) => {
				if (!alive) return;
				clearInterval(timer);
				flush();
				setEnd({error: error instanceof Error ? error.message : String(error)});
			},
		);
		return () => {
			alive = false;
			clearInterval(timer);
		};
		// The run starts once, when the screen appears.
	}, []);

	// A successful or stopped run leaves at once; a failed one stays so the failure can be read.
	useEffect(() => {
		if (!end) return;
		const stopped = latest.current.ui.stopping;
		if (stopped || ('ok' in end && end.ok)) latest.current.onDone({end, stopped, state: latest.current.state});
	}, [end]);

	const openLog = useCallback(
		(host: string) => {
			setUi(previous => ({...previous, mode: 'log', log: {host, offset: 0}}));
			const read = () =>
				services.readLog(host).then(
					lines => setUi(previous => (previous.log?.host === host ? {...previous, log: {...previous.log, lines: lines.map(cleanLine)}} : previous)),
					(error: unknown) =>
						setUi(previous => (previous.log?.host === host ? {...previous, log: {...previous.log, error: error instanceof Error ? error.message : String(error)}} : previous)),
				);
			void read();
		},
		[services],
	);

	// While a log is open and the run goes on, it is read again every second.
	useEffect(() => {
		if (ui.mode !== 'log' || !ui.log || end) return;
		const host = ui.log.host;
		const timer = setInterval(() => {
			services.readLog(host).then(
				lines => setUi(previous => (previous.log?.host === host ? {...previous, log: {...previous.log, lines: lines.map(cleanLine)}} : previous)),
				() => undefined,
			);
		}, 1000);
		return () => clearInterval(timer);
	}, [ui.mode, ui.log?.host, end, services]);

	const rows = stdout.rows || 0;
	const columns = stdout.columns || 80;
	const count = view.state.hosts.length;
	const perRow = columns >= 120 ? 3 : columns >= 80 ? 2 : 1;

	useKeys(
		(input, key) => {
			const {ui: current, end: ended, state} = latest.current;
			const leave = () => latest.current.onDone({end: ended ?? {error: 'stopped before the run ended'}, stopped: current.stopping, state});
			if (key.ctrl && input === 'c') {
				if (ended) leave();
				else if (current.stopping) latest.current.onDone({end: {ok: false, logFile: state.logFile ?? '', answersFile: ''}, stopped: true, state});
				else if (current.mode === 'confirm-quit') stop();
				else setUi({...current, mode: 'confirm-quit'});
				return;
			}
			switch (current.mode) {
				case 'confirm-quit':
					if (input === 'y' || input === 'Y') stop();
					else if (input === 'n' || input === 'N' || key.escape) setUi({...current, mode: 'panes'});
					return;
				case 'pick':
					if (key.escape) setUi({...current, mode: 'panes'});
					return;
				case 'log': {
					const log = current.log;
					if (key.escape || input === 'q' || input === 'l') {
						setUi({...current, mode: 'panes', log: undefined});
						return;
					}
					if (!log) return;
					const total = log.lines?.length ?? 0;
					const page = Math.max((rows || 24) - 8, 5);
					let offset = log.offset;
					if (key.upArrow) offset++;
					else if (key.downArrow) offset--;
					else if (key.pageUp) offset += page;
					else if (key.pageDown) offset -= page;
					else if (key.home) offset = total;
					else if (key.end) offset = 0;
					offset = Math.min(Math.max(offset, 0), Math.max(total - page, 0));
					if (offset !== log.offset) setUi({...current, log: {...log, offset}});
					return;
				}
				case 'panes': {
					if (input === 'q') {
						if (ended) leave();
						else if (!current.stopping) setUi({...current, mode: 'confirm-quit'});
						return;
					}
					if (input === 'l') {
						setUi({...current, mode: 'pick'});
						return;
					}
					if (key.return) {
						const pane = state.hosts[current.selected];
						if (pane) openLog(pane.name);
						return;
					}
					let selected = current.selected;
					if (key.leftArrow) selected--;
					else if (key.rightArrow) selected++;
					else if (key.upArrow) selected -= perRow;
					else if (key.downArrow) selected += perRow;
					selected = Math.min(Math.max(selected, 0), Math.max(count - 1, 0));
					if (selected !== current.selected) setUi({...current, selected});
					return;
				}
			}
		},
		props.active ?? true,
	);

	function stop() {
		controller.current.abort();
		setUi(previous => ({...previous, mode: 'panes', stopping: true}));
	}

	return (
		<InstallView
			state={view.state}
			ui={ui}
			now={view.now}
			columns={columns}
			rows={rows}
			end={end}
			interactive={interactive && (props.active ?? true) && ui.mode === 'pick'}
			onPick={host => openLog(host)}
			live={props.live ?? true}
		/>
	);
}
