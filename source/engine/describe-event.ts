import type {EngineEvent} from '../app/events.js';

/**
 * Plain-text lines for an event: what the log file and the non-TTY output show.
 * Every line that concerns a host starts with that host's name.
 */
export function describeEvent(event: EngineEvent, options: {verbose?: boolean} = {}): string[] {
	switch (event.type) {
		case 'run-started':
			return [`pgha: ${event.cluster}: ${event.hosts.length} hosts, phases ${event.phases.join(' > ')}`, `pgha: log ${event.logFile}`];
		case 'phase-started':
			return [`== ${event.phase} (${event.hosts.join(', ')})`];
		case 'phase-finished':
			return [`== ${event.phase} ${event.ok ? 'done' : 'FAILED'}`];
		case 'step-started':
			return options.verbose ? [`${event.host}: ${event.step} ...`] : [];
		case 'step-finished':
			return [`${event.host}: ${event.step}: ${event.changed ? 'changed' : 'ok'}`];
		case 'step-failed':
			return [
				`${event.host}: ${event.step}: FAILED: ${event.error}`,
				...(event.command ? [`${event.host}:   command: ${event.command.split('\n')[0]}`] : []),
				...event.output.map(line => `${event.host}:   | ${line}`),
			];
		case 'output':
			return options.verbose ? [`${event.host}: ${event.stream === 'stderr' ? '! ' : '| '}${event.line}`] : [];
		case 'drift':
			return [`${event.host}: DRIFT ${event.step}`, ...event.detail.map(line => `${event.host}:   ${line}`)];
		case 'host-skipped':
			return [`${event.host}: skipped (${event.reason})`];
		case 'check':
			return [`${event.ok ? 'PASS' : 'FAIL'} ${event.name}: ${event.evidence}`];
		case 'run-finished':
			return [`pgha: ${event.ok ? 'finished' : 'FAILED'}: ${event.changed} changed, ${event.unchanged} already in place; log ${event.logFile}`];
	}
}
