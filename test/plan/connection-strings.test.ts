import {describe, expect, it} from 'vitest';
import {connectionStrings, labelledConnectionStrings} from '../../source/plan/connection-strings.js';
import {answersFrom, example, exampleRaw} from '../answers/fixtures.js';

/** The seed example with application networks that may reach PgBouncer directly. */
function withClientNetworks() {
	const raw = exampleRaw('seed-topology');
	(raw['network'] as Record<string, unknown>)['clientNetworks'] = ['10.30.0.0/16'];
	return answersFrom(raw);
}

describe('labelledConnectionStrings', () => {
	it('gives the VIP ports, each checking the server against the cluster CA, and no libpq strings without client networks', () => {
		expect(labelledConnectionStrings(example('seed-topology'), '/home/op/.config/pgha/clusters/produccion.keys/ca.crt')).toEqual([
			{
				label: 'read-write, through the VIP',
				url: 'postgresql://aplicacion@192.168.100.56:5000/aplicacion?sslmode=verify-full&sslrootcert=/home/op/.config/pgha/clusters/produccion.keys/ca.crt',
			},
			{
				label: 'read-only, through the VIP',
				url: 'postgresql://aplicacion@192.168.100.56:5001/aplicacion?sslmode=verify-full&sslrootcert=/home/op/.config/pgha/clusters/produccion.keys/ca.crt',
			},
		]);
	});

	it('adds libpq multi-host strings through PgBouncer when the answers list client networks, each labelled', () => {
		expect(labelledConnectionStrings(withClientNetworks(), '/srv/ca.crt')).toEqual([
			{label: 'read-write, through the VIP', url: 'postgresql://aplicacion@192.168.100.56:5000/aplicacion?sslmode=verify-full&sslrootcert=/srv/ca.crt'},
			{label: 'read-only, through the VIP', url: 'postgresql://aplicacion@192.168.100.56:5001/aplicacion?sslmode=verify-full&sslrootcert=/srv/ca.crt'},
			{
				label: 'read-write, libpq multi-host (PgBouncer)',
				url: 'postgresql://aplicacion@192.168.100.1:6432,192.168.100.2:6432,192.168.100.3:6432/aplicacion?target_session_attrs=read-write&sslmode=verify-full&sslrootcert=/srv/ca.crt',
			},
			{
				label: 'reads, libpq multi-host (PgBouncer)',
				url: 'postgresql://aplicacion@192.168.100.1:6432,192.168.100.2:6432,192.168.100.3:6432/aplicacion?target_session_attrs=prefer-standby&sslmode=verify-full&sslrootcert=/srv/ca.crt',
			},
		]);
	});

	it('percent-encodes what a URL cannot hold in the CA path, and names ca.crt when no path is given', () => {
		expect(connectionStrings(example('seed-topology'), '/home/my user/ca#1.crt').readWrite).toBe(
			'postgresql://aplicacion@192.168.100.56:5000/aplicacion?sslmode=verify-full&sslrootcert=/home/my%20user/ca%231.crt',
		);
		expect(connectionStrings(example('seed-topology')).readOnly).toBe('postgresql://aplicacion@192.168.100.56:5001/aplicacion?sslmode=verify-full&sslrootcert=ca.crt');
	});
});
