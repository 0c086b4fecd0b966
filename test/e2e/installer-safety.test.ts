import {beforeAll, describe, expect, test} from 'vitest';
import {labUnavailable, newestLog, onHost, pgha, readAnswers} from './helpers.js';
import {seedEnv as env, seedLab} from './seed-cluster.js';

// The installer itself is no way in: on the installed seed lab, the postgres
// user plants a symbolic link at a file pgha manages in its own ~/.ssh,
// pointing to a file only root may read or write. The next check must not read
// through it and the next install must replace the link, not write through it.
const skip = labUnavailable();
let answers: ReturnType<typeof readAnswers>;

const managed = '/var/lib/postgresql/.ssh/authorized_keys';
const bait = '/etc/pgha-bait';
const baitContent = 'root only: pgha must never read or write this\n';

describe.skipIf(skip)('the installer itself is no way in', () => {
	beforeAll(async () => {
		answers = await seedLab({installed: true});
	});

	test("a link postgres plants at a managed file in ~postgres/.ssh is reported without being read, then replaced; its target stays as it was", async () => {
		const node = answers.hosts.find(h => h.roles.includes('postgres'))!.name;
		const cluster = answers.cluster.name;
		const before = onHost(answers, node, `cat ${managed}`);
		expect(before).toMatch(/^ssh-ed25519 /);
		let replaced = false;
		try {
			onHost(answers, node, `cat > ${bait} && chown root:root ${bait} && chmod 600 ${bait}`, baitContent);
			// As postgres, who owns the directory: one link at the file, one at the name the old installer wrote its temporary file to.
			onHost(answers, node, `runuser -u postgres -- ln -sfn ${bait} ${managed} && runuser -u postgres -- ln -sfn ${bait} ${managed}.pgha-new`);
			expect(onHost(answers, node, `stat -c '%F %U' ${managed}`).trim()).toBe('symbolic link postgres');

			const check = await pgha(['repair', '--check', '--cluster', cluster], env);
			expect(check.code, check.stdout + check.stderr).toBe(3);
			expect(check.stdout).toContain(`${node}: DRIFT file ${managed}`);
			expect(check.stdout).toContain(`${managed} is a symbolic link`);
			expect(check.stdout + check.stderr).not.toContain('pgha must never read');
			expect(newestLog(env.PGHA_HOME)).not.toContain('pgha must never read');

			// The saved cluster, not the lab's answer file: day-two.test.ts may have added postgres4 since.
			const run = await pgha(['install', '--cluster', cluster, '--yes'], env);
			expect(run.code, run.stdout + run.stderr).toBe(0);
			replaced = true;
			expect(run.stdout + run.stderr).not.toContain('pgha must never read');
			expect(newestLog(env.PGHA_HOME)).not.toContain('pgha must never read');

			// The target: the same content, owner and mode as before.
			expect(onHost(answers, node, `cat ${bait}`)).toBe(baitContent);
			expect(onHost(answers, node, `stat -c '%F %U:%G %a' ${bait}`).trim()).toBe('regular file root:root 600');
			// The managed file: a regular file again, postgres's, with what pgha renders for it.
			expect(onHost(answers, node, `stat -c '%F %U:%G %a' ${managed}`).trim()).toBe('regular file postgres:postgres 600');
			expect(onHost(answers, node, `cat ${managed}`)).toBe(before);
			// The link at the old temporary name was neither followed nor used; no temporary file is left behind.
			expect(onHost(answers, node, `stat -c '%F' ${managed}.pgha-new`).trim()).toBe('symbolic link');
			expect(onHost(answers, node, 'ls -A /var/lib/postgresql/.ssh')).not.toMatch(/\.pgha-[A-Za-z0-9]{6}$/m);

			const again = await pgha(['repair', '--check', '--cluster', cluster], env);
			expect(again.code, again.stdout).toBe(0);
		} finally {
			// Put back by hand what the install did not, and take away the bait.
			const undo = replaced ? '' : `rm -f ${managed} && cat > ${managed} && chown postgres:postgres ${managed} && chmod 600 ${managed}; `;
			onHost(answers, node, `${undo}rm -f ${bait} ${managed}.pgha-new`, replaced ? undefined : before);
		}
	});
});
