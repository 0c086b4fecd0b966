import {useCallback, useEffect, useReducer, useRef} from 'react';
import {Box, Text} from 'ink';
import {bundlePath} from './bundle-check.js';
import {sshSignature} from './host-checks.js';
import type {InstallRequest, WizardServices} from '../app/services.js';
import {BackupStep} from './steps/backup-step.js';
import {ClusterStep} from './steps/cluster-step.js';
import {FailoverStep} from './steps/failover-step.js';
import {HostsStep, isCheckableIp} from './steps/hosts-step.js';
import {NetworkStep} from './steps/network-step.js';
import {PackagesStep} from './steps/packages-step.js';
import {PasswordsStep} from './steps/passwords-step.js';
import {ReviewStep} from './steps/review-step.js';
import {SshStep} from './steps/ssh-step.js';
import type {StepProps} from './steps/step-kit.js';
import {sshAnswers} from './wizard-answers.js';
import {stepIds, stepTitles, type WizardState} from './wizard-model.js';
import {createWizardState, reduceWizard} from './wizard-state.js';

/** Props of the wizard: services for SSH keys, host and bundle checks, and where it ends. */
export type WizardProps = {
	services: Pick<WizardServices, 'listSshKeys' | 'checkHost' | 'inspectBundle' | 'generatePassword'>;
	/** Start from this state (a step further on, or what was typed before leaving). */
	initialState?: WizardState;
	/** Install was confirmed on the review step, with the answers it validated. */
	onConfirm: (request: InstallRequest, state: WizardState) => void;
	/** Back from the first step; receives what was typed so it can be resumed. */
	onLeave: (state: WizardState) => void;
	active?: boolean;
};

/**
 * The new-cluster wizard: one step at a time, each validated with the
 * answer-file rules before Next lets the person on, Esc or Back going back
 * with everything typed kept.
 */
export function Wizard(props: WizardProps) {
	const {services} = props;
	const [state, dispatch] = useReducer(reduceWizard, props.initialState, initial => initial ?? createWizardState(kind => services.generatePassword(kind)));
	const latest = useRef(state);
	latest.current = state;
	const mounted = useRef(true);

	useEffect(() => {
		mounted.current = true;
		services.listSshKeys().then(
			keys => mounted.current && dispatch({type: 'keys-found', keys}),
			() => undefined,
		);
		return () => {
			mounted.current = false;
		};
	}, [services]);

	const checkHost = useCallback(
		(id: number, force = false) => {
			const current = latest.current;
			const host = current.hosts.find(h => h.id === id);
			if (!host || !isCheckableIp(host.ip)) return;
			const ssh = sshSignature(current.ssh);
			const existing = current.checks[id];
			if (!force && existing && existing.ip === host.ip && existing.ssh === ssh) return;
			dispatch({type: 'check-started', id, ip: host.ip, ssh});
			services
				.checkHost(host.ip, sshAnswers(current.ssh))
				.catch((error: unknown) => ({ok: false, reachable: false, authenticated: false, error: error instanceof Error ? error.message : String(error)}))
				.then(result => {
					if (mounted.current) dispatch({type: 'check-finished', id, ip: host.ip, ssh, result});
				});
		},
		[services],
	);

	const checkBundle = useCallback(
		(force = false) => {
			const current = latest.current;
			const path = bundlePath(current);
			if (current.packages.source !== 'bundle' || path === '') return;
			if (!force && current.bundleCheck?.path === path) return;
			dispatch({type: 'bundle-check-started', path});
			services
				.inspectBundle(path)
				.catch((error: unknown) => ({ok: false as const, message: `${path} could not be checked: ${error instanceof Error ? error.message : String(error)}`}))
				.then(result => {
					if (mounted.current) dispatch({type: 'bundle-check-finished', path, result});
				});
		},
		[services],
	);

	const active = props.active ?? true;
	const onBack = () => (state.step === 'cluster' ? props.onLeave(state) : dispatch({type: 'back'}));
	const stepProps: StepProps = {state, dispatch, active, onBack, checkHost, checkBundle};
	const index = stepIds.indexOf(state.step);
	return (
		<Box flexDirection="column">
			{/* Titles that do not fit the terminal wrap whole onto a second line instead of being cut. */}
			<Box flexWrap="wrap">
				<Text bold>pgha · new cluster </Text>
				{stepIds.map((step, i) => (
					<Text key={step} color={i === index ? 'cyan' : i < index ? 'green' : 'gray'} bold={i === index}>
						{i > 0 ? ' › ' : ' '}
						{stepTitles[step]}
					</Text>
				))}
			</Box>
			<Box marginY={1}>
				<Text bold color="cyan">
					{index + 1}/{stepIds.length} {stepTitles[state.step]}
				</Text>
			</Box>
			{/* A key per step remounts it, so each step starts with focus on its first field. */}
			{state.step === 'cluster' ? <ClusterStep key="cluster" {...stepProps} /> : null}
			{state.step === 'ssh' ? <SshStep key="ssh" {...stepProps} /> : null}
			{state.step === 'hosts' ? <HostsStep key="hosts" {...stepProps} /> : null}
			{state.step === 'network' ? <NetworkStep key="network" {...stepProps} /> : null}
			{state.step === 'packages' ? <PackagesStep key="packages" {...stepProps} /> : null}
			{state.step === 'passwords' ? <PasswordsStep key="passwords" {...stepProps} /> : null}
			{state.step === 'backup' ? <BackupStep key="backup" {...stepProps} /> : null}
			{state.step === 'failover' ? <FailoverStep key="failover" {...stepProps} /> : null}
			{state.step === 'review' ? <ReviewStep key="review" {...stepProps} onConfirm={request => props.onConfirm(request, state)} /> : null}
			<Box marginTop={1}>
				<Text dimColor>↑/↓ move · Tab next field · Enter next · ←/→ change a choice · Esc back · Ctrl-C quit</Text>
			</Box>
		</Box>
	);
}
