import type {BundleInspection} from '../app/services.js';
import type {WizardState} from './wizard-model.js';

/** The bundle path an inspection is run with and keyed by: as typed, without surrounding blanks. */
export function bundlePath(state: WizardState): string {
	return state.packages.bundle.trim();
}

/** The finished inspection of the bundle path now typed, if the bundle is chosen and one is done. */
export function currentBundleCheck(state: WizardState): BundleInspection | undefined {
	const check = state.bundleCheck;
	if (state.packages.source !== 'bundle' || !check || check.status !== 'done' || check.path !== bundlePath(state)) return undefined;
	return check.result;
}

/** Whether an inspection of the bundle path now typed is running. */
export function isCheckingBundle(state: WizardState): boolean {
	const check = state.bundleCheck;
	return Boolean(state.packages.source === 'bundle' && check && check.status === 'checking' && check.path !== '' && check.path === bundlePath(state));
}
