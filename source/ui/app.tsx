import {useEffect, useState, type ReactNode} from 'react';
import {Box, Text, useApp} from 'ink';
import type {Answers} from '../answers/schema.js';
import type {InstallRequest, WizardServices} from '../app/services.js';
import {DoneScreen} from './done-screen.js';
import {InstallScreen, type InstallScreenResult} from './install-screen.js';
import {StartScreen, type SavedClusterCommand} from './start-screen.js';
import {useInteractive} from './use-interactive.js';
import {useKeys} from './use-keys.js';
import {Wizard} from './wizard.js';
import type {WizardState} from './wizard-model.js';

/** How the app ended; the caller turns it into an exit code or runs the command chosen. */
export type AppResult =
	/** Left the start screen or the wizard; nothing was installed. */
	| {kind: 'quit'}
	/** Keys cannot be read (piped stdin): nothing was asked. */
	| {kind: 'not-interactive'}
	/** A saved cluster and what to run for it. */
	| {kind: 'command'; command: SavedClusterCommand; cluster: string}
	/** An install ran: it succeeded, failed, or was stopped by the person. */
	| {kind: 'installed'; ok: boolean; stopped: boolean; logFile: string; answersFile: string; answers: Answers}
	/** The install could not run at all. */
	| {kind: 'error'; message: string; answers: Answers};

/** Props of the root component. */
export type AppProps = {
	services: WizardServices;
	/** Called once, just before the app unmounts. */
	onExit: (result: AppResult) => void;
	/** Open on the wizard instead of the start screen. */
	startInWizard?: boolean;
	/** Resume a wizard (tests use it to start on a later step). */
	wizardState?: WizardState;
	/** Open straight on the install screen with these answers, already validated (`pgha install` on a terminal). */
	install?: InstallRequest;
};

type Screen =
	| {name: 'start'}
	| {name: 'wizard'}
	| {name: 'install'}
	| {name: 'done'; answers: Answers; logFile: string; answersFile: string}
	| {name: 'leaving'; result: AppResult; after?: Screen};

/**
 * The root: start screen, wizard, install, done. `finish` is the one place that
 * ends the app: it shows the last frame, calls `onExit` with the result and
 * unmounts. Render it with `exitOnCtrlC: false`: Ctrl-C is handled here, so a
 * running install asks before it stops.
 */
export function App(props: AppProps) {
	const {exit} = useApp();
	const interactive = useInteractive();
	const [screen, setScreen] = useState<Screen>(() =>
		!interactive
			? {name: 'leaving', result: {kind: 'not-interactive'}}
			: props.install
				? {name: 'install'}
				: props.startInWizard || props.wizardState
					? {name: 'wizard'}
					: {name: 'start'},
	);
	const [wizardState, setWizardState] = useState<WizardState | undefined>(props.wizardState);
	const finish = (result: AppResult, after?: Screen) => setScreen({name: 'leaving', result, after});

	useEffect(() => {
		if (screen.name !== 'leaving') return;
		props.onExit(screen.result);
		exit();
		// Leaving happens once; onExit and exit are stable for the app's life.
	}, [screen]);

	// Ctrl-C leaves from the menus at once; the install and done screens handle it themselves.
	useKeys((input, key) => {
		if (key.ctrl && input === 'c') finish({kind: 'quit'});
	}, screen.name === 'start' || screen.name === 'wizard');

	const installed = (answers: Answers, run: InstallScreenResult) => {
		const {end, stopped} = run;
		if ('error' in end) {
			finish({kind: 'error', message: end.error, answers});
			return;
		}
		const result: AppResult = {kind: 'installed', ok: end.ok, stopped, logFile: end.logFile, answersFile: end.answersFile, answers};
		if (end.ok && !stopped) setScreen({name: 'done', answers, logFile: end.logFile, answersFile: end.answersFile});
		else finish(result);
	};

	// The install screen stays mounted once it has run, showing only its printed
	// lines: Ink draws a <Static> that unmounts as stray characters.
	const ran = screen.name === 'install' || screen.name === 'done' || (screen.name === 'leaving' && (screen.result.kind === 'installed' || screen.result.kind === 'error'));
	const [install, setInstall] = useState<InstallRequest | undefined>(props.install);
	const installScreen =
		ran && install ? (
			<InstallScreen
				key="install"
				services={props.services}
				request={install}
				live={screen.name === 'install'}
				active={screen.name === 'install'}
				onDone={run => installed(install.answers, run)}
			/>
		) : null;

	let body: ReactNode = null;
	switch (screen.name) {
		case 'start':
			body = (
				<StartScreen
					services={props.services}
					onChoice={choice => {
						if (choice.kind === 'new') setScreen({name: 'wizard'});
						else if (choice.kind === 'quit') finish({kind: 'quit'});
						else finish(choice);
					}}
				/>
			);
			break;
		case 'wizard':
			body = (
				<Wizard
					services={props.services}
					initialState={wizardState}
					onLeave={state => {
						setWizardState(state);
						setScreen({name: 'start'});
					}}
					onConfirm={(request, state) => {
						setWizardState(state);
						setInstall(request);
						setScreen({name: 'install'});
					}}
				/>
			);
			break;
		case 'install':
			break;
		case 'done':
			body = (
				<DoneScreen
					answers={screen.answers}
					logFile={screen.logFile}
					answersFile={screen.answersFile}
					restoredTo={install?.restore?.target}
					onLeave={() => finish({kind: 'installed', ok: true, stopped: false, logFile: screen.logFile, answersFile: screen.answersFile, answers: screen.answers}, screen)}
				/>
			);
			break;
		case 'leaving':
			body = <Farewell result={screen.result} after={screen.after} restoredTo={install?.restore?.target} />;
			break;
	}
	return (
		<>
			{installScreen}
			{body}
		</>
	);
}

// The last frame stays in the terminal after exit, so it says what happened and what to do.
function Farewell(props: {result: AppResult; after?: Screen; restoredTo?: string}) {
	const {result, after} = props;
	if (after?.name === 'done')
		return <DoneScreen answers={after.answers} logFile={after.logFile} answersFile={after.answersFile} onLeave={() => {}} active={false} restoredTo={props.restoredTo} />;
	switch (result.kind) {
		case 'quit':
			return <Text dimColor>Nothing was installed.</Text>;
		case 'not-interactive':
			return (
				<Text>
					pgha needs a terminal to ask its questions. Without one, write an answer file (see `pgha schema`) and run `pgha install --answers FILE --yes`.
				</Text>
			);
		case 'command':
			return <Text dimColor>pgha {result.command} --cluster {result.cluster}</Text>;
		case 'error':
			return <Text color="red">✗ The install could not run: {result.message}</Text>;
		case 'installed':
			return (
				<Box flexDirection="column">
					{result.stopped ? (
						<Text color="yellow">Stopped after the current steps. Run `pgha install --cluster {result.answers.cluster.name}` to finish the install.</Text>
					) : result.ok ? (
						<Text color="green">✓ Installed.</Text>
					) : (
						<Text color="red">✗ The install failed. Fix the cause, then run `pgha install --cluster {result.answers.cluster.name}`: it continues where it stopped.</Text>
					)}
					{result.logFile ? <Text dimColor>Log: {result.logFile}</Text> : null}
					{result.answersFile ? <Text dimColor>Answers: {result.answersFile}</Text> : null}
				</Box>
			);
	}
}
