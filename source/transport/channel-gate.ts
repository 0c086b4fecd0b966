/**
 * The channels one SSH connection may hold open at once. OpenSSH refuses a
 * session beyond its MaxSessions (10 by default, fewer on hardened hosts) with
 * "open failed", and verify's checks, a phase's steps and the panes' probes
 * share one connection per host. The gate starts below the default and, when
 * the server still refuses, learns the host's limit from how many channels
 * were open at that moment and tries again once one closes.
 */
export class ChannelGate {
	private open = 0;
	private readonly waiting: Array<() => void> = [];

	constructor(private limit = 8) {}

	/** How many channels may be open at once, as learnt so far. */
	get capacity(): number {
		return this.limit;
	}

	/** Runs `task` (which opens one channel and resolves once it has closed) inside the limit. */
	async run<T>(task: () => Promise<T>): Promise<T> {
		for (;;) {
			await this.acquire();
			const openWithThis = this.open;
			try {
				return await task();
			} catch (error) {
				// Refused with nothing else open is the host refusing sessions at all: that is the error to report.
				if (!isRefusedChannel(error) || openWithThis <= 1) throw error;
				this.limit = Math.max(1, Math.min(this.limit, openWithThis - 1));
			} finally {
				this.release();
			}
		}
	}

	private async acquire(): Promise<void> {
		while (this.open >= this.limit) await new Promise<void>(resolve => this.waiting.push(resolve));
		this.open++;
	}

	private release(): void {
		this.open--;
		this.waiting.shift()?.();
	}
}

/** ssh2's error for a channel the server would not open (OpenSSH says "open failed" at MaxSessions). */
export function isRefusedChannel(error: unknown): boolean {
	return error instanceof Error && /Channel open failure/i.test(error.message);
}
