import {spawnSync} from 'node:child_process';
import {describe, expect, test} from 'vitest';
import {batchNonce, batchScript, parseBatch, type BatchItem} from '../../source/transport/batch.js';

/** Runs a batch the way a host does (`bash -s`, the script on stdin), here, and parses what it printed. */
function runHere(items: BatchItem[]) {
	const nonce = batchNonce();
	const script = batchScript(items, nonce);
	const done = spawnSync('bash', ['-s'], {input: script, encoding: 'utf8'});
	return {script, results: parseBatch(done.stdout, nonce, items.length)};
}

describe('a batch of commands in one round trip', () => {
	test('each command gets its own exit code, stdout and stderr, in order', () => {
		const {results} = runHere([
			{script: 'echo one; echo warning >&2'},
			{script: 'exit 3'},
			{script: 'printf "no newline"'},
			{script: "printf 'héllo ✓\\n'"},
		]);
		expect(results).toEqual([
			{code: 0, stdout: 'one\n', stderr: 'warning\n'},
			{code: 3, stdout: '', stderr: ''},
			{code: 0, stdout: 'no newline', stderr: ''},
			{code: 0, stdout: 'héllo ✓\n', stderr: ''},
		]);
	});

	test('stdin reaches its own command byte for byte, and only through the script on stdin', () => {
		const secret = "S3cret-'pass' $HOME `x`\nPGHA_STDIN_x\nlast line without newline";
		const {script, results} = runHere([{script: 'cat', stdin: secret}, {script: 'cat'}, {script: 'wc -c', stdin: ''}]);
		expect(results[0]).toEqual({code: 0, stdout: secret, stderr: ''});
		// A command without stdin reads nothing, not the rest of the batch.
		expect(results[1]).toEqual({code: 0, stdout: '', stderr: ''});
		expect(results[2]!.stdout.trim()).toBe('0');
		expect(script).not.toContain('S3cret');
	});

	test('the commands run side by side: one may wait for another that comes after it', () => {
		const flag = `/tmp/pgha-batch-test-${process.pid}-${Date.now()}`;
		const {results} = runHere([
			{script: `for i in $(seq 100); do [ -f ${flag} ] && echo seen && rm -f ${flag} && exit 0; sleep 0.05; done; exit 1`},
			{script: `touch ${flag}`},
		]);
		expect(results[0]).toEqual({code: 0, stdout: 'seen\n', stderr: ''});
	});

	test('a command that breaks its own syntax or exits early leaves the others alone', () => {
		const {results} = runHere([{script: 'if then fi'}, {script: 'set -e; false; echo never'}, {script: 'cat <<EOF\nown heredoc\nEOF'}]);
		expect(results[0]!.code).not.toBe(0);
		expect(results[0]!.stderr).toContain('syntax error');
		expect(results[1]).toEqual({code: 1, stdout: '', stderr: ''});
		expect(results[2]).toEqual({code: 0, stdout: 'own heredoc\n', stderr: ''});
	});

	test('a batch cut short reports the commands it never reached as failed, and lines that only look like results are ignored', () => {
		const nonce = batchNonce();
		const out = `PGHA_RESULT_${nonce} 0 0 ${Buffer.from('ok').toString('base64')} \nPGHA_RESULT_other 1 0 eA== \n`;
		const results = parseBatch(out, nonce, 2);
		expect(results[0]).toEqual({code: 0, stdout: 'ok', stderr: ''});
		expect(results[1]!.code).toBe(255);
	});
});
