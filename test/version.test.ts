import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {expect, it} from 'vitest';
import {pghaVersion} from '../source/version.js';
import {root} from './answers/fixtures.js';

it('pghaVersion is the version in package.json', () => {
	expect(pghaVersion()).toBe((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {version: string}).version);
});
