import {validateAnswers} from '../answers/load.js';
import type {Problem} from '../answers/problem.js';
import {secretKeys, type Answers, type AnswersInput} from '../answers/schema.js';
import {bundlePath, currentBundleCheck, isCheckingBundle} from './bundle-check.js';
import {acceptedKey, currentCheck, isChecking} from './host-checks.js';
import {toAnswersInput} from './wizard-answers.js';
import type {StepId, WizardState} from './wizard-model.js';

// Paths each step answers for; review answers for all of them.
const stepPaths: Record<Exclude<StepId, 'review'>, string[]> = {
	cluster: ['version', 'cluster'],
	ssh: ['ssh'],
	hosts: ['hosts', 'ssh.hostKeys'],
	network: ['network'],
	packages: ['packages'],
	passwords: ['passwords'],
	backup: ['backup'],
	failover: ['ha', 'patroni'],
};

/** True when a problem path is `prefix` itself or lies under it. */
export function pathUnder(path: string, prefix: string): boolean {
	return path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`);
}

/** True when a problem path belongs to a step. */
export function belongsTo(path: string, step: StepId): boolean {
	if (step === 'review') return true;
	if (step === 'ssh' && pathUnder(path, 'ssh.hostKeys')) return false;
	return stepPaths[step].some(prefix => pathUnder(path, prefix));
}

/** One step judged: its problems, the answers built so far, and on the review step the answers validated. */
export type StepVerdict = {
	problems: Problem[];
	/** The answers in answer-file form; before the review, later sections are stand-ins. */
	input: AnswersInput;
	/** Review step only: the answers as the rules validated them; they are ready to install once `problems` is empty too. */
	answers?: Answers;
};

/**
 * Judges one step by the same rules as an answer file (`validateAnswers`,
 * run once), plus what only the wizard can know: host checks, accepted host
 * keys, the bundle file's check and password confirmations.
 */
export function judgeStep(state: WizardState, step: StepId): StepVerdict {
	const input = toAnswersInput(state, step === 'review' ? {} : {placeholdersAfter: step});
	// No environment: a `${...}` typed in the wizard is never looked up. Steps pass over
	// the unset variable it then names; the review does not, since its answers must stand as they are.
	const result = validateAnswers(input, {});
	const fromRules = result.ok ? [] : result.problems.filter(p => belongsTo(p.path, step) && (step === 'review' || !isEnvironmentProblem(p)));
	const own: Problem[] = [];
	if (step === 'ssh' || step === 'review') own.push(...sshProblems(state));
	if (step === 'hosts' || step === 'review') own.push(...hostProblems(state, fromRules));
	if (step === 'packages' || step === 'review') own.push(...packageProblems(state));
	if (step === 'passwords' || step === 'review') own.push(...passwordProblems(state));
	// The wizard names the missing login field and bundle file itself; the answer-file rule would say it twice.
	const wizardSaysSsh = own.some(p => pathUnder(p.path, 'ssh'));
	const wizardSaysBundle = own.some(p => p.path === 'packages.bundle');
	const problems = [...fromRules.filter(p => !(wizardSaysSsh && p.path === 'ssh') && !(wizardSaysBundle && p.path === 'packages.bundle')), ...own];
	return {problems, input, ...(step === 'review' && result.ok ? {answers: result.answers} : {})};
}

/** Every problem of one step (see `judgeStep`). */
export function stepProblems(state: WizardState, step: StepId): Problem[] {
	return judgeStep(state, step).problems;
}

/** Problems to show now: those of fields already left, or all once Next was refused. */
export function visibleProblems(state: WizardState, step: StepId, problems: Problem[]): Problem[] {
	if (state.attempted.includes(step)) return problems;
	return problems.filter(p => state.touched.some(field => pathUnder(p.path, field)));
}

function isEnvironmentProblem(problem: Problem): boolean {
	return problem.message.startsWith('environment variable ');
}

function sshProblems(state: WizardState): Problem[] {
	const {ssh} = state;
	if (ssh.method === 'key' && !ssh.identityFile.trim())
		return [{path: 'ssh.identityFile', message: 'is missing; pick a key found in ~/.ssh or type the path of one'}];
	if (ssh.method === 'password' && !ssh.password)
		return [{path: 'ssh.password', message: `is missing; type the SSH password of ${ssh.user || 'the user'}`}];
	return [];
}

function hostProblems(state: WizardState, schema: Problem[]): Problem[] {
	const out: Problem[] = [];
	state.hosts.forEach((host, i) => {
		const ipPath = `hosts[${i}].ip`;
		if (schema.some(p => p.path === ipPath) || !host.ip) return;
		if (isChecking(state, host.id)) {
			out.push({path: ipPath, message: 'is being checked; wait for the check to finish'});
			return;
		}
		const check = currentCheck(state, host.id);
		if (!check) {
			out.push({path: ipPath, message: 'has not been checked yet; the check starts when you leave the address'});
			return;
		}
		if (!check.ok) {
			out.push({path: ipPath, message: describeFailedCheck(host.ip, check)});
			return;
		}
		if (!acceptedKey(state, host.id))
			out.push({path: `hosts[${i}].hostKey`, message: 'host key not accepted yet; compare the fingerprint with the server and press space to accept it'});
	});
	return out;
}

/** One sentence saying why a host check failed and what to do. */
export function describeFailedCheck(ip: string, check: NonNullable<ReturnType<typeof currentCheck>>): string {
	const why = check.error ? `: ${check.error}` : '';
	if (!check.reachable) return `${ip} is not reachable over SSH${why}; check the address, that the server is up and that port 22 is open`;
	if (!check.authenticated) return `${ip} refused the login${why}; check the user, key or password on the SSH step`;
	if (check.supported === false) return `${ip} runs ${check.os ?? 'an unknown OS'}, which pgha does not support${why}; use Debian 12`;
	return `${ip} failed the check${why}`;
}

function packageProblems(state: WizardState): Problem[] {
	if (state.packages.source !== 'bundle') return [];
	const path = 'packages.bundle';
	if (!bundlePath(state)) return [{path, message: 'is missing; type the path of the bundle file on this machine, or choose the Debian mirror'}];
	if (isCheckingBundle(state)) return [{path, message: 'is being checked; wait for the check to finish'}];
	const check = currentBundleCheck(state);
	if (!check) return [{path, message: 'has not been checked yet; the check starts as you stop typing'}];
	return check.ok ? [] : [{path, message: check.message}];
}

function passwordProblems(state: WizardState): Problem[] {
	if (state.passwords.mode !== 'type') return [];
	const out: Problem[] = [];
	for (const key of secretKeys) {
		const {value, confirm} = state.passwords.typed[key];
		// Checked first and alone: the answer file would read "${NAME}" as a variable.
		if (value.includes('${')) out.push({path: `passwords.${key}`, message: 'contains "${", which answer files read as an environment variable; leave it out'});
		if (value !== '' && confirm !== value) out.push({path: `passwords.${key}.confirm`, message: 'differs from the password; type the same password twice'});
	}
	return out;
}
