import {Box, Text} from 'ink';

/** A host's full log, a window of `height` lines ending `offset` lines above the bottom. */
export function LogView(props: {host: string; lines?: string[]; error?: string; offset: number; height: number}) {
	const lines = props.lines ?? [];
	const end = Math.max(lines.length - props.offset, 0);
	const start = Math.max(end - props.height, 0);
	return (
		<Box flexDirection="column" borderStyle="round" borderColor="cyan" paddingX={1}>
			<Text bold>
				Log of {props.host}
				<Text dimColor>
					{' '}
					· {props.lines ? `lines ${start + 1}-${end} of ${lines.length}` : 'reading…'} · ↑/↓ PgUp/PgDn scroll · Esc back
				</Text>
			</Text>
			{props.error ? <Text color="red">✗ the log could not be read: {props.error}</Text> : null}
			{lines.slice(start, end).map((line, i) => (
				<Text key={start + i} wrap="truncate-end">
					{line || ' '}
				</Text>
			))}
		</Box>
	);
}
