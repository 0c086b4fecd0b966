import {createWriteStream, mkdirSync, type WriteStream} from 'node:fs';
import {join} from 'node:path';
import {logDir} from '../paths.js';
import type {EngineEvent, EventSink} from '../app/events.js';
import {describeEvent} from './describe-event.js';

/** Replaces every secret value in a line with ***. */
export function redactor(secrets: readonly string[]): (line: string) => string {
	const sorted = [...new Set(secrets)].filter(s => s.length > 0).sort((a, b) => b.length - a.length);
	return line => sorted.reduce((text, secret) => text.split(secret).join('***'), line);
}

/**
 * A copy of a value with every string in it (keys too) redacted as the raw text.
 * Redacting a JSON rendering instead would miss secrets with quotes or
 * backslashes, which JSON escapes.
 */
export function redactValue<T>(value: T, redact: (text: string) => string): T {
	if (typeof value === 'string') return redact(value) as T;
	if (Array.isArray(value)) return value.map(item => redactValue(item, redact)) as T;
	if (value !== null && typeof value === 'object')
		return Object.fromEntries(Object.entries(value).map(([key, item]) => [redact(key), redactValue(item, redact)])) as T;
	return value;
}

/** Wraps a sink so every event reaches it with the secrets redacted. */
export function redactedSink(secrets: readonly string[], sink: EventSink): EventSink {
	const redact = redactor(secrets);
	return event => sink(redactValue(event, redact));
}

/** The run's log file: every event, one timestamped line, secrets redacted. */
export class RunLog {
	readonly path: string;
	private readonly stream: WriteStream;
	private readonly redact: (line: string) => string;

	constructor(cluster: string, secrets: readonly string[], env: NodeJS.ProcessEnv = process.env) {
		const dir = logDir(env);
		mkdirSync(dir, {recursive: true, mode: 0o700});
		const stamp = new Date().toISOString().replace(/[:.]/g, '-');
		this.path = join(dir, `${cluster}-${stamp}.log`);
		this.stream = createWriteStream(this.path, {mode: 0o600});
		this.redact = redactor(secrets);
	}

	/** An event sink that writes to this log. */
	write = (event: EngineEvent): void => {
		const time = new Date(event.at).toISOString();
		for (const line of describeEvent(event, {verbose: true})) this.stream.write(`${time} ${this.redact(line)}\n`);
	};

	/** Flushes and closes the file. */
	close(): Promise<void> {
		return new Promise(resolve => this.stream.end(resolve));
	}
}

/**
 * Opens a run's log and wraps a sink so every event is redacted once and then
 * goes to both the log file and the caller.
 */
export function loggedSink(cluster: string, secrets: readonly string[], env: NodeJS.ProcessEnv, sink: EventSink): {emit: EventSink; log: RunLog; redact: (text: string) => string} {
	const log = new RunLog(cluster, secrets, env);
	const redact = redactor(secrets);
	const emit: EventSink = event => {
		const safe = redactValue(event, redact);
		log.write(safe);
		sink(safe);
	};
	return {emit, log, redact};
}
