/** How a drill fails the leader (or, for the VIP drill, the balancer that holds it). */
export type FaultKind = 'crash' | 'partition' | 'graceful' | 'haproxy';

/**
 * The scripts of one fault: arm sets a timer that undoes the fault alone (and
 * whatever must precede it), strike makes the fault and nothing else, so the
 * moment it is sent is the moment of the fault; undo disarms the timer and undoes it now.
 */
export type FaultScripts = {arm: string; strike: string; undo: string; timerUnit: string};

// Marks the routes a partition adds, so the undo removes exactly those.
const partitionRouteProto = 187;

function undoCommands(kind: FaultKind): string {
	switch (kind) {
		case 'crash':
			return 'systemctl unmask --runtime --quiet patroni.service; systemctl reset-failed patroni.service 2>/dev/null; systemctl start patroni.service';
		case 'graceful':
			return 'systemctl start patroni.service';
		case 'partition':
			return `ip route flush proto ${partitionRouteProto}`;
		case 'haproxy':
			return 'systemctl unmask --runtime --quiet haproxy.service; systemctl reset-failed haproxy.service 2>/dev/null; systemctl start haproxy.service';
	}
}

// systemctl kill fails when a process exits between being listed and signalled; what counts is that the unit is down.
const killAll = (unit: string) => [`systemctl kill --signal=SIGKILL ${unit} || true`, `sleep 0.5; if systemctl is-active --quiet ${unit}; then echo "${unit} is still running" >&2; exit 1; fi`];

// Masked before the kill, so systemd's Restart=on-failure cannot bring the service back mid-drill.
function armCommands(kind: FaultKind): string[] {
	if (kind === 'crash') return ['systemctl mask --runtime --quiet patroni.service'];
	if (kind === 'haproxy') return ['systemctl mask --runtime --quiet haproxy.service'];
	return [];
}

function faultCommands(kind: FaultKind, peers: readonly string[]): string[] {
	switch (kind) {
		// Every process of the unit (Patroni and its PostgreSQL) dies at once, as in a power cut.
		case 'crash':
			return killAll('patroni.service');
		// Patroni stops PostgreSQL cleanly and hands its leader key back.
		case 'graceful':
			return ['systemctl stop patroni.service'];
		// The host drops everything it would send to the other cluster hosts (TCP handshakes from them die too);
		// the machine running pgha keeps its SSH session.
		case 'partition':
			return peers.map(ip => `ip route add blackhole ${ip}/32 proto ${partitionRouteProto}`);
		case 'haproxy':
			return killAll('haproxy.service');
	}
}

/**
 * The scripts of a fault. The timer is armed before the fault is struck, so if
 * pgha (or its SSH session) dies mid-drill the host puts itself back after
 * `undoAfterSeconds` all the same.
 */
export function faultScripts(kind: FaultKind, options: {id: string; peers: readonly string[]; undoAfterSeconds: number}): FaultScripts {
	const timerUnit = `pgha-drill-undo-${options.id}`;
	const undo = undoCommands(kind);
	const arm = ['set -e', `systemd-run --quiet --collect --unit=${timerUnit} --on-active=${Math.ceil(options.undoAfterSeconds)}s --timer-property=AccuracySec=1s /bin/sh -c '${undo}'`, ...armCommands(kind)].join('\n');
	const strike = ['set -e', ...faultCommands(kind, options.peers)].join('\n');
	return {arm, strike, undo: `systemctl stop ${timerUnit}.timer 2>/dev/null || true\n${undo}`, timerUnit};
}

/** A script that prints the drill timers still armed on a host (a drill whose pgha died before undoing it). */
export const pendingUndoScript = "systemctl list-timers --all --no-legend --plain 'pgha-drill-undo-*' 2>/dev/null | awk '{for (i = 1; i <= NF; i++) if ($i ~ /^pgha-drill-undo-/) print $i}'";
