import {Box, Text} from 'ink';
import type {Answers} from '../answers/schema.js';
import {labelledConnectionStrings} from '../plan/connection-strings.js';
import {useKeys} from './use-keys.js';
import {ports} from '../../recipes/kit/locations.js';

/**
 * After a successful install (or restore): how to connect, where the answers and the log
 * were saved, and what to run next. Enter or q leaves.
 */
export function DoneScreen(props: {answers: Answers; logFile: string; answersFile: string; onLeave: () => void; active?: boolean; restoredTo?: string}) {
	const {answers} = props;
	useKeys((input, key) => {
		if (key.return || input === 'q' || key.escape || (key.ctrl && input === 'c')) props.onLeave();
	}, props.active ?? true);
	const cluster = answers.cluster.name;
	const caFile = answers.tls?.caCert ?? props.answersFile.replace(/\.json$/, '.keys/ca.crt');
	const balancers = answers.hosts.filter(h => h.roles.includes('balancer'));
	return (
		<Box flexDirection="column">
			<Text bold color="green">
				✓ Cluster {cluster} is {props.restoredTo ? `restored to ${props.restoredTo}` : 'installed'}
			</Text>
			<Box flexDirection="column" marginTop={1}>
				<Text bold>Connect as {answers.database.owner} to database {answers.database.name}</Text>
				{labelledConnectionStrings(answers, caFile).map(connection => (
					<Box key={connection.url} flexDirection="column" marginLeft={2}>
						<Text dimColor>{connection.label}</Text>
						<Text color="cyan">{connection.url}</Text>
					</Box>
				))}
				<Box marginLeft={2}>
					<Text dimColor>
						The password of {answers.database.owner} is PGHA_APP_PASSWORD in {props.answersFile.replace(/\.json$/, '.secrets.json')} (readable only by you).
					</Text>
				</Box>
				<Box marginLeft={2}>
					<Text dimColor>Every port speaks TLS; clients check the server against the cluster CA {caFile}.</Text>
				</Box>
			</Box>
			<Box flexDirection="column" marginTop={1}>
				<Text>
					<Text bold>Answers saved in </Text>
					{props.answersFile}
				</Text>
				<Text>
					<Text bold>Install log in </Text>
					{props.logFile}
				</Text>
			</Box>
			<Box flexDirection="column" marginTop={1}>
				<Text bold>Next</Text>
				<Text>  pgha verify --cluster {cluster}   write through the VIP, read from a replica, check backups</Text>
				<Text>  pgha status --cluster {cluster}   members, leader, lag and the VIP holder</Text>
				<Text>
					{'  '}HAProxy statistics (user admin, PGHA_HAPROXY_STATS_PASSWORD): {balancers.map(h => `https://${h.ip}:${ports.haproxyStats}/`).join('  ')}
				</Text>
			</Box>
			{props.active === false ? null : (
				<Box marginTop={1}>
					<Text dimColor>Enter or q to leave</Text>
				</Box>
			)}
		</Box>
	);
}
