import {describe, expect, test} from 'vitest';
import {parseSurvey} from '../../source/uninstall/survey.js';

describe("the uninstall's survey of a host", () => {
	test('reads the marker, the record, the installed and config-only packages and armed drills', () => {
		const survey = parseSurvey(
			['marker=produccion', 'record=yes', 'before=cron', 'before=openssh-client', 'installed=cron', 'installed=patroni', 'installed=etcd-server', 'config=keepalived', 'drill=pgha-drill-undo-1.timer', ''].join('\n'),
		);
		expect(survey).toEqual({
			marker: 'produccion',
			installed: ['cron', 'etcd-server', 'patroni'],
			configOnly: ['keepalived'],
			before: ['cron', 'openssh-client'],
			pendingDrill: ['pgha-drill-undo-1.timer'],
		});
	});

	test('a host with no record and no marker', () => {
		expect(parseSurvey('marker=\ninstalled=patroni\n')).toEqual({marker: '', installed: ['patroni'], configOnly: [], pendingDrill: []});
	});

	test('an empty record is a record: the host had none of the packages', () => {
		expect(parseSurvey('marker=x\nrecord=yes\n').before).toEqual([]);
	});
});
