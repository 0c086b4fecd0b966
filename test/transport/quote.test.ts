import {execFileSync} from 'node:child_process';
import {describe, expect, test} from 'vitest';
import {sh, shQuote} from '../../source/transport/quote.js';

const echoIn = (shell: string, script: string) => execFileSync(shell, ['-c', script], {encoding: 'utf8'});

describe('shQuote', () => {
	const nasty = [`it's`, 'a b', '$HOME', '`id`', 'x\\y', '"q"', '#c', '%p', 'new\nline', '', '-n'];
	for (const shell of ['sh', 'bash']) {
		test(`every value reaches ${shell} unchanged`, () => {
			for (const value of nasty) expect(echoIn(shell, `printf %s ${shQuote(value)}`)).toBe(value);
		});
	}
	test('plain words stay bare', () => {
		expect(shQuote('etcd-server')).toBe('etcd-server');
		expect(shQuote('/etc/default/etcd')).toBe('/etc/default/etcd');
	});
	test('sh`` quotes each value and spreads arrays', () => {
		expect(sh`apt-get install ${['a b', 'c']} ${"x'y"}`).toBe(`apt-get install 'a b' c 'x'\\''y'`);
	});
});
