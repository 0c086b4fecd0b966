import {Box, Text} from 'ink';
import {warnings} from '../../answers/rules.js';
import type {InstallRequest} from '../../app/services.js';
import {ProblemLines} from '../form/cells.js';
import {Topology} from '../topology.js';
import {effectiveBackup, packagesAnswers} from '../wizard-answers.js';
import {rtoPresets} from '../../answers/ha-timing.js';
import type {WizardState} from '../wizard-model.js';
import {StepActions, useStep, type StepProps} from './step-kit.js';

/**
 * The whole cluster before anything is touched: a drawing of the topology,
 * each host's roles, the warnings of the answer-file rules, and Install,
 * which hands on the answers as the step's check validated them.
 */
export function ReviewStep(props: StepProps & {onConfirm: (request: InstallRequest) => void}) {
	const {state} = props;
	const kit = useStep(props, 'review', [], () => undefined, {
		onNext: () => {
			const {problems, input, answers} = kit.verdict;
			if (problems.length === 0 && answers) props.onConfirm({input, answers});
		},
	});
	const answers = kit.verdict.answers;
	const backup = effectiveBackup(state);
	// Two hosts to a line when they fit: the review should fit a 40-row terminal.
	const entryWidth = Math.max(...state.hosts.map(host => 40 + host.roles.join(', ').length), 0);
	const ssh = state.ssh;
	const login = ssh.method === 'key' ? `key ${ssh.identityFile}` : ssh.method === 'agent' ? 'the SSH agent' : 'a password';
	return (
		<Box flexDirection="column">
			<Topology hosts={state.hosts} vip={state.network.vip} />
			<Box flexDirection="column" marginTop={1}>
				<Text bold>Hosts and their roles</Text>
				<Box flexWrap="wrap">
					{state.hosts.map(host => (
						<Box key={host.id} width={entryWidth}>
							<Text>
								{'  '}
								{host.name.padEnd(16)} {host.ip.padEnd(16)} {host.roles.join(', ')}
							</Text>
						</Box>
					))}
				</Box>
			</Box>
			<Box flexDirection="column" marginTop={1}>
				<Summary label="Cluster" value={`${state.cluster.name} · PostgreSQL 15`} />
				<Summary label="SSH" value={`user ${ssh.user}, port ${ssh.port || 22}, logs in with ${login}${ssh.user !== 'root' ? ', sudo' : ''}`} />
				<Summary
					label="Network"
					value={`VIP ${state.network.vip}/${state.network.prefix} on ${state.network.interface || 'the interface found on the balancers'} · VRRP id ${state.network.vrrpRouterId}`}
				/>
				<Summary label="Packages" value={packagesSummary(state)} />
				<Summary label="Passwords" value={state.passwords.mode === 'generate' ? 'generated, saved in the answer file' : 'typed (blank ones generated)'} />
				<Summary
					label="Security"
					value={`closed by TLS on every port; the cluster CA is made at install, kept in clusters/${state.cluster.name || 'NAME'}.keys/ca.crt in pgha's home (clients use it)`}
				/>
				<Summary
					label="Backups"
					value={backup ? `full ${backup.full}${backup.differential ? `, differential ${backup.differential}` : ''}, keep ${backup.retentionFull} full` : '?'}
				/>
				<Summary label="Failover" value={failoverSummary(state.ha)} />
			</Box>
			{answers && warnings(answers).length > 0 ? (
				<Box flexDirection="column" marginTop={1}>
					{warnings(answers).map(warning => (
						<Text key={warning} color="yellow">
							! {warning}
						</Text>
					))}
				</Box>
			) : null}
			<ProblemLines problems={kit.problems.map(p => `${p.path}: ${p.message}`)} />
			<StepActions kit={kit} nextLabel="Install" />
		</Box>
	);
}

/** Where the hosts get their packages, the bundle as the answers will name it. */
function packagesSummary(state: WizardState): string {
	return state.packages.source === 'bundle' ? `bundle ${packagesAnswers(state).bundle ?? '(no file given)'}` : 'Debian mirror the hosts reach';
}

/** The failover step's choices in one line. */
function failoverSummary(ha: WizardState['ha']): string {
	const commits = ha.durability === 'async' ? 'asynchronous commits' : `synchronous commits, ${ha.writesWithoutReplica === 'wait' ? 'writes wait' : 'writes go on unprotected'} when no replica is left`;
	return `${commits} · ${ha.rto}: writes back in about ${rtoPresets[ha.rto].worstCaseSeconds} s after a crash of the leader`;
}

function Summary(props: {label: string; value: string}) {
	return (
		<Box>
			<Box width={12} flexShrink={0}>
				<Text bold>{props.label}</Text>
			</Box>
			<Text>{props.value}</Text>
		</Box>
	);
}
