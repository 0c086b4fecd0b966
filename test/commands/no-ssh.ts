/** Addresses pgha tried to open an SSH connection to, while the transport is replaced by `withoutSsh`. */
export const sshAttempts: string[] = [];

/**
 * The transport module with connections that are recorded and refused before
 * they reach the network. Use it as the factory of
 * `vi.mock('../../source/transport/ssh.js', ...)`.
 */
export function withoutSsh(real: object): object {
	return {
		...real,
		HostConnection: {
			open: async (host: {name: string; ip: string}) => {
				sshAttempts.push(host.ip);
				throw new Error(`${host.name} (${host.ip}): unit tests open no SSH connection`);
			},
		},
	};
}
