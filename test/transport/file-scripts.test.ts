import {execFileSync, spawn, spawnSync} from 'node:child_process';
import {chmodSync, chownSync, lchownSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync} from 'node:fs';
import {tmpdir, userInfo} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {readExit, readFileScript, writeFileScript, type FileScriptOptions} from '../../source/transport/file-scripts.js';

// The scripts run here with the local bash, exactly as a host runs them. As an
// unprivileged user the test's own uid stands for root ("trusted"); as root
// the tests also take the path that hands a write over to another user.
const uid = process.getuid!();
const isRoot = uid === 0;
const me = userInfo().username;
const myGroup = execFileSync('id', ['-gn'], {encoding: 'utf8'}).trim();

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach(dir => rmSync(dir, {recursive: true, force: true})));

/** A fresh directory the walk starts from, standing for `/`. */
function sandbox(): string {
	const dir = mkdtempSync(join(tmpdir(), 'pgha-files-'));
	dirs.push(dir);
	// Other users (nobody, below) must be able to reach what lies inside.
	chmodSync(dir, 0o755);
	return dir;
}

function run(script: string, stdin = ''): {code: number; stdout: string; stderr: string} {
	const result = spawnSync('bash', ['-c', script], {input: stdin, encoding: 'utf8'});
	return {code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr};
}

const write = (path: string, content: string, owner: string, group: string, mode: number, options: FileScriptOptions) => run(writeFileScript(path, owner, group, mode, options), content);
const meta = (path: string) => {
	const s = lstatSync(path);
	return {file: s.isFile(), uid: s.uid, mode: s.mode & 0o7777};
};

describe('writeFileScript where only the trusted user can write', () => {
	const trusted = {trustedUid: uid};

	it('writes the content with owner, group and mode, making missing directories', () => {
		const top = sandbox();
		const owner = isRoot ? 'nobody' : me;
		const group = isRoot ? execFileSync('id', ['-gn', 'nobody'], {encoding: 'utf8'}).trim() : myGroup;
		const result = write(`${top}/etc/pgha/cluster`, 'one\ntwo\n', owner, group, 0o640, {...trusted, top});
		expect(result).toMatchObject({code: 0, stderr: ''});
		expect(readFileSync(`${top}/etc/pgha/cluster`, 'utf8')).toBe('one\ntwo\n');
		expect(meta(`${top}/etc/pgha/cluster`)).toEqual({file: true, uid: isRoot ? Number(execFileSync('id', ['-u', 'nobody'], {encoding: 'utf8'})) : uid, mode: 0o640});
		expect(statSync(`${top}/etc/pgha`).mode & 0o777).toBe(0o755);
		// Nothing is left behind but the file.
		expect(readdirSync(`${top}/etc/pgha`)).toEqual(['cluster']);
	});

	it('writes side by side into a directory neither found: both make it or find it made, and both files land', async () => {
		const top = sandbox();
		const writeAsync = (path: string, content: string) =>
			new Promise<{code: number | null; stderr: string}>(resolve => {
				const child = spawn('bash', ['-c', writeFileScript(path, me, myGroup, 0o600, {...trusted, top})]);
				let stderr = '';
				child.stderr.on('data', chunk => (stderr += String(chunk)));
				child.on('close', code => resolve({code, stderr}));
				child.stdin.end(content);
			});
		for (let round = 0; round < 5; round++) {
			const dir = `${top}/var/lib/pgha${round}/pending`;
			const results = await Promise.all(['etcd', 'pgbouncer', 'patroni', 'haproxy'].map(unit => writeAsync(`${dir}/${unit}`, 'reload\n')));
			expect(results).toEqual(Array(4).fill({code: 0, stderr: ''}));
			expect(readdirSync(dir).sort()).toEqual(['etcd', 'haproxy', 'patroni', 'pgbouncer']);
		}
	});

	it('replaces a symbolic link planted at the destination and leaves its target untouched', () => {
		const top = sandbox();
		mkdirSync(`${top}/etc`);
		mkdirSync(`${top}/secret`);
		writeFileSync(`${top}/secret/shadow`, 'root:hash\n', {mode: 0o600});
		symlinkSync(`${top}/secret/shadow`, `${top}/etc/app.conf`);
		expect(write(`${top}/etc/app.conf`, 'managed\n', me, myGroup, 0o644, {...trusted, top}).code).toBe(0);
		expect(readFileSync(`${top}/secret/shadow`, 'utf8')).toBe('root:hash\n');
		expect(statSync(`${top}/secret/shadow`).mode & 0o777).toBe(0o600);
		expect(meta(`${top}/etc/app.conf`)).toMatchObject({file: true, mode: 0o644});
		expect(readFileSync(`${top}/etc/app.conf`, 'utf8')).toBe('managed\n');
	});

	it('a link planted at the old temporary name does not redirect the write', () => {
		const top = sandbox();
		mkdirSync(`${top}/etc`);
		writeFileSync(`${top}/target`, 'untouched\n', {mode: 0o600});
		symlinkSync(`${top}/target`, `${top}/etc/app.conf.pgha-new`);
		expect(write(`${top}/etc/app.conf`, 'managed\n', me, myGroup, 0o644, {...trusted, top}).code).toBe(0);
		expect(readFileSync(`${top}/target`, 'utf8')).toBe('untouched\n');
		expect(statSync(`${top}/target`).mode & 0o777).toBe(0o600);
		expect(lstatSync(`${top}/etc/app.conf.pgha-new`).isSymbolicLink()).toBe(true);
		expect(readFileSync(`${top}/etc/app.conf`, 'utf8')).toBe('managed\n');
	});

	it('follows a link only the trusted user could have made (like /var/run -> /run)', () => {
		const top = sandbox();
		mkdirSync(`${top}/run`);
		mkdirSync(`${top}/var`);
		symlinkSync('../run', `${top}/var/run`);
		expect(write(`${top}/var/run/app/pid`, '1\n', me, myGroup, 0o644, {...trusted, top})).toMatchObject({code: 0});
		expect(readFileSync(`${top}/run/app/pid`, 'utf8')).toBe('1\n');
	});

	it('refuses a directory others may write to', () => {
		const top = sandbox();
		mkdirSync(`${top}/shared`, {mode: 0o777});
		chmodSync(`${top}/shared`, 0o1777);
		const result = write(`${top}/shared/app.conf`, 'x\n', me, myGroup, 0o644, {...trusted, top});
		expect(result.code).toBe(5);
		expect(result.stderr).toContain(`${top}/shared belongs to ${me}`);
		expect(readdirSync(`${top}/shared`)).toEqual([]);
	});
});

describe("writeFileScript in a directory the file's owner controls", () => {
	// As root: the directory belongs to nobody and the write is handed to nobody.
	// Unprivileged: nothing is trusted (uid 0), and the directory and file are ours.
	const owner = isRoot ? 'nobody' : me;
	const ownerUid = isRoot ? Number(execFileSync('id', ['-u', 'nobody'], {encoding: 'utf8'})) : uid;
	const group = isRoot ? execFileSync('id', ['-gn', 'nobody'], {encoding: 'utf8'}).trim() : myGroup;
	const options = (top: string): FileScriptOptions => ({trustedUid: 0, top});
	const home = (top: string) => {
		mkdirSync(`${top}/home`, {mode: 0o755});
		if (isRoot) chownSync(`${top}/home`, ownerUid, -1);
		return `${top}/home`;
	};

	it('writes as that user, replacing a link they planted; the link target is untouched', () => {
		const top = sandbox();
		const dir = home(top);
		writeFileSync(`${top}/root-only`, 'root secret\n', {mode: 0o644});
		symlinkSync(`${top}/root-only`, `${dir}/authorized_keys`);
		if (isRoot) lchownSync(`${dir}/authorized_keys`, ownerUid, -1);
		const result = write(`${dir}/.ssh/authorized_keys`, 'ssh-ed25519 AAAA\n', owner, group, 0o600, options(top));
		expect(result).toMatchObject({code: 0, stderr: ''});
		expect(meta(`${dir}/.ssh/authorized_keys`)).toEqual({file: true, uid: ownerUid, mode: 0o600});
		expect(meta(`${dir}/.ssh`).uid).toBe(ownerUid);
		symlinkSync(`${top}/root-only`, `${dir}/.ssh/known_hosts`);
		if (isRoot) lchownSync(`${dir}/.ssh/known_hosts`, ownerUid, -1);
		expect(write(`${dir}/.ssh/known_hosts`, 'host key\n', owner, group, 0o600, options(top)).code).toBe(0);
		expect(readFileSync(`${top}/root-only`, 'utf8')).toBe('root secret\n');
		expect(meta(`${top}/root-only`)).toEqual({file: true, uid, mode: 0o644});
		expect(meta(`${dir}/.ssh/known_hosts`)).toEqual({file: true, uid: ownerUid, mode: 0o600});
		expect(readFileSync(`${dir}/.ssh/known_hosts`, 'utf8')).toBe('host key\n');
	});

	it('refuses a symbolic link that user planted on the way', () => {
		const top = sandbox();
		const dir = home(top);
		mkdirSync(`${top}/etc`);
		symlinkSync(`${top}/etc`, `${dir}/.ssh`);
		if (isRoot) lchownSync(`${dir}/.ssh`, ownerUid, -1);
		const result = write(`${dir}/.ssh/authorized_keys`, 'key\n', owner, group, 0o600, options(top));
		expect(result.code).toBe(5);
		expect(result.stderr).toContain(`${dir}/.ssh is a symbolic link that pgha will not follow`);
		expect(readdirSync(`${top}/etc`)).toEqual([]);
	});

	it("refuses to write another user's file there", () => {
		const top = sandbox();
		const dir = home(top);
		const result = write(`${dir}/app.conf`, 'x\n', 'root', 'root', 0o644, options(top));
		expect(result.code).toBe(5);
		// Unprivileged, the walk already stops at the sandbox, which is ours too.
		expect(result.stderr).toMatch(new RegExp(`belongs to ${owner} .*owned by root and writable by no one else. Change the owner or mode of ${top}`));
		expect(readdirSync(dir)).toEqual([]);
	});
});

describe('readFileScript', () => {
	const trusted = (top: string): FileScriptOptions => ({trustedUid: uid, top});

	it('prints a regular file, and says when it is missing', () => {
		const top = sandbox();
		mkdirSync(`${top}/etc`);
		writeFileSync(`${top}/etc/app.conf`, 'a = 1\n');
		expect(run(readFileScript(`${top}/etc/app.conf`, trusted(top)))).toMatchObject({code: 0, stdout: 'a = 1\n'});
		expect(run(readFileScript(`${top}/etc/other.conf`, trusted(top))).code).toBe(readExit.missing);
		expect(run(readFileScript(`${top}/nothing/other.conf`, trusted(top))).code).toBe(readExit.missing);
	});

	it('never reads through a link at the path or on the way', () => {
		const top = sandbox();
		mkdirSync(`${top}/etc`);
		writeFileSync(`${top}/shadow`, 'root:hash\n');
		symlinkSync(`${top}/shadow`, `${top}/etc/app.conf`);
		const atPath = run(readFileScript(`${top}/etc/app.conf`, trusted(top)));
		expect(atPath).toMatchObject({code: readExit.notPlain, stdout: ''});
		const home = `${top}/home`;
		mkdirSync(home);
		if (isRoot) chownSync(home, 65534, -1);
		symlinkSync(top, `${home}/.ssh`);
		if (isRoot) lchownSync(`${home}/.ssh`, 65534, -1);
		const onTheWay = run(readFileScript(`${home}/.ssh/shadow`, {trustedUid: 0, top}));
		expect(onTheWay).toMatchObject({code: readExit.notPlain, stdout: ''});
	});
});
