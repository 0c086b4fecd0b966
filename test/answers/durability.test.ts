import {describe, expect, it} from 'vitest';
import {durability} from '../../source/answers/durability.js';

describe('durability', () => {
	it('is asynchronous unless the answers ask for synchronous commits', () => {
		expect(durability({ha: {durability: 'async', rto: 'normal'}})).toEqual({mode: 'async'});
	});

	it('with synchronous commits waits for a replica when none is left, unless the answers say continue', () => {
		expect(durability({ha: {durability: 'synchronous', rto: 'normal'}})).toEqual({mode: 'synchronous', writesWithoutReplica: 'wait'});
		expect(durability({ha: {durability: 'synchronous', writesWithoutReplica: 'continue', rto: 'fast'}})).toEqual({mode: 'synchronous', writesWithoutReplica: 'continue'});
	});
});
