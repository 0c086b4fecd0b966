import {BaseSequencer, type TestSpecification} from 'vitest/node';

// The lab's own test starts and removes a compact lab; the cluster suites then
// share one lab each (the seed files run while the seed lab is still up: the
// closed cluster seen from outside, rotation under load, failover drills,
// restores, the installer's own safety, then the end of the cluster's life:
// nodes removed, uninstall, install again); the secrets check reads what they
// all left. Files run one at a time, in this order.
const order = ['lab.test', 'install.test', 'day-two.test', 'closed-cluster.test', 'rotate.test', 'failover.test', 'restore.test', 'installer-safety.test', 'lifecycle.test', 'wizard.test', 'secrets.test'];
const rank = (file: string) => {
	const index = order.findIndex(name => file.includes(`/${name}.`));
	return index < 0 ? order.length : index;
};

/** Runs the end-to-end files in a fixed order. */
export default class LabOrder extends BaseSequencer {
	override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
		return [...files].sort((a, b) => rank(a.moduleId) - rank(b.moduleId));
	}
}
