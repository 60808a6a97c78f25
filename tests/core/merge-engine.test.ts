import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { MergeStrategy } from '../../shared/merge';
import { Council } from '../../electron/core/council';
import { MergeQueue, processQueue, type MergeEvent } from '../../electron/core/merge/index';
import { expectedTree, mergeRepo, parentCounts, treeContents, workedSessions } from '../helpers/merge-fixtures';
import { gitSync, writeIn } from '../helpers/repo';

/**
 * The merge queue on real repositories: ten sessions merged in order with each strategy, a
 * conflicting pair, gates that fail or hang. The main checkout is on the base branch and clean
 * here, so it is brought along every time (its own tests are in merge-checkout.test.ts).
 */

const SESSIONS = 10;

async function mergeAll(strategy: MergeStrategy): Promise<void> {
  const repo = mergeRepo();
  const council = Council.open(repo.root);
  const base0 = gitSync(repo.root, 'rev-parse', 'main');
  const worked = await workedSessions(council, SESSIONS);
  const expected = expectedTree(repo.root, 'main', worked);
  const queue = new MergeQueue(council.ws);
  for (const w of worked) await queue.enqueue(w.session.id, { strategy });

  const events: MergeEvent[] = [];
  const result = await processQueue(council, { onEvent: (e) => events.push(e) });

  expect(result.busy).toBeNull();
  expect(result.settled.map((e) => [e.sessionId, e.state, e.reason])).toEqual(worked.map((w) => [w.session.id, 'merged', null]));
  // Merged in queue order: the base moved through each entry's result in turn.
  const entries = queue.list();
  expect(entries.map((e) => e.state)).toEqual(Array(SESSIONS).fill('merged'));
  for (let i = 1; i < entries.length; i++) expect(entries[i]?.baseBefore).toBe(entries[i - 1]?.resultCommit);
  expect(entries[0]?.baseBefore).toBe(base0);
  const head = gitSync(repo.root, 'rev-parse', 'main');
  expect(entries[SESSIONS - 1]?.resultCommit).toBe(head);

  // Every file of the base, exactly.
  expect(treeContents(repo.root, 'main')).toEqual(expected);
  // The history's shape.
  if (strategy === 'merge') {
    expect(parentCounts(repo.root, `${base0}..main`, true)).toEqual(Array(SESSIONS).fill(2));
    const subjects = gitSync(repo.root, 'log', '--first-parent', '--format=%s', `${base0}..main`).split('\n').reverse();
    expect(subjects).toEqual(worked.map((w) => `Merge session ${w.session.id}: ${w.session.task}`));
  } else if (strategy === 'squash') {
    expect(parentCounts(repo.root, `${base0}..main`)).toEqual(Array(SESSIONS).fill(1));
  } else {
    // Each session's commits plus the one the queue made of its pending work, replayed linearly.
    const sum = worked.reduce((n, w) => n + w.commits + 1, 0);
    expect(parentCounts(repo.root, `${base0}..main`)).toEqual(Array(sum).fill(1));
    const subjects = gitSync(repo.root, 'log', '--format=%s', '--reverse', `${base0}..main`).split('\n');
    expect(subjects).toEqual(worked.flatMap((w, i) => [...Array.from({ length: w.commits }, (_, c) => `session ${i}: commit ${c}`), w.session.task]));
  }
  // The main checkout (on main, clean) shows the result and nothing else.
  expect(gitSync(repo.root, 'status', '--porcelain', '--untracked-files=all')).toBe('');
  for (const [file, content] of Object.entries(expected)) expect(readFileSync(`${repo.root}/${file}`, 'utf8')).toBe(content);
  // Every session's pending work was committed on its branch first; nothing is left uncommitted.
  for (const w of worked) expect(gitSync(w.session.worktreePath, 'status', '--porcelain')).toBe('');
  // Sessions are done, their context says where they went.
  for (const [i, w] of worked.entries()) {
    expect(council.context.get(w.session.id)).toMatchObject({ status: 'done', message: `merged into main as ${entries[i]?.resultCommit?.slice(0, 12)}` });
  }
  expect(events.filter((e) => e.step === 'merged')).toHaveLength(SESSIONS);
  expect(gitSync(repo.root, 'worktree', 'list').split('\n')).toHaveLength(SESSIONS + 1);
}

describe('merging ten sessions through the queue', () => {
  it.each(['merge', 'squash', 'rebase'] as const)('strategy %s: the base holds exactly their work, with the expected history', async (strategy) => {
    await mergeAll(strategy);
  });
});

describe('conflicts and gates', () => {
  it('merges the first of a conflicting pair and parks the second, naming the file; the base stays at the first', async () => {
    const repo = mergeRepo(2);
    const council = Council.open(repo.root);
    const [a, b] = await council.createSessions({ task: 'edit the readme', count: 2 });
    if (!a || !b) throw new Error('sessions');
    writeIn(a.worktreePath, 'README.md', '# from a\n');
    writeIn(b.worktreePath, 'README.md', '# from b\n');
    writeIn(b.worktreePath, 'src/f1.ts', 'export const f1 = "b";\n');
    const queue = new MergeQueue(council.ws);
    const ea = await queue.enqueue(a.id);
    const eb = await queue.enqueue(b.id);
    const result = await processQueue(council);
    const afterFirst = queue.get(ea.id);
    expect(afterFirst.state).toBe('merged');
    const parked = queue.get(eb.id);
    expect(parked).toMatchObject({ state: 'parked', files: ['README.md'] });
    expect(parked.reason).toContain('conflicts in README.md');
    expect(parked.reason).toContain('conflicts in README.md (content)');
    expect(gitSync(repo.root, 'rev-parse', 'main')).toBe(afterFirst.resultCommit);
    expect(readFileSync(`${repo.root}/README.md`, 'utf8')).toBe('# from a\n');
    expect(gitSync(repo.root, 'status', '--porcelain')).toBe('');
    expect(result.settled.map((e) => e.state)).toEqual(['merged', 'parked']);
    // b's work is committed on its own branch, untouched by the failed merge.
    expect(gitSync(b.worktreePath, 'show', 'HEAD:README.md')).toBe('# from b');
  });

  it('parks the second of a rebase pair on the commit that conflicts', async () => {
    const repo = mergeRepo(2);
    const council = Council.open(repo.root);
    const [a, b] = await council.createSessions({ task: 'edit f0', count: 2 });
    if (!a || !b) throw new Error('sessions');
    writeIn(a.worktreePath, 'src/f0.ts', 'export const f0 = "a";\n');
    writeIn(b.worktreePath, 'src/f0.ts', 'export const f0 = "b";\n');
    const queue = new MergeQueue(council.ws);
    await queue.enqueue(a.id, { strategy: 'rebase' });
    const eb = await queue.enqueue(b.id, { strategy: 'rebase' });
    await processQueue(council);
    const parked = queue.get(eb.id);
    expect(parked).toMatchObject({ state: 'parked', files: ['src/f0.ts'] });
    expect(parked.reason).toMatch(/rebasing onto main conflicts in src\/f0\.ts while replaying [0-9a-f]+/);
    expect(gitSync(repo.root, 'show', 'main:src/f0.ts')).toBe('export const f0 = "a";');
    // No scratch worktree is left behind.
    expect(gitSync(repo.root, 'worktree', 'list').split('\n')).toHaveLength(3);
  });

  it('parks on a failing gate, keeps its log and exit code, and leaves the base alone', async () => {
    const repo = mergeRepo(2);
    const council = Council.open(repo.root);
    const base0 = gitSync(repo.root, 'rev-parse', 'main');
    const [s] = await council.createSessions({ task: 'break the tests' });
    if (!s) throw new Error('session');
    writeIn(s.worktreePath, 'src/f0.ts', 'export const f0 = "broken";\n');
    const queue = new MergeQueue(council.ws);
    const entry = await queue.enqueue(s.id, { gate: 'echo "checking $(cat src/f0.ts)"; echo "3 tests failed" >&2; exit 7' });
    await processQueue(council);
    const parked = queue.get(entry.id);
    expect(parked).toMatchObject({ state: 'parked', gateExitCode: 7 });
    expect(parked.reason).toContain('exited with code 7');
    expect(parked.reason).toContain('3 tests failed');
    const log = readFileSync(parked.gateLog ?? '', 'utf8');
    // The gate ran on the merged result (the session's change), and every line it printed is kept.
    expect(log).toContain('checking export const f0 = "broken";');
    expect(log).toContain('3 tests failed');
    expect(queue.gateLog(entry.id).log).toBe(log);
    expect(gitSync(repo.root, 'rev-parse', 'main')).toBe(base0);
    expect(readFileSync(`${repo.root}/src/f0.ts`, 'utf8')).toBe('export const f0 = 0;\n');
    expect(gitSync(repo.root, 'worktree', 'list').split('\n')).toHaveLength(2);
  });

  it('parks a gate that runs past its timeout, stopping it', async () => {
    const repo = mergeRepo(2);
    const council = Council.open(repo.root);
    await council.ws.updateSettings({ gateTimeoutSeconds: 1 });
    const base0 = gitSync(repo.root, 'rev-parse', 'main');
    const [s] = await council.createSessions({ task: 'hang' });
    if (!s) throw new Error('session');
    writeIn(s.worktreePath, 'src/f1.ts', 'export const f1 = "slow";\n');
    const queue = new MergeQueue(council.ws);
    const entry = await queue.enqueue(s.id, { gate: 'echo started; sleep 30; echo never' });
    await processQueue(council);
    const parked = queue.get(entry.id);
    expect(parked).toMatchObject({ state: 'parked', gateExitCode: null });
    expect(parked.reason).toContain('timed out after 1.0 s');
    const log = readFileSync(parked.gateLog ?? '', 'utf8');
    expect(log).toMatch(/^started$/m);
    expect(log).not.toMatch(/^never$/m);
    expect(log).toContain('# the gate timed out after 1.0 s and was stopped');
    expect(gitSync(repo.root, 'rev-parse', 'main')).toBe(base0);
  });

  it('merges when the gate passes, with the gate run on the candidate', async () => {
    const repo = mergeRepo(2);
    const council = Council.open(repo.root);
    const [s] = await council.createSessions({ task: 'pass' });
    if (!s) throw new Error('session');
    writeIn(s.worktreePath, 'src/f1.ts', 'export const f1 = "ok";\n');
    const queue = new MergeQueue(council.ws);
    const entry = await queue.enqueue(s.id, { gate: 'grep -q ok src/f1.ts && git log -1 --format=%P' });
    await processQueue(council);
    const merged = queue.get(entry.id);
    expect(merged).toMatchObject({ state: 'merged', gateExitCode: 0 });
    expect(gitSync(repo.root, 'show', 'main:src/f1.ts')).toBe('export const f1 = "ok";');
    // The gate saw the merge commit: its two parents are in the log.
    const parents = gitSync(repo.root, 'log', '-1', '--format=%P', 'main');
    expect(readFileSync(merged.gateLog ?? '', 'utf8')).toContain(parents);
  });

  it('parks while the session’s agent is still running', async () => {
    const repo = mergeRepo(2);
    const council = Council.open(repo.root);
    const [s] = await council.createSessions({ task: 'busy' });
    if (!s) throw new Error('session');
    writeIn(s.worktreePath, 'src/f1.ts', 'x\n');
    const { RunStore } = await import('../../electron/core/agents/run-store');
    const store = new RunStore(council.ws.paths);
    const now = new Date().toISOString();
    store.write({
      id: store.newId(),
      sessionId: s.id,
      preset: 'claude',
      mode: 'headless',
      task: 'busy',
      state: 'running',
      attempt: 1,
      pid: process.pid,
      hostPid: process.pid,
      startedAt: now,
      endedAt: null,
      exitCode: null,
      signal: null,
      reason: null,
      agentSessionId: null,
      filesTouched: [],
      didWork: true,
      costUsd: null,
      inputTokens: null,
      outputTokens: null,
      denials: 0,
      outputBytes: 0,
    });
    const queue = new MergeQueue(council.ws);
    const entry = await queue.enqueue(s.id);
    await processQueue(council);
    expect(queue.get(entry.id)).toMatchObject({ state: 'parked', reason: expect.stringContaining('the agent is still running') });
    // Nothing was committed for it.
    expect(gitSync(s.worktreePath, 'status', '--porcelain')).toBe('M src/f1.ts');
  });
});

describe('removeAfterMerge', () => {
  it.each(['merge', 'squash', 'rebase'] as const)('strategy %s: a merged session is removed; its work is in the base (or archived), its locks released', async (strategy) => {
    const repo = mergeRepo(2);
    const council = Council.open(repo.root);
    await council.ws.updateSettings({ removeAfterMerge: true });
    const [first, s] = await council.createSessions({ task: 'finish it', count: 2 });
    if (!s || !first) throw new Error('session');
    // Another session is merged first, so that the rebase really replays (no fast-forward).
    writeIn(first.worktreePath, 'src/f1.ts', 'export const f1 = "first";\n');
    writeIn(s.worktreePath, 'src/f0.ts', 'export const f0 = "done";\n');
    await council.locks.acquire('src/f0.ts', s.id, { cwd: s.worktreePath });
    const queue = new MergeQueue(council.ws);
    await queue.enqueue(first.id, { strategy });
    const entry = await queue.enqueue(s.id, { strategy });
    const events: MergeEvent[] = [];
    await processQueue(council, { onEvent: (e) => events.push(e) });
    expect(queue.get(entry.id).state).toBe('merged');
    expect(events.filter((e) => e.step === 'removed').map((e) => e.sessionId)).toEqual([first.id, s.id]);
    expect(council.listSessions()).toEqual([]);
    expect(council.locks.list()).toEqual([]);
    expect(gitSync(repo.root, 'show', 'main:src/f0.ts')).toBe('export const f0 = "done";');
    // A squashed or replayed session's own commits are not ancestors of the base: kept under an
    // archive ref. (The first rebase is a fast-forward: its commits are the base's.)
    const archived = gitSync(repo.root, 'for-each-ref', '--format=%(refname)', 'refs/council/archive/');
    expect(archived === '' ? 0 : archived.split('\n').length).toBe({ merge: 0, squash: 2, rebase: 1 }[strategy]);
  });

  it('keeps a merged session that has new uncommitted work, saying why', async () => {
    const repo = mergeRepo(2);
    const council = Council.open(repo.root);
    await council.ws.updateSettings({ removeAfterMerge: true });
    const [s] = await council.createSessions({ task: 'keep me' });
    if (!s) throw new Error('session');
    writeIn(s.worktreePath, 'src/f0.ts', 'export const f0 = "done";\n');
    const queue = new MergeQueue(council.ws);
    await queue.enqueue(s.id);
    const warnings: string[] = [];
    await processQueue(council, {
      onEvent: (e) => {
        if (e.step === 'merged') writeIn(s.worktreePath, 'later.txt', 'more work\n');
        if (e.step === 'warning') warnings.push(e.message);
      },
    });
    expect(council.listSessions().map((x) => x.id)).toEqual([s.id]);
    expect(warnings).toEqual([`session ${s.id} was not removed: it has new uncommitted work`]);
  });
});

describe('merging a session again', () => {
  it('rebase: only the commits the base does not have yet are replayed', async () => {
    const repo = mergeRepo(3);
    const council = Council.open(repo.root);
    const [other, s] = await council.createSessions({ task: 'twice', count: 2 });
    if (!s || !other) throw new Error('sessions');
    writeIn(other.worktreePath, 'src/f2.ts', 'export const f2 = "other";\n');
    writeIn(s.worktreePath, 'src/f0.ts', 'export const f0 = "first";\n');
    const queue = new MergeQueue(council.ws);
    await queue.enqueue(other.id, { strategy: 'rebase' });
    await queue.enqueue(s.id, { strategy: 'rebase' });
    await processQueue(council);
    const afterFirst = gitSync(repo.root, 'rev-parse', 'main');
    // More work in the same session, merged again: one new commit on the base, not three.
    writeIn(s.worktreePath, 'src/f1.ts', 'export const f1 = "second";\n');
    const again = await queue.enqueue(s.id, { strategy: 'rebase' });
    await processQueue(council);
    expect(queue.get(again.id).state).toBe('merged');
    expect(gitSync(repo.root, 'log', '--format=%s', `${afterFirst}..main`)).toBe('twice');
    expect(treeContents(repo.root, 'main')).toMatchObject({ 'src/f0.ts': 'export const f0 = "first";\n', 'src/f1.ts': 'export const f1 = "second";\n', 'src/f2.ts': 'export const f2 = "other";\n' });
  });
});
