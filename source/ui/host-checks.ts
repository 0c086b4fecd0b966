import type {HostCheck} from '../app/services.js';
import type {WizardState} from './wizard-model.js';

/** The SSH settings a host check depends on, as one comparable string. */
export function sshSignature(ssh: WizardState['ssh']): string {
	return JSON.stringify([ssh.user, ssh.port, ssh.method, ssh.method === 'key' ? ssh.identityFile : '', ssh.method === 'password' ? ssh.password : '', ssh.sudoPassword]);
}

/** The finished check of a host for its current address and SSH settings, if there is one. */
export function currentCheck(state: WizardState, id: number): HostCheck | undefined {
	const check = state.checks[id];
	const host = state.hosts.find(h => h.id === id);
	if (!check || !host || check.status !== 'done' || check.ip !== host.ip || check.ssh !== sshSignature(state.ssh)) return undefined;
	return check.result;
}

/** Whether a check for the host's current address and SSH settings is running. */
export function isChecking(state: WizardState, id: number): boolean {
	const check = state.checks[id];
	const host = state.hosts.find(h => h.id === id);
	return Boolean(check && host && check.status === 'checking' && check.ip === host.ip && check.ssh === sshSignature(state.ssh));
}

/** The fingerprint accepted for a host, if it is still the one its current check found. */
export function acceptedKey(state: WizardState, id: number): string | undefined {
	const fingerprint = currentCheck(state, id)?.fingerprint;
	return fingerprint && state.accepted[id] === fingerprint ? fingerprint : undefined;
}
