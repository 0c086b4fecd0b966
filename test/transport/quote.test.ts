import {execFileSync} from 'node:child_process';
import {describe, expect, test} from 'vitest';
import {shQuote} from '../../source/transport/quote.js';
import {buildScript} from '../../recipes/kit/remote-shell.js';

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
	test('the remote $ quotes each value with zx and spreads arrays; bash reads them back unchanged', () => {
		const tag = (pieces: TemplateStringsArray, ...args: unknown[]) => buildScript(pieces, args);
		const script = tag`printf '%s|' ${['a b', 'c']} ${"x'y"} ${'$HOME'} ${'new\nline'}`;
		expect(echoIn('bash', script)).toBe(`a b|c|x'y|$HOME|new\nline|`);
	});
});
