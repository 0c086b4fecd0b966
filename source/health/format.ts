import type {Finding} from './judge.js';
import type {BackupSummary, ClusterStatus, RestoreDrillSummary} from './observe.js';

const age = (seconds: number) =>
	seconds < 3600 ? `${Math.round(seconds / 60)} min` : seconds < 172_800 ? `${(seconds / 3600).toFixed(1)} h` : `${Math.round(seconds / 86_400)} d`;
const size = (bytes: number) => (bytes < 1_048_576 ? `${Math.round(bytes / 1024)} KiB` : `${(bytes / 1_048_576).toFixed(1)} MiB`);
const backup = (name: string, b?: BackupSummary) => `  ${name.padEnd(13)}${b ? `${b.label}  ${age(b.ageSeconds)} ago  ${size(b.sizeBytes)}` : 'none'}`;
const drill = (d: RestoreDrillSummary | undefined, at: string) =>
	`  ${'restore drill'.padEnd(15)}${
		d
			? `${d.ok ? 'passed' : 'FAILED'} ${d.at.slice(0, 16).replace('T', ' ')} (${age(Math.max(0, (Date.parse(at) - Date.parse(d.at)) / 1000))} ago), restore and replay ${d.restoreSeconds} s, ${d.durationSeconds} s in all${d.ok ? '' : `: ${d.problems[0] ?? 'no problem recorded'}`}`
			: 'none yet'
	}`;

/** The status as readable text, ending with what the health model finds wrong (pure). */
export function formatStatus(s: ClusterStatus, findings: readonly Finding[] = []): string {
	const lines = [`cluster ${s.cluster}   ${s.at}`, '', 'hosts'];
	for (const h of s.hosts) lines.push(`  ${h.name.padEnd(16)}${h.ip.padEnd(16)}${h.roles.join(',').padEnd(26)}${h.reachable ? 'up' : `DOWN (${h.error ?? 'unreachable'})`}`);
	lines.push('', 'postgresql (patroni)');
	if (s.postgres.length === 0) lines.push('  no answer from Patroni');
	for (const m of s.postgres) lines.push(`  ${m.member.padEnd(16)}${m.role.padEnd(14)}${m.state.padEnd(12)}TL ${m.timeline ?? '-'}  lag ${m.lagMb ?? 0} MB`);
	lines.push('', 'etcd');
	for (const e of s.etcd) lines.push(`  ${e.endpoint.padEnd(28)}${e.healthy ? 'healthy' : 'UNHEALTHY'}${e.leader ? '  leader' : ''}${e.error ? `  ${e.error}` : ''}`);
	lines.push('', `vip ${s.vip.address}: ${s.vip.holder ? `held by ${s.vip.holder}` : 'NOT HELD'}`);
	lines.push('', 'haproxy');
	for (const b of s.haproxy) lines.push(`  ${b.balancer.padEnd(16)}${(b.listener === 'primary' ? '5000' : '5001').padEnd(6)}${b.server.padEnd(16)}${b.status}`);
	if (s.backups) lines.push('', `backups (${s.backups.count}, ${s.backups.status})`, backup('full', s.backups.full), backup('differential', s.backups.differential), ...(s.backups.incremental ? [backup('incremental', s.backups.incremental)] : []));
	if (s.backups || s.restoreDrill) lines.push(drill(s.restoreDrill, s.at));
	const earliest = s.certificates.map(c => c.notAfter).filter((d): d is string => d !== undefined).sort()[0];
	lines.push('', `certificates (${s.certificates.length}): ${earliest ? `earliest expiry ${earliest.slice(0, 10)}` : 'none readable'}`);
	const wrong = findings.filter(f => !f.ok);
	lines.push('', wrong.length === 0 ? 'health: every check holds' : 'health', ...wrong.map(f => `  FAIL ${f.name}: ${f.evidence}`));
	return lines.join('\n');
}
