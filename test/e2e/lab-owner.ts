import {existsSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type {LabStatus} from '../../source/lab/format.js';
import {pgha, type CliResult} from './helpers.js';
import {recalled, remember, runDir} from './run-record.js';

/*
 * The lab is the machine's, and someone else may be using it. An end-to-end
 * run replaces or takes down only a lab it started itself (or one an earlier
 * run left up on purpose with PGHA_KEEP_LAB=1); any other lab stops the test
 * with a message instead of being destroyed under its user.
 */

type Running = Extract<LabStatus, {exists: true}>;

/** Where a run that kept its lab (PGHA_KEEP_LAB=1) names it, so the next run may take it over. */
export const keptLabFile = join(tmpdir(), 'pgha-e2e-kept-lab.json');

/** The lab as `pgha lab status --json` reports it. */
export async function labStatus(): Promise<LabStatus> {
	const result = await pgha(['lab', 'status', '--json']);
	if (result.code !== 0) throw new Error(`pgha lab status --json: exit ${result.code}: ${result.stderr}`);
	return JSON.parse(result.stdout) as LabStatus;
}

/** True when this run started the lab (or took over a kept one). */
export function ownsLab(status: LabStatus, dir = runDir()): boolean {
	return status.exists && recalled('labs', dir).includes(status.startedAt);
}

/** Records the running lab as this run's. */
export function claimLab(status: Running, dir = runDir()): void {
	remember('labs', status.startedAt, dir);
}

function notOurs(status: Running, what: string): Error {
	return new Error(
		`a ${status.topology} lab (started ${status.startedAt}) is running and this test run did not start it, so it will not ${what}: someone may be using it. ` +
			'When nobody is, take it down with `node dist/cli.js lab down` and run the tests again.',
	);
}

/** Takes the running lab down, if there is one; refuses (throws) when this run did not start it. */
export async function takeDownOwnLab(): Promise<void> {
	const status = await labStatus();
	if (!status.exists) return;
	if (!ownsLab(status)) throw notOurs(status, 'take it down');
	const down = await pgha(['lab', 'down']);
	if (down.code !== 0) throw new Error(`pgha lab down: exit ${down.code}: ${down.stderr}`);
}

/** Throws unless the running lab, if any, is this run's to use. */
export async function expectOwnLabOrNone(): Promise<LabStatus> {
	const status = await labStatus();
	if (status.exists && !ownsLab(status)) throw notOurs(status, 'use or replace it');
	return status;
}

/** A fresh lab of this run: its own earlier lab goes first, anybody else's is left alone (and the test fails). */
export async function freshLab(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
	await takeDownOwnLab();
	const up = await pgha(['lab', 'up', ...args], env);
	// Claimed even when lab up failed half way: what it left is this run's to take down.
	const status = await labStatus();
	if (status.exists) claimLab(status);
	return up;
}

/** The lab an earlier run kept with PGHA_KEEP_LAB=1, if that is the one running. */
export function keptLab(status: LabStatus): boolean {
	if (!status.exists || !existsSync(keptLabFile)) return false;
	try {
		return (JSON.parse(readFileSync(keptLabFile, 'utf8')) as {startedAt?: string}).startedAt === status.startedAt;
	} catch {
		return false;
	}
}

/** Names the running lab as kept, for the next run to take over. */
export function keepLab(status: Running): void {
	writeFileSync(keptLabFile, `${JSON.stringify({startedAt: status.startedAt, topology: status.topology})}\n`);
}

/** Forgets a kept lab once a run has taken it over. */
export function forgetKeptLab(): void {
	rmSync(keptLabFile, {force: true});
}
