import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {beforeAll, describe, expect, test} from 'vitest';
import {createCa, issueCertificate} from '../../source/keys/certificates.js';
import {installFromLabBundle, labUnavailable, onHost, pgha, readAnswers, until} from './helpers.js';
import {seedEnv as env, seedLab} from './seed-cluster.js';

// The installed seed lab (shared with the files before) seen from a lab host
// that is not part of the cluster: every port refuses what has no certificate,
// no TLS, no password or an address the cluster does not list, and a client
// with the cluster CA connects through the VIP with sslmode=verify-full.
// Then certificates are broken on three hosts and repair puts them back.
const skip = labUnavailable();
let answers: ReturnType<typeof readAnswers>;
let outsiderIp = '';
const cluster = () => answers.cluster.name;
const ipOf = (name: string) => answers.hosts.find(h => h.name === name)!.ip;
const keys = () => join(env.PGHA_HOME, 'clusters', `${cluster()}.keys`);
const outsider = (command: string, input?: string) => onHost({...answers, hosts: [{name: 'outsider', ip: outsiderIp, roles: []}]}, 'outsider', command, input);
/** A command on the outsider that may fail: its output and exit code ("... exit N", trimmed), never a throw. */
const attempt = (command: string) => outsider(`{ ${command}; } 2>&1; echo "exit $?"`).trim();
/** The status line of an HTTPS request from the outsider, the server checked against the cluster CA; empty when nothing answers. */
const https = (ip: string, port: number, request: string) =>
	outsider(`timeout 5 openssl s_client -quiet -connect ${ip}:${port} -CAfile /root/ca.crt -verify_return_error 2>/dev/null | head -1 || true`, request).trim();
const vipHolder = async () => (JSON.parse((await pgha(['status', '--json', '--cluster', cluster()], env)).stdout) as {vip: {holder?: string}}).vip.holder;
type Member = {Member: string; Role: string};
const members = (): Member[] => JSON.parse(onHost(answers, 'postgres1', 'patronictl -c /etc/patroni/config.yml list -f json')) as Member[];

describe.skipIf(skip)('a closed cluster, seen from a host that does not belong', () => {
	beforeAll(async () => {
		answers = await seedLab({installed: true});
		// A kept lab may have its outsider from an earlier run.
		const lab = JSON.parse((await pgha(['lab', 'status', '--json'], env)).stdout) as {hosts: Array<{name: string; ip: string}>};
		const known = lab.hosts.find(h => h.name === 'outsider');
		if (known) outsiderIp = known.ip;
		else {
			const added = await pgha(['lab', 'add', 'outsider'], env);
			expect(added.code, added.stderr).toBe(0);
			outsiderIp = added.stdout.match(/10\.131\.0\.\d+/)![0];
		}
		// Client tools only, from the lab's bundle: the lab's hosts have no package source.
		installFromLabBundle(answers, outsiderIp, ['postgresql-client-15', 'etcd-client']);
		outsider('cat > /root/ca.crt', readFileSync(join(keys(), 'ca.crt'), 'utf8'));
		outsider('umask 077; cat > /root/.pgpass', `*:*:*:aplicacion:${answers.passwords['app']}\n`);
	}, 300_000);

	test('etcd refuses reads and writes without a client certificate, and plain http', () => {
		const etcd = answers.hosts.find(h => h.roles.includes('etcd'))!.ip;
		const tls = `ETCDCTL_API=3 etcdctl --endpoints=https://${etcd}:2379 --cacert=/root/ca.crt --command-timeout=3s`;
		expect(attempt(`${tls} get /db --prefix --keys-only`)).toMatch(/exit [1-9]\d*$/);
		expect(attempt(`${tls} put /db/intruder yes`)).toMatch(/exit [1-9]\d*$/);
		expect(attempt(`ETCDCTL_API=3 etcdctl --endpoints=http://${etcd}:2379 --command-timeout=3s get /db --prefix --keys-only`)).toMatch(/exit [1-9]\d*$/);
		// From the cluster's own etcd host, with its certificate, the same read works: the refusal is about the certificate.
		expect(onHost(answers, answers.hosts.find(h => h.roles.includes('etcd'))!.name, "bash -lc 'etcdctl get /db --prefix --keys-only'")).toContain(`/db/${cluster()}/leader`);
	});

	test("Patroni's REST API is HTTPS with the cluster's certificate and refuses unauthenticated changes", () => {
		const node = ipOf('postgres1');
		expect(https(node, 8008, 'GET /patroni HTTP/1.0\r\n\r\n')).toMatch(/^HTTP\/1\.[01] 200/);
		const body = JSON.stringify({leader: members().find(m => m.Role === 'Leader')!.Member});
		expect(https(node, 8008, `POST /switchover HTTP/1.0\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`)).toMatch(/^HTTP\/1\.[01] 401/);
		expect(https(node, 8008, 'POST /restart HTTP/1.0\r\nContent-Length: 2\r\n\r\n{}')).toMatch(/^HTTP\/1\.[01] 401/);
		expect(https(node, 8008, 'PATCH /config HTTP/1.0\r\nContent-Length: 2\r\n\r\n{}')).toMatch(/^HTTP\/1\.[01] 401/);
		const wrong = Buffer.from('patroni:not-the-password').toString('base64');
		expect(https(node, 8008, `POST /restart HTTP/1.0\r\nAuthorization: Basic ${wrong}\r\nContent-Length: 2\r\n\r\n{}`)).toMatch(/^HTTP\/1\.[01] 401/);
		// Plain http gets no answer a client could use.
		expect(attempt(`timeout 5 bash -c 'exec 3<>/dev/tcp/${node}/8008; printf "GET /patroni HTTP/1.0\\r\\n\\r\\n" >&3; head -c 12 <&3'`)).not.toContain('HTTP/1.0 200');
	});

	test('PostgreSQL and PgBouncer refuse no TLS and addresses they do not list; the VIP serves a verify-full client', async () => {
		const node = ipOf('postgres1');
		const psql = (target: string) => attempt(`PGCONNECT_TIMEOUT=5 psql -X -A -t 'user=aplicacion dbname=aplicacion ${target}' -c 'select pg_is_in_recovery()'`);
		expect(psql(`host=${node} port=5432 sslmode=disable`)).toMatch(/no pg_hba\.conf entry[\s\S]*exit 2$/);
		const unlisted = psql(`host=${node} port=5432 sslmode=require`);
		expect(unlisted).toContain(`no pg_hba.conf entry for host "${outsiderIp}"`);
		expect(unlisted).toMatch(/exit 2$/);
		expect(psql(`host=${node} port=6432 sslmode=disable`)).toMatch(/SSL required[\s\S]*exit 2$/);
		expect(psql(`host=${node} port=6432 sslmode=require`)).toMatch(/login rejected[\s\S]*exit 2$/);
		const vip = answers.network.vip;
		expect(psql(`host=${vip} port=5000 sslmode=disable`)).toMatch(/SSL required[\s\S]*exit 2$/);
		expect(psql(`host=${vip} port=5000 sslmode=verify-full sslrootcert=/root/ca.crt`)).toMatch(/^f\nexit 0$/);
		expect(psql(`host=${vip} port=5001 sslmode=verify-full sslrootcert=/root/ca.crt`)).toMatch(/^t\nexit 0$/);
		// The check has teeth: a CA that is not the cluster's is refused.
		outsider('cat > /root/other-ca.crt', (await createCa('stranger')).cert);
		expect(psql(`host=${vip} port=5000 sslmode=verify-full sslrootcert=/root/other-ca.crt`)).toMatch(/exit [1-9]\d*$/);
	});

	test("HAProxy's stats page needs the password and is not on the VIP", () => {
		const balancer = answers.hosts.find(h => h.roles.includes('balancer'))!.ip;
		const stats = JSON.parse(readFileSync(join(env.PGHA_HOME, 'clusters', `${cluster()}.secrets.json`), 'utf8'))['PGHA_HAPROXY_STATS_PASSWORD'] as string;
		expect(stats.length).toBeGreaterThan(11);
		expect(https(balancer, 7000, 'GET / HTTP/1.0\r\n\r\n')).toMatch(/^HTTP\/1\.[01] 401/);
		expect(https(balancer, 7000, `GET / HTTP/1.0\r\nAuthorization: Basic ${Buffer.from('admin:wrong-password').toString('base64')}\r\n\r\n`)).toMatch(/^HTTP\/1\.[01] 401/);
		expect(https(balancer, 7000, `GET / HTTP/1.0\r\nAuthorization: Basic ${Buffer.from(`admin:${stats}`).toString('base64')}\r\n\r\n`)).toMatch(/^HTTP\/1\.[01] 200/);
		expect(https(answers.network.vip, 7000, 'GET / HTTP/1.0\r\n\r\n')).toBe('');
	});

	test("an operator's tools work from a root shell on the hosts with no flags", () => {
		const etcd = answers.hosts.find(h => h.roles.includes('etcd'))!.name;
		// etcdctl prints its health report on stderr.
		expect(onHost(answers, etcd, "bash -lc 'etcdctl endpoint health 2>&1'").match(/is healthy/g)).toHaveLength(3);
		expect(onHost(answers, 'postgres1', "bash -lc 'patronictl list'")).toMatch(/Leader/);
		expect(onHost(answers, 'postgres1', "cd / && runuser -u postgres -- psql -XAtc 'show ssl'").trim()).toBe('on');
	});

	test('certificates missing, self-signed and expiring in 10 days: repair --check names each, repair puts them back without moving the leader or the VIP', async () => {
		// Each file is one its service reads only when it starts or reloads, so the breakage itself moves nothing:
		// what is measured is that repair puts them back without moving the leader or the VIP.
		const leader = members().find(m => m.Role === 'Leader')!.Member;
		const [first, second] = members().filter(m => m.Role !== 'Leader').map(m => m.Member);
		const holder = await vipHolder();
		expect(holder).toBeDefined();
		const standby = answers.hosts.find(h => h.roles.includes('balancer') && h.name !== holder)!.name;
		const ca = {cert: readFileSync(join(keys(), 'ca.crt'), 'utf8'), key: readFileSync(join(keys(), 'ca.key'), 'utf8')};
		const stranger = await createCa('stranger');
		const soon = await issueCertificate(ca, second!, {dns: [second!, 'localhost'], ips: [ipOf(second!), answers.network.vip, '127.0.0.1']}, 10);
		onHost(answers, standby, 'rm /etc/haproxy/tls/stats.pem');
		onHost(answers, first!, 'cat > /etc/pgbouncer/tls/pgbouncer.crt', stranger.cert);
		onHost(answers, second!, 'cat > /etc/patroni/tls/server.crt', soon.cert);
		onHost(answers, second!, 'cat > /etc/patroni/tls/server.key', soon.key);
		const check = await pgha(['repair', '--check', '--cluster', cluster()], env);
		expect(check.code, check.stdout + check.stderr).toBe(3);
		expect(check.stdout).toMatch(new RegExp(`^${standby}: +/etc/haproxy/tls/stats.pem is missing`, 'm'));
		expect(check.stdout).toMatch(new RegExp(`^${first}: +the certificate /etc/pgbouncer/tls/pgbouncer.crt is self-signed, not signed by the cluster CA`, 'm'));
		expect(check.stdout).toMatch(new RegExp(`^${second}: +the certificate /etc/patroni/tls/server.crt expires on \\d{4}-\\d\\d-\\d\\d, in (9|10) day`, 'm'));
		const repair = await pgha(['repair', '--cluster', cluster(), '--yes'], env);
		expect(repair.code, repair.stdout + repair.stderr).toBe(0);
		const clean = await pgha(['repair', '--check', '--cluster', cluster()], env);
		expect(clean.code, clean.stdout).toBe(0);
		expect(members().find(m => m.Role === 'Leader')!.Member).toBe(leader);
		expect(await vipHolder()).toBe(holder);
		// The renewed certificate is the one PgBouncer serves through the VIP.
		await until('a verify-full client through VIP:5001 to work', () => /exit 0$/.test(attempt(`PGCONNECT_TIMEOUT=5 psql -X -A -t 'host=${answers.network.vip} port=5001 user=aplicacion dbname=aplicacion sslmode=verify-full sslrootcert=/root/ca.crt' -c 'select 1'`)), 30_000, 1_000);
	}, 300_000);
});
