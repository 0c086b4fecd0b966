import {describe, expect, it} from 'vitest';
import {answersJsonSchema, answersSchema, passwordWeakness} from '../../source/answers/schema.js';
import {exampleRaw, nastyEnv, strongEnv} from './fixtures.js';
import {resolveEnv} from '../../source/answers/env.js';

const resolved = () => resolveEnv(exampleRaw('seed-topology'), strongEnv).value as Record<string, any>;

describe('passwordWeakness', () => {
	it.each([
		['Abcdef12345!', undefined],
		['abcdefghijklmnopqrst', undefined],
		[`a'b"c $HOME #x %y \\z`, undefined],
		['Short1!', 'is 7 characters; use at least 12'],
		['abcdefghijklmn', 'is too simple'],
		[' Abcdef12345!', 'starts or ends with a space'],
		['Abcdef12345!\n', 'contains a newline'],
		['Abcdef\t12345!', 'control character'],
	])('%j -> %s', (password, why) => {
		const result = passwordWeakness(password);
		if (why === undefined) expect(result).toBeUndefined();
		else expect(result).toContain(why);
	});
});

describe('answersSchema', () => {
	it('applies the defaults of the seed', () => {
		const raw = resolved();
		delete raw['database'];
		delete raw['pgbouncer'];
		delete raw['backup'];
		delete raw['patroni'];
		delete raw['ha'];
		delete raw['ssh'];
		const answers = answersSchema.parse(raw);
		expect(answers.database).toEqual({name: 'aplicacion', owner: 'aplicacion'});
		expect(answers.pgbouncer).toEqual({poolMode: 'transaction', maxClientConn: 300, defaultPoolSize: 35});
		expect(answers.backup).toMatchObject({full: '0 1 * * 0', differential: '0 1 * * 1-6', verify: '0 5 * * 0', retentionFull: 3});
		// Without overrides the timing follows ha.rto (normal); only the failover lag limit has a default of its own.
		expect(answers.patroni).toEqual({maximumLagOnFailover: 1048576});
		expect(answers.ha).toEqual({durability: 'async', rto: 'normal'});
		expect(answers.ssh).toMatchObject({user: 'root', port: 22});
	});

	it('schedules the restore drill on Sunday 05:00, after the full backup, unless told otherwise, and checks it like the other schedules', () => {
		const raw = resolved();
		raw['backup'] = {full: '0 1 * * 0'};
		expect(answersSchema.parse(raw).backup.verify).toBe('0 5 * * 0');
		raw['backup'] = {full: '0 1 * * 0', verify: '30 3 1 * *'};
		expect(answersSchema.parse(raw).backup.verify).toBe('30 3 1 * *');
		raw['backup'] = {full: '0 1 * * 0', verify: '0 5 * * 8'};
		const result = answersSchema.safeParse(raw);
		expect(result.error!.issues.map(issue => [issue.path, issue.message])).toEqual([[['backup', 'verify'], 'is not a valid cron expression (day of week "8" is outside 0-7); e.g. "0 1 * * 0"']]);
	});

	it('documents the restore drill schedule in the JSON Schema', () => {
		const schema = answersJsonSchema() as {properties: {backup: {properties: Record<string, {default?: unknown; description?: string}>}}};
		const verify = schema.properties.backup.properties['verify']!;
		expect(verify.default).toBe('0 5 * * 0');
		expect(verify.description).toMatch(/restore drill/);
	});

	it('keeps the application password to printable ASCII, which pgha can hash as PostgreSQL does', () => {
		const raw = resolved();
		raw['passwords'].app = 'Contraseña-Segura-1';
		const result = answersSchema.safeParse(raw);
		expect(result.success).toBe(false);
		expect(result.error!.issues[0]!.path).toEqual(['passwords', 'app']);
		expect(result.error!.issues[0]!.message).toMatch(/printable ASCII/);
		raw['passwords'].superuser = 'Contraseña-Segura-1';
		raw['passwords'].app = 'Password-Ascii-1';
		expect(answersSchema.safeParse(raw).success).toBe(true);
	});

	it('refuses a single quote in the HAProxy stats password, naming the path, and takes anything else strong', () => {
		const raw = resolved();
		raw['passwords'].haproxyStats = "Stats-Pass'word-1";
		const result = answersSchema.safeParse(raw);
		expect(result.success).toBe(false);
		expect(result.error!.issues.map(issue => [issue.path, issue.message])).toEqual([[['passwords', 'haproxyStats'], "must not contain a single quote (')"]]);
		raw['passwords'].haproxyStats = nastyEnv['PGHA_HAPROXY_STATS_PASSWORD'];
		expect(answersSchema.parse(raw).passwords.haproxyStats).toBe(nastyEnv['PGHA_HAPROXY_STATS_PASSWORD']);
		raw['passwords'].haproxyStats = 'short';
		expect(answersSchema.safeParse(raw).error!.issues[0]!.path).toEqual(['passwords', 'haproxyStats']);
		delete raw['passwords'].haproxyStats;
		expect(answersSchema.parse(raw).passwords.haproxyStats).toBeUndefined();
	});

	it('takes IPv4 networks as client networks and refuses anything else, naming the entry', () => {
		const raw = resolved();
		expect(answersSchema.parse(raw).network.clientNetworks).toEqual([]);
		raw['network'].clientNetworks = ['10.30.0.0/16', '192.168.7.0/24', '10.1.2.3/32'];
		expect(answersSchema.parse(raw).network.clientNetworks).toEqual(['10.30.0.0/16', '192.168.7.0/24', '10.1.2.3/32']);
		for (const bad of ['10.30.0.0', '10.30.0.0/33', '256.1.1.1/24', '0.0.0.0/-1', 'fd00::/8', '10.30.0.0/16 ']) {
			raw['network'].clientNetworks = ['10.30.0.0/16', bad];
			const result = answersSchema.safeParse(raw);
			expect(result.success, bad).toBe(false);
			expect(result.error!.issues[0]!.path, bad).toEqual(['network', 'clientNetworks', 1]);
			expect(result.error!.issues[0]!.message, bad).toMatch(/is not an IPv4 network/);
		}
	});

	it('takes an operator CA as a certificate and a key file, both or neither', () => {
		const raw = resolved();
		expect(answersSchema.parse(raw).tls).toBeUndefined();
		raw['tls'] = {caCert: '/etc/company/ca.pem', caKey: '/etc/company/ca.key'};
		expect(answersSchema.parse(raw).tls).toEqual({caCert: '/etc/company/ca.pem', caKey: '/etc/company/ca.key'});
		raw['tls'] = {caCert: '/etc/company/ca.pem'};
		expect(answersSchema.safeParse(raw).error!.issues[0]!.path).toEqual(['tls', 'caKey']);
	});

	it('limits the VRRP password to what Keepalived reads', () => {
		for (const [vrrp, ok] of [['abc123', true], ['abcd1234', true], ['abcd12345', false], ['ab 123', false], ['ab"123', false], ['abc12', false]] as const) {
			const raw = resolved();
			raw['passwords'].vrrp = vrrp;
			expect(answersSchema.safeParse(raw).success, vrrp).toBe(ok);
		}
	});

	it('takes the durability and failover speed choices and refuses anything else, naming the path', () => {
		const raw = resolved();
		raw['ha'] = {durability: 'synchronous', writesWithoutReplica: 'continue', rto: 'fast'};
		expect(answersSchema.parse(raw).ha).toEqual({durability: 'synchronous', writesWithoutReplica: 'continue', rto: 'fast'});
		raw['ha'] = {durability: 'synchronous'};
		expect(answersSchema.parse(raw).ha).toEqual({durability: 'synchronous', rto: 'normal'});
		for (const [key, value, message] of [
			['durability', 'sync', 'must be async or synchronous'],
			['writesWithoutReplica', 'stop', 'must be wait or continue'],
			['rto', 'quick', 'must be fast, normal or safe'],
		] as const) {
			raw['ha'] = {[key]: value};
			const result = answersSchema.safeParse(raw);
			expect(result.error!.issues.map(issue => [issue.path, issue.message]), key).toEqual([[['ha', key], message]]);
		}
		raw['ha'] = {rto: 'fast', ttl: 20};
		expect(answersSchema.safeParse(raw).error!.issues[0]!.path).toEqual(['ha']);
	});

	it.each([
		['ttl', 19, "must be at least 20 (Patroni's minimum)"],
		['loopWait', 0, "must be at least 1 (Patroni's minimum)"],
		['retryTimeout', 2, "must be at least 3 (Patroni's minimum)"],
	])('keeps patroni.%s at or above Patroni\'s minimum', (key, value, message) => {
		const raw = resolved();
		raw['patroni'] = {[key]: value};
		const result = answersSchema.safeParse(raw);
		expect(result.error!.issues.map(issue => [issue.path, issue.message])).toEqual([[['patroni', key], message]]);
		raw['patroni'] = {[key]: value + 1};
		expect(answersSchema.parse(raw).patroni).toEqual({[key]: value + 1, maximumLagOnFailover: 1048576});
	});

	it('has a JSON Schema that refuses unknown keys', () => {
		const schema = answersJsonSchema() as {type: string; additionalProperties: boolean; required: string[]};
		expect(schema.type).toBe('object');
		expect(schema.additionalProperties).toBe(false);
		expect(schema.required).toEqual(expect.arrayContaining(['version', 'cluster', 'hosts', 'network', 'passwords']));
	});
});
