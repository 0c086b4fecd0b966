import {describe, expect, it} from 'vitest';
import {labelledConnectionStrings} from '../../source/plan/connection-strings.js';
import {example} from '../answers/fixtures.js';

describe('labelledConnectionStrings', () => {
	it('gives the VIP ports and libpq multi-host strings through PgBouncer, each labelled', () => {
		expect(labelledConnectionStrings(example('seed-topology'))).toEqual([
			{label: 'read-write, through the VIP', url: 'postgresql://aplicacion@192.168.100.56:5000/aplicacion'},
			{label: 'read-only, through the VIP', url: 'postgresql://aplicacion@192.168.100.56:5001/aplicacion'},
			{
				label: 'read-write, libpq multi-host (PgBouncer)',
				url: 'postgresql://aplicacion@192.168.100.1:6432,192.168.100.2:6432,192.168.100.3:6432/aplicacion?target_session_attrs=read-write',
			},
			{
				label: 'reads, libpq multi-host (PgBouncer)',
				url: 'postgresql://aplicacion@192.168.100.1:6432,192.168.100.2:6432,192.168.100.3:6432/aplicacion?target_session_attrs=prefer-standby',
			},
		]);
	});
});
