import {createHash} from 'node:crypto';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http';
import type {AddressInfo} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, afterEach, describe, expect, it} from 'vitest';
import {downloadDebs, type DownloadEvent, type DownloadItem} from '../../source/bundle/download.js';

const root = mkdtempSync(join(tmpdir(), 'pgha-bundle-download-'));
afterAll(() => rmSync(root, {recursive: true, force: true}));

const body = Buffer.alloc(64 * 1024, 'x');
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

let server: Server | undefined;
afterEach(() => {
	server?.closeAllConnections();
	server?.close();
	server = undefined;
});

/** An http server on 127.0.0.1 answering each request with handler(request number, ...). */
async function serve(handler: (n: number, request: IncomingMessage, response: ServerResponse) => void): Promise<string> {
	let n = 0;
	server = createServer((request, response) => handler(++n, request, response));
	await new Promise<void>(resolve => server!.listen(0, '127.0.0.1', resolve));
	return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
}

const item = (base: string, file: string, data: Buffer = body): DownloadItem => ({file, uri: `${base}/${file}`, size: data.length, sha256: sha256(data)});

// Sends half the file, then nothing more while keeping the connection open.
function stall(response: ServerResponse): void {
	response.writeHead(200, {'content-length': String(body.length)});
	response.write(body.subarray(0, body.length / 2));
}

describe('downloadDebs', () => {
	it('aborts a download that stops receiving data, says so, and tries again', async () => {
		const base = await serve((n, _request, response) => (n === 1 ? stall(response) : response.end(body)));
		const events: DownloadEvent[] = [];
		const cacheDir = join(root, 'stall-once');
		const started = Date.now();
		const result = await downloadDebs([item(base, 'a_1.0_all.deb')], {cacheDir, localArchives: [], stallMs: 300, onProgress: event => events.push(event)});
		expect(Date.now() - started).toBeLessThan(5000);
		expect(events.filter(event => event.type === 'stalled')).toEqual([{type: 'stalled', file: 'a_1.0_all.deb', attempt: 1, attempts: 3, stallMs: 300, retrying: true}]);
		expect(readFileSync(result.paths.get('a_1.0_all.deb')!)).toEqual(body);
		// The stalled half is not counted twice.
		expect(result.fetchedBytes).toBe(body.length * 1.5);
		expect(events.at(-1)).toMatchObject({type: 'progress', packagesDone: 1, packagesTotal: 1, bytesDone: body.length, bytesTotal: body.length, reused: 0});
	});

	it('gives up after three stalled attempts, headers or body, naming the file', async () => {
		const base = await serve((n, _request, response) => (n === 2 ? undefined : stall(response)));
		const events: DownloadEvent[] = [];
		await expect(downloadDebs([item(base, 'b_2.0_amd64.deb')], {cacheDir: join(root, 'stall-always'), localArchives: [], stallMs: 300, onProgress: event => events.push(event)})).rejects.toThrow(
			`could not download b_2.0_amd64.deb from ${base}/b_2.0_amd64.deb: no data for 0.3 s`,
		);
		expect(events.filter(event => event.type === 'stalled').map(event => event.type === 'stalled' && [event.attempt, event.retrying])).toEqual([
			[1, true],
			[2, true],
			[3, false],
		]);
	});

	it('refuses a file whose SHA-256 differs, and does not retry a 404', async () => {
		let requests = 0;
		const base = await serve((_n, request, response) => {
			requests++;
			if (request.url === '/gone.deb') {
				response.writeHead(404).end();
				return;
			}
			response.end(Buffer.alloc(body.length, 'y'));
		});
		await expect(downloadDebs([item(base, 'gone.deb')], {cacheDir: join(root, 'gone'), localArchives: []})).rejects.toThrow(/gone\.deb: HTTP 404/);
		expect(requests).toBe(1);
		await expect(downloadDebs([item(base, 'other.deb')], {cacheDir: join(root, 'other'), localArchives: []})).rejects.toThrow(/other\.deb: its SHA-256 differs from the index/);
	});

	it('downloads two at a time by default and never more than four', async () => {
		let running = 0;
		let most = 0;
		const base = await serve((_n, _request, response) => {
			most = Math.max(most, ++running);
			setTimeout(() => {
				running--;
				response.end(body);
			}, 40);
		});
		const items = Array.from({length: 8}, (_, i) => item(base, `p${i}_1_all.deb`));
		await downloadDebs(items, {cacheDir: join(root, 'two'), localArchives: []});
		expect(most).toBe(2);
		most = 0;
		await downloadDebs(items, {cacheDir: join(root, 'many'), localArchives: [], parallel: 16});
		expect(most).toBe(4);
	});

	it('reuses a verified file in the cache and fetches again one that was damaged', async () => {
		let requests = 0;
		const base = await serve((_n, _request, response) => {
			requests++;
			response.end(body);
		});
		const cacheDir = join(root, 'reuse');
		const items = [item(base, 'c_1_all.deb'), item(base, 'd_1_all.deb')];
		await downloadDebs(items, {cacheDir, localArchives: []});
		expect(requests).toBe(2);
		writeFileSync(join(cacheDir, 'd_1_all.deb'), Buffer.alloc(body.length, 'z'));
		const again = await downloadDebs(items, {cacheDir, localArchives: []});
		expect(again).toMatchObject({reused: 1, fetchedBytes: body.length});
		expect(requests).toBe(3);
	});
});
