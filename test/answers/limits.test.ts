import {describe, expect, it} from 'vitest';
import {validateAnswers} from '../../source/answers/load.js';
import {exampleRaw, strongEnv} from './fixtures.js';

const seed = () => exampleRaw('seed-topology') as Record<string, any>;
const problemsOf = (raw: unknown) => {
	const result = validateAnswers(raw, strongEnv);
	return result.ok ? [] : result.problems.map(p => `${p.path}: ${p.message}`);
};

describe('database names pgha and PostgreSQL keep for themselves', () => {
	it.each([
		['postgres', /pgha manages itself.*choose another owner/],
		['replicator', /pgha manages itself.*choose another owner/],
		['pg_monitor', /starts with pg_.*choose another owner/],
		['pg_app', /starts with pg_/],
		['user', /SQL keyword.*choose another name/],
		['all', /SQL keyword/],
		['select', /SQL keyword/],
		['table', /SQL keyword/],
		['grant', /SQL keyword/],
		['current_user', /SQL keyword/],
		['session_user', /SQL keyword/],
		['public', /PostgreSQL keeps for itself.*choose another owner/],
		['none', /PostgreSQL keeps for itself/],
	])('refuses owner %s', (owner, why) => {
		const raw = seed();
		raw['database'] = {name: 'aplicacion', owner};
		const found = problemsOf(raw);
		expect(found, found.join('\n')).toHaveLength(1);
		expect(found[0]).toMatch(/^database\.owner: /);
		expect(found[0]).toMatch(why);
	});

	it.each(['template0', 'template1', 'postgres', 'select', 'user'])('refuses database name %s', name => {
		const raw = seed();
		raw['database'] = {name, owner: 'aplicacion'};
		const found = problemsOf(raw);
		expect(found, found.join('\n')).toHaveLength(1);
		expect(found[0]).toMatch(/^database\.name: .*choose another name/);
	});

	it.each(['aplicacion', 'app_owner', 'users', 'postgres_app', 'owner', 'role'])('accepts %s as name and owner', value => {
		const raw = seed();
		raw['database'] = {name: value, owner: value};
		expect(problemsOf(raw)).toEqual([]);
	});
});

describe('SSH secrets and login', () => {
	it.each([
		['sudoPassword', 'Sudo-Pass\nword', /control character/],
		['sudoPassword', 'Sudo\rPass', /control character/],
		['sudoPassword', 'abc', /at least 4 characters/],
		['password', 'Ssh\u0000Pass', /control character/],
		['password', 'ab', /at least 4 characters/],
	])('refuses ssh.%s %j', (key, value, why) => {
		const raw = seed();
		raw['ssh'] = {...raw['ssh'], [key]: value};
		const found = problemsOf(raw);
		expect(found, found.join('\n')).toHaveLength(1);
		expect(found[0]).toMatch(new RegExp(`^ssh\\.${key}: `));
		expect(found[0]).toMatch(why);
		// The refused secret is never echoed back.
		expect(found[0]).not.toContain(value);
	});

	it('refuses answers with no way to log in, naming the three ways', () => {
		const raw = seed();
		raw['ssh'] = {user: 'root'};
		expect(problemsOf(raw)).toEqual([expect.stringMatching(/^ssh: gives no way to log in; set ssh\.identityFile .*ssh\.agent: true.*ssh\.password/)]);
	});

	it.each([{identityFile: '~/.ssh/id_ed25519'}, {agent: true}, {password: 'Ssh-Pass-1'}])('accepts %j as a login', login => {
		const raw = seed();
		raw['ssh'] = {user: 'root', ...login};
		expect(problemsOf(raw)).toEqual([]);
	});
});

describe('Patroni timings', () => {
	it('refuses loopWait + 2 × retryTimeout above ttl, naming the values', () => {
		const raw = seed();
		raw['patroni'] = {ttl: 30, loopWait: 11, retryTimeout: 10};
		const found = problemsOf(raw);
		expect(found).toHaveLength(1);
		expect(found[0]).toMatch(/^patroni: loopWait \(11\) \+ 2 × retryTimeout \(10\) is 31, above ttl \(30\).*raise ttl to 31/);
	});

	it('accepts the boundary loopWait + 2 × retryTimeout = ttl', () => {
		const raw = seed();
		raw['patroni'] = {ttl: 40, loopWait: 10, retryTimeout: 15};
		expect(problemsOf(raw)).toEqual([]);
	});

	it('judges the values in effect: an override checked against the rest of the preset', () => {
		const raw = seed();
		// fast: ttl 20, loop_wait 5; retry_timeout 10 makes 25.
		raw['ha'] = {rto: 'fast'};
		raw['patroni'] = {retryTimeout: 10};
		expect(problemsOf(raw)).toEqual([
			'patroni: loopWait (5, from ha.rto fast) + 2 × retryTimeout (10) is 25, above ttl (20, from ha.rto fast); Patroni needs loop_wait + 2 × retry_timeout <= ttl: raise ttl to 25 or lower loopWait or retryTimeout',
		]);
		// The same override fits the normal preset's ttl of 30.
		raw['ha'] = {rto: 'normal'};
		expect(problemsOf(raw)).toEqual([]);
		raw['ha'] = {rto: 'fast'};
		raw['patroni'] = {retryTimeout: 10, ttl: 25};
		expect(problemsOf(raw)).toEqual([]);
	});

	it.each(['fast', 'normal', 'safe'])('accepts the %s preset with no override', rto => {
		const raw = seed();
		raw['ha'] = {rto};
		delete raw['patroni'];
		expect(problemsOf(raw)).toEqual([]);
	});
});

describe('durability', () => {
	it('refuses writesWithoutReplica with asynchronous commits, naming the path and the fix', () => {
		const raw = seed();
		raw['ha'] = {durability: 'async', writesWithoutReplica: 'wait'};
		expect(problemsOf(raw)).toEqual([
			'ha.writesWithoutReplica: is set but ha.durability is async, where no commit waits for a replica; set ha.durability: synchronous or remove writesWithoutReplica',
		]);
		// async is the default, so leaving durability out is the same mistake.
		raw['ha'] = {writesWithoutReplica: 'continue'};
		expect(problemsOf(raw)).toHaveLength(1);
	});

	it.each(['wait', 'continue'])('accepts writesWithoutReplica %s with synchronous commits', mode => {
		const raw = seed();
		raw['ha'] = {durability: 'synchronous', writesWithoutReplica: mode};
		expect(problemsOf(raw)).toEqual([]);
	});
});

describe('backup retention', () => {
	it.each(['retentionFull', 'retentionDiff'])('refuses %s above pgBackRest\'s 9999999', key => {
		const raw = seed();
		raw['backup'] = {...raw['backup'], [key]: 10_000_000};
		const found = problemsOf(raw);
		expect(found).toEqual([`backup.${key}: must be at most 9999999 (pgBackRest's limit)`]);
		raw['backup'] = {...raw['backup'], [key]: 9_999_999};
		expect(problemsOf(raw)).toEqual([]);
	});
});
