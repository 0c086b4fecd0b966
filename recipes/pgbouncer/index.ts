import type {Component} from '../kit/component.js';
import {ports} from '../kit/locations.js';
import {tlsFiles} from '../kit/tls-files.js';
import {pgbouncerTls, renderPgbouncerDropIn, renderPgbouncerHba, renderPgbouncerIni, renderPgbouncerUserlist} from './render.js';

/** PgBouncer on every PostgreSQL node: the pool HAProxy routes clients to. */
export const pgbouncer: Component = {
	name: 'pgbouncer',
	roles: ['postgres'],
	// logrotate: Debian's rules for /var/log/postgresql (PgBouncer's log among them) do nothing without it,
	// and PgBouncer logs a line for each HAProxy check.
	packages: () => ['pgbouncer', 'logrotate'],
	files: (answers, host, facts) => [
		...tlsFiles(answers, host, facts.keys, pgbouncerTls, {user: 'postgres', group: 'postgres', service: 'pgbouncer'}),
		renderPgbouncerIni(answers, host),
		renderPgbouncerHba(answers),
		renderPgbouncerUserlist(answers, facts.keys),
		renderPgbouncerDropIn(),
	],
	services: (_answers, host) => [
		{
			unit: 'pgbouncer',
			runsFrom: ['pgbouncer'],
			description: 'PgBouncer, pooling client connections to the local PostgreSQL',
			ports: [{protocol: 'tcp', port: ports.pgbouncer, addresses: [host.ip, '127.0.0.1'], purpose: 'client connections over TLS, from the balancers only'}],
		},
	],
};
