import type {Answers, HostAnswers} from '../source/answers/schema.js';
import {findHost} from '../source/answers/hosts.js';
import {runsOn, type Component, type ComponentService} from './kit/component.js';
import type {ManagedFile, RenderFacts} from './kit/managed-file.js';
import {etcd} from './etcd/index.js';
import {haproxy} from './haproxy/index.js';
import {keepalived} from './keepalived/index.js';
import {pgbackrest} from './pgbackrest/index.js';
import {pgbouncer} from './pgbouncer/index.js';
import {postgres} from './postgres/index.js';
import {etcdTls} from './etcd/probes.js';
import {postgresTls} from './postgres/render.js';
import {pgbouncerTls} from './pgbouncer/render.js';
import {haproxyTls} from './haproxy/render.js';

/** Every component of the cluster, in the order a host's files and services are listed. */
export const components: readonly Component[] = [etcd, postgres, pgbouncer, pgbackrest, haproxy, keepalived];

const on = (host: HostAnswers) => components.filter(c => runsOn(c, host));

/** Every Debian package a host needs for its roles, sorted and unique. */
export function packagesFor(host: Pick<HostAnswers, 'roles'>): string[] {
	return [...new Set(components.flatMap(c => host.roles.flatMap(role => (c.roles.includes(role) ? c.packages(role) : []))))].sort();
}

/**
 * Every file pgha manages on one host, from its roles: pure, so the same
 * answers always give the same text (a re-run changes nothing).
 */
export function hostFiles(answers: Answers, hostName: string, facts: RenderFacts): ManagedFile[] {
	const host = findHost(answers, hostName);
	return on(host).flatMap(c => c.files(answers, host, facts));
}

/** The files one component keeps on a host. */
export function componentFiles(component: Component, answers: Answers, host: HostAnswers, facts: RenderFacts): ManagedFile[] {
	return runsOn(component, host) ? component.files(answers, host, facts) : [];
}

/** The services a host runs and their ports. */
export function hostServices(answers: Answers, host: HostAnswers): ComponentService[] {
	return on(host).flatMap(c => c.services(answers, host));
}

/** Every file on a host where a service keeps the CA it trusts. */
export const trustedCaPaths: readonly string[] = [etcdTls.ca, postgresTls.ca, pgbouncerTls.ca, haproxyTls.ca];
