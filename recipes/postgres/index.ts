import type {Component} from '../kit/component.js';
import {ports} from '../kit/locations.js';
import {tlsFiles} from '../kit/tls-files.js';
import {postgresTls, renderPatroni, renderPatroniProfile} from './render.js';

/**
 * PostgreSQL run by Patroni: the database itself, its leader election through
 * etcd and its replicas. python3-etcd is listed although patroni depends on it
 * only as one of several alternatives: its etcd3 module imports it.
 */
export const postgres: Component = {
	name: 'postgres',
	roles: ['postgres'],
	packages: () => ['postgresql-15', 'postgresql-client-15', 'patroni', 'python3-psycopg2', 'python3-etcd'],
	files: (answers, host, facts) => [
		...tlsFiles(answers, host, facts.keys, postgresTls, {user: 'postgres', group: 'postgres', service: 'patroni'}),
		renderPatroni(answers, host),
		renderPatroniProfile(answers),
	],
	services: (answers, host) => [
		{
			unit: 'patroni',
			runsFrom: ['patroni', 'python3-psycopg2', 'python3-etcd'],
			description: `Patroni, running PostgreSQL ${answers.cluster.postgresVersion} as member ${host.name}`,
			ports: [
				{protocol: 'tcp', port: ports.postgres, addresses: [host.ip, '127.0.0.1'], purpose: 'PostgreSQL: TLS from the other nodes, PgBouncer on loopback'},
				{protocol: 'tcp', port: ports.patroniApi, addresses: [host.ip], purpose: 'Patroni REST API over HTTPS (health checks; switchover needs a password)'},
			],
		},
	],
};
