import type {Answers, NoReplicaMode} from './schema.js';

/** The durability in effect: asynchronous, or synchronous with what happens when no replica is left. */
export type Durability = {mode: 'async'} | {mode: 'synchronous'; writesWithoutReplica: NoReplicaMode};

/**
 * The durability the answers ask for, defaults applied: with synchronous
 * commits, writes wait when no replica is left unless the answers say continue,
 * so nothing acknowledged can be lost by default. Pure.
 */
export function durability(answers: Pick<Answers, 'ha'>): Durability {
	if (answers.ha.durability === 'async') return {mode: 'async'};
	return {mode: 'synchronous', writesWithoutReplica: answers.ha.writesWithoutReplica ?? 'wait'};
}
