import {UsageError} from '../errors.js';
import {formatStatus} from '../lab/format.js';
import {isTopologyName, topologyChoices} from '../lab/topology.js';
import type {Command} from './context.js';

const usage = 'pgha lab up [--topology seed|compact|large] [--mirror] [--write-answers FILE] | down [--purge] | status [--json] | add NAME [--ip IP] | stop NAME | crash NAME | start NAME | replace NAME';

/**
 * `pgha lab`: real Debian 12 hosts on this machine (systemd-nspawn in
 * network namespaces) for trying and testing pgha. Progress is plain lines.
 */
export const lab: Command = async (args, flags, io) => {
	const [sub, ...rest] = args;
	// The lab's code (and node:child_process with it) loads only when a subcommand runs.
	const lab = await import('../lab/lab.js');
	const log = (line: string) => io.out(line);
	const env = io.env;
	const hostName = (verb: string) => {
		const name = rest[0] ?? flags.name;
		if (!name) throw new UsageError(`lab ${verb} needs a host name: pgha lab ${verb} NAME`);
		return name;
	};
	switch (sub) {
		case 'up': {
			if (!isTopologyName(flags.topology)) throw new UsageError(`--topology must be ${topologyChoices()}, not "${flags.topology}"`);
			const result = await lab.labUp({topology: flags.topology, writeAnswers: flags.writeAnswers, mirror: flags.mirror !== undefined, log, env});
			if (result.already) for (const line of formatStatus(result.status)) io.out(line);
			return 0;
		}
		case 'down':
			await lab.labDown({purge: flags.purge, log, env});
			return 0;
		case 'status': {
			const status = await lab.labStatus({env});
			if (flags.json) io.out(JSON.stringify(status, null, 2));
			else for (const line of formatStatus(status)) io.out(line);
			return 0;
		}
		case 'add': {
			const host = await lab.labAdd(hostName('add'), {ip: flags.ip, log, env});
			io.out(host.ip);
			return 0;
		}
		case 'stop':
			await lab.labStop(hostName('stop'), {log, env});
			return 0;
		case 'crash':
			await lab.labCrash(hostName('crash'), {log, env});
			return 0;
		case 'start':
			await lab.labStart(hostName('start'), {log, env});
			return 0;
		case 'replace':
			await lab.labReplace(hostName('replace'), {log, env});
			return 0;
		case undefined:
			throw new UsageError(`lab needs a subcommand: ${usage}`);
		default:
			throw new UsageError(`unknown lab subcommand "${sub}": ${usage}`);
	}
};
