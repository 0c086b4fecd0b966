import {Box, Text} from 'ink';
import type {Role} from '../answers/schema.js';

/** A host as the drawing needs it. */
export type TopologyHost = {name: string; ip: string; roles: Role[]};

/**
 * The path of a query, top to bottom: clients, the VIP on its two ports, the
 * balancers, the PostgreSQL nodes (each with PgBouncer in front), the etcd
 * quorum that elects the leader, and the backup repository beside them.
 */
export function Topology(props: {hosts: TopologyHost[]; vip: string}) {
	const having = (role: Role) => props.hosts.filter(host => host.roles.includes(role));
	const etcd = having('etcd');
	const tolerated = Math.max(Math.floor((etcd.length - 1) / 2), 0);
	const backup = having('backup');
	return (
		<Box flexDirection="column">
			<Arrow text="clients" />
			<Box marginLeft={2}>
				<Text bold color="cyan">
					VIP {props.vip || '?'}
				</Text>
				<Text>  :5000 read-write (leader) · :5001 read-only (replicas)</Text>
			</Box>
			<Arrow />
			<Tier hosts={having('balancer')} label="HAProxy + Keepalived: one holds the VIP, the other takes over" />
			<Arrow text="PgBouncer :6432 → PostgreSQL :5432" />
			<Tier hosts={having('postgres')} label="Patroni + PostgreSQL 15 + PgBouncer: one leader, the rest stream from it" />
			<Arrow text="leader lock through etcd :2379" />
			<Tier hosts={etcd} label={`etcd quorum: ${etcd.length} member(s) tolerate ${tolerated} failure(s)`} />
			<Box marginLeft={2} marginTop={1}>
				<Text>backups  </Text>
				{backup.length > 0 ? (
					<Text>
						{backup.map(host => `${host.name} ${host.ip || '?'}`).join(', ')}
						<Text dimColor> ◀ WAL archive and backups from the PostgreSQL nodes (pgBackRest)</Text>
					</Text>
				) : (
					<Text color="yellow">none: WAL is not archived</Text>
				)}
			</Box>
		</Box>
	);
}

function Arrow(props: {text?: string}) {
	return (
		<Box flexDirection="column" marginLeft={6}>
			{props.text === 'clients' ? <Text bold>clients</Text> : null}
			<Text>
				│{props.text && props.text !== 'clients' ? <Text dimColor>  {props.text}</Text> : null}
			</Text>
			<Text>▼</Text>
		</Box>
	);
}

function Tier(props: {hosts: TopologyHost[]; label: string}) {
	return (
		<Box flexDirection="column" marginLeft={2}>
			<Box flexWrap="wrap">
				{props.hosts.length === 0 ? <Text color="red">(no host has this role)</Text> : null}
				{props.hosts.map(host => (
					<Box key={host.name} borderStyle="round" paddingX={1} marginRight={1} flexDirection="column">
						<Text bold>{host.name}</Text>
						<Text dimColor>{host.ip || '?'}</Text>
					</Box>
				))}
			</Box>
			<Text dimColor>{props.label}</Text>
		</Box>
	);
}
