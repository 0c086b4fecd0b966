import {spawnSync} from 'node:child_process';
import {cliPath, labUnavailable} from './helpers.js';

/** The end-to-end files share one lab at a time; whatever is left up at the end is taken down. */
export default function setup(): () => void {
	return () => {
		if (labUnavailable() || process.env['PGHA_KEEP_LAB'] === '1') return;
		spawnSync(process.execPath, [cliPath, 'lab', 'down'], {stdio: 'ignore'});
	};
}
