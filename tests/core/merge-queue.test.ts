import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Council } from '../../electron/core/council';
import { CouncilError } from '../../electron/core/errors';
import { gateLogFile, MergeQueue, processQueue, recoverQueue } from '../../electron/core/merge/index';
import { addTempWorktree, tempRoot } from '../../electron/core/merge/temp-worktree';
import { scratchWorktrees } from '../helpers/merge-crash';
import { mergeRepo, treeContents, workedSessions } from '../helpers/merge-fixtures';
import { gitSync, writeIn } from '../helpers/repo';

/** The queue store (enqueue, list, remove, retry, move) and the queue across restarts. */

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof CouncilError)) throw new Error(`expected a CouncilError, got ${String(err)}`);
  return `${err.code}: ${err.message}`;
}

async function setup(count: number): Promise<{ council: Council; queue: MergeQueue; ids: string[]; root: string }> {
  const repo = mergeRepo(Math.max(count, 2));
  const council = Council.open(repo.root);
  const sessions = await council.createSessions({ task: 'queue me', count });
  for (const [i, s] of sessions.entries()) writeIn(s.worktreePath, `src/f${i}.ts`, `export const f${i} = "s";\n`);
  return { council, queue: new MergeQueue(council.ws), ids: sessions.map((s) => s.id), root: repo.root };
}

describe('enqueue', () => {
  it('takes the strategy and gate from the settings unless given, and keeps the order', async () => {
    const { council, queue, ids } = await setup(3);
    await council.ws.updateSettings({ mergeStrategy: 'squash', gateCommand: 'npm test' });
    const a = await queue.enqueue(ids[0] as string);
    const b = await queue.enqueue(ids[1] as string, { strategy: 'rebase', gate: null });
    const c = await queue.enqueue((ids[2] as string).slice(0, 4), { gate: 'make check' });
    expect(a).toMatchObject({ sessionId: ids[0], strategy: 'squash', gate: 'npm test', state: 'queued', attempts: 1, reason: null, files: [], baseBefore: null, resultCommit: null });
    expect(b).toMatchObject({ strategy: 'rebase', gate: null });
    expect(c).toMatchObject({ sessionId: ids[2], strategy: 'squash', gate: 'make check' });
    expect(a.id).toMatch(/^[0-9a-f]{8}$/);
    // Persisted: a new store (another process) sees the same line.
    expect(new MergeQueue(Council.open(council.ws.repo.mainRoot).ws).list().map((e) => e.id)).toEqual([a.id, b.id, c.id]);
  });

  it('refuses an unknown session, one already in line, a base branch that is gone, an empty gate', async () => {
    const { council, queue, ids, root } = await setup(2);
    expect(await codeOf(queue.enqueue('abcdef'))).toBe('not-found: no session with id abcdef');
    const first = await queue.enqueue(ids[0] as string);
    expect(await codeOf(queue.enqueue(ids[0] as string))).toBe(`conflict: session ${ids[0]} is already in the merge queue (entry ${first.id}, queued)`);
    expect(await codeOf(queue.enqueue(ids[1] as string, { gate: '  ' }))).toBe('invalid-input: the gate command is empty: give a command, or none');
    gitSync(root, 'switch', '-q', '-c', 'other');
    gitSync(root, 'branch', '-D', 'main');
    expect(await codeOf(queue.enqueue(ids[1] as string))).toBe(`not-found: session ${ids[1]}'s base branch main does not exist (any more); nothing to merge into`);
    expect(queue.list()).toHaveLength(1);
    void council;
  });

  it('puts a parked session back in line as a new attempt instead of adding a second entry', async () => {
    const { queue, ids } = await setup(1);
    const entry = await queue.enqueue(ids[0] as string);
    await queue.patch(entry.id, (e) => ({ ...e, state: 'parked', reason: 'a conflict', files: ['x'] }));
    const again = await queue.enqueue(ids[0] as string, { strategy: 'squash' });
    expect(again).toMatchObject({ id: entry.id, state: 'queued', attempts: 2, strategy: 'squash', reason: null, files: [] });
    expect(queue.list()).toHaveLength(1);
  });
});

describe('remove, retry, move', () => {
  it('removes any entry but one that is merging, with its gate log', async () => {
    const { queue, ids, council } = await setup(2);
    const a = await queue.enqueue(ids[0] as string);
    const b = await queue.enqueue(ids[1] as string);
    await queue.patch(a.id, (e) => ({ ...e, state: 'merging' }));
    expect(await codeOf(queue.remove(a.id))).toBe(`conflict: entry ${a.id} is merging (the base branch is moving); it can be removed once that is over`);
    const log = gateLogFile(council.ws, b.id);
    await queue.patch(b.id, (e) => ({ ...e, state: 'parked', gateLog: log }));
    mkdirSync(council.ws.paths.gateLogs, { recursive: true });
    writeFileSync(log, 'gate output');
    expect((await queue.remove(b.id)).id).toBe(b.id);
    expect(existsSync(log)).toBe(false);
    expect(queue.list().map((e) => e.id)).toEqual([a.id]);
    expect(await codeOf(queue.remove('ffffffff'))).toBe('not-found: no merge queue entry ffffffff');
  });

  it('retries only a parked entry: back in line at the end, attempts + 1, outcome cleared', async () => {
    const { queue, ids } = await setup(3);
    const [a, b, c] = [await queue.enqueue(ids[0] as string), await queue.enqueue(ids[1] as string), await queue.enqueue(ids[2] as string)];
    expect(await codeOf(queue.retry(a.id))).toBe(`conflict: entry ${a.id} is queued; only a parked entry can be retried`);
    await queue.patch(a.id, (e) => ({ ...e, state: 'parked', reason: 'gate failed', files: ['a.ts'], gateExitCode: 1 }));
    const retried = await queue.retry(a.id);
    expect(retried).toMatchObject({ state: 'queued', attempts: 2, reason: null, files: [], gateExitCode: null });
    expect(queue.waiting().map((e) => e.id)).toEqual([b.id, c.id, a.id]);
  });

  it('moves a waiting entry among the waiting ones; others keep their place', async () => {
    const { queue, ids } = await setup(4);
    const [a, b, c, d] = [
      await queue.enqueue(ids[0] as string),
      await queue.enqueue(ids[1] as string),
      await queue.enqueue(ids[2] as string),
      await queue.enqueue(ids[3] as string),
    ];
    await queue.patch(b.id, (e) => ({ ...e, state: 'parked', reason: 'x' }));
    expect((await queue.move(d.id, 0)).map((e) => e.id)).toEqual([d.id, a.id, c.id]);
    expect(queue.list().map((e) => e.id)).toEqual([d.id, b.id, a.id, c.id]);
    expect((await queue.move(d.id, 99)).map((e) => e.id)).toEqual([a.id, c.id, d.id]);
    expect((await queue.move(c.id.slice(0, 5), 1)).map((e) => e.id)).toEqual([a.id, c.id, d.id]);
    expect(await codeOf(queue.move(b.id, 0))).toBe(`conflict: entry ${b.id} is parked; only a waiting entry can be moved`);
    expect(await codeOf(queue.move(a.id, -1))).toBe('invalid-input: the place in line must be a whole number from 0, not -1');
    // A session id works where an entry id is asked for.
    expect(queue.get(ids[3] as string).id).toBe(d.id);
  });
});

describe('the queue across restarts', () => {
  it('stops after the entry in hand when told to, and a new engine (a new process) picks up the rest', async () => {
    const repo = mergeRepo(6);
    const council = Council.open(repo.root);
    const worked = await workedSessions(council, 4);
    const queue = new MergeQueue(council.ws);
    for (const w of worked) await queue.enqueue(w.session.id);
    const stop = new AbortController();
    // Told as soon as it has an entry in hand: it lands that one alone (no train behind it).
    const first = await processQueue(council, { signal: stop.signal, onEvent: (e) => e.step === 'claimed' && stop.abort() });
    expect(first.settled.map((e) => e.state)).toEqual(['merged']);
    expect(queue.list().map((e) => e.state)).toEqual(['merged', 'queued', 'queued', 'queued']);

    const reopened = Council.open(repo.root);
    const second = await processQueue(reopened);
    expect(second.settled.map((e) => e.sessionId)).toEqual(worked.slice(1).map((w) => w.session.id));
    expect(new MergeQueue(reopened.ws).list().map((e) => e.state)).toEqual(['merged', 'merged', 'merged', 'merged']);
    expect(treeContents(repo.root, 'main')).toMatchObject(Object.assign({}, ...worked.map((w) => w.files)));
  });

  it('puts an entry a dead process left checking back in line, removes its scratch worktree, then merges it', async () => {
    const repo = mergeRepo(2);
    const council = Council.open(repo.root);
    const [s] = await council.createSessions({ task: 'left half-checked' });
    if (!s) throw new Error('session');
    writeIn(s.worktreePath, 'src/f0.ts', 'export const f0 = "done";\n');
    const queue = new MergeQueue(council.ws);
    const entry = await queue.enqueue(s.id, { gate: 'true' });
    // What a process killed during its gate leaves: the entry checking, a scratch worktree.
    await queue.claimNext();
    await addTempWorktree(council.ws, entry.id, 'gate', gitSync(repo.root, 'rev-parse', 'main'));
    expect(scratchWorktrees(council.ws)).toHaveLength(1);

    const recovered = await recoverQueue(council);
    expect(recovered.reports).toEqual([{ entryId: entry.id, outcome: 'requeued', note: 'it was checking when its process stopped; back in line' }]);
    expect(queue.get(entry.id).state).toBe('queued');
    expect(scratchWorktrees(council.ws)).toEqual([]);
    await processQueue(council);
    expect(queue.get(entry.id).state).toBe('merged');
    expect(gitSync(repo.root, 'show', 'main:src/f0.ts')).toBe('export const f0 = "done";');
  });

  it("clears a scratch worktree add killed so early its admin folder is unreadable, without a reconcile first", async () => {
    const repo = mergeRepo(2);
    const council = Council.open(repo.root);
    const [s] = await council.createSessions({ task: 'merged after a crash' });
    if (!s) throw new Error('session');
    writeIn(s.worktreePath, 'src/f0.ts', 'export const f0 = "done";\n');
    const queue = new MergeQueue(council.ws);
    const entry = await queue.enqueue(s.id, { gate: 'true' });
    // What `git worktree add` killed right after making its admin folder leaves: locked
    // "initializing", an empty commondir. Every `git worktree` command fails on it.
    const scratch = path.join(tempRoot(council.ws), `${entry.id}-gate-dead`);
    const admin = path.join(council.ws.repo.commonDir, 'worktrees', path.basename(scratch));
    mkdirSync(admin, { recursive: true });
    writeFileSync(path.join(admin, 'locked'), 'initializing');
    writeFileSync(path.join(admin, 'commondir'), '');
    writeFileSync(path.join(admin, 'gitdir'), `${path.join(scratch, '.git')}\n`);
    mkdirSync(scratch, { recursive: true });
    writeFileSync(path.join(scratch, '.git'), `gitdir: ${admin}\n`);
    expect(() => gitSync(repo.root, 'worktree', 'list')).toThrow(/commondir/);

    const run = await processQueue(council);
    expect(run.settled.map((e) => [e.id, e.state])).toEqual([[entry.id, 'merged']]);
    expect(existsSync(admin)).toBe(false);
    expect(existsSync(scratch)).toBe(false);
    expect(gitSync(repo.root, 'show', 'main:src/f0.ts')).toBe('export const f0 = "done";');
  });

  it('returns at once, naming the holder, when another process holds the merge lock', async () => {
    const { council, queue, ids } = await setup(1);
    await queue.enqueue(ids[0] as string);
    const result = await council.withMergeLock(() => processQueue(Council.open(council.ws.repo.mainRoot)), { purpose: 'a test holding it' });
    expect(result.busy).toMatchObject({ pid: process.pid, purpose: 'a test holding it' });
    expect(result.settled).toEqual([]);
    expect(queue.list().map((e) => e.state)).toEqual(['queued']);
  });
});
