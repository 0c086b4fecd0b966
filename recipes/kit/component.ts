import type {Answers, HostAnswers, Role} from '../../source/answers/schema.js';
import type {ManagedFile, RenderFacts} from './managed-file.js';

/** Something a service listens on (tcp) or sends (VRRP, IP protocol 112, from the host's address). */
export type ServicePort = {protocol: 'tcp' | 'vrrp'; port?: number; addresses: string[]; purpose: string};

/**
 * A systemd unit a component runs, and what it listens on. `runsFrom` names
 * the packages whose code the running unit has loaded: a newer version of one
 * installed under it runs only once the unit restarts.
 */
export type ComponentService = {unit: string; description: string; ports: ServicePort[]; runsFrom?: readonly string[]};

/**
 * One part of the cluster in one place, as an Ansible role holds its templates
 * and tasks: which role carries it, its Debian packages, the files it renders
 * (pure) and the services it runs. Its steps and probes live beside it.
 */
export type Component = {
	name: string;
	/** The roles that carry it; a host gets it when it has any of them. */
	roles: readonly Role[];
	/** Debian 12 packages it needs on a host with `role`. */
	packages(role: Role): readonly string[];
	/** Every file it keeps on the host (pure: the same answers always give the same text). */
	files(answers: Answers, host: HostAnswers, facts: RenderFacts): ManagedFile[];
	/** The units it runs on the host and their ports. */
	services(answers: Answers, host: HostAnswers): ComponentService[];
};

/** True when the host carries the component. */
export function runsOn(component: Component, host: HostAnswers): boolean {
	return component.roles.some(role => host.roles.includes(role));
}
