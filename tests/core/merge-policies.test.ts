import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Council } from '../../electron/core/council';
import { MergeQueue, processQueue } from '../../electron/core/merge/index';
import { gateFailureLine } from '../../electron/core/merge/gate-summary';
import { agentRunningReason, resolveRefusal } from '../../shared/merge-policy';
import { mergeRepo } from '../helpers/merge-fixtures';
import { gitSync, writeIn } from '../helpers/repo';

/**
 * Issue 12, item 8: what the merge queue says and keeps, as a user of the app reads it: a failed
 * gate's summary quotes the failure (not the runtime's last line), an entry keeps its session's task
 * after the session is gone, and a session the queue merged (squash, rebase too) counts as merged.
 */

describe("a failed gate's summary", () => {
  it('quotes the failing line of a real crashing test, not Node\'s version line printed last', async () => {
    const repo = mergeRepo(2);
    const council = Council.open(repo.root);
    const [s] = await council.createSessions({ task: 'break it' });
    if (!s) throw new Error('session');
    writeIn(s.worktreePath, 'src/f0.ts', 'export const f0 = "broken";\n');
    // A test file the gate runs with the real node: an uncaught assertion ends it (stack, then "Node.js v…").
    writeIn(s.worktreePath, 'check.mjs', "import assert from 'node:assert';\nassert.strictEqual(1 + 1, 3, 'sums are broken');\n");
    const queue = new MergeQueue(council.ws);
    const entry = await queue.enqueue(s.id, { gate: `${JSON.stringify(process.execPath)} check.mjs` });
    await processQueue(council);
    const parked = queue.get(entry.id);
    expect(parked).toMatchObject({ state: 'parked', gateExitCode: 1 });
    expect(parked.reason).toMatch(/exited with code 1/);
    expect(parked.reason).toContain('AssertionError');
    expect(parked.reason).toContain('sums are broken');
    expect(parked.reason).not.toMatch(/Node\.js v\d/);
  });

  it('picks the failure among what test runners and tools print', () => {
    const cases: [string, string][] = [
      ['file:///x/check.mjs:2\nassert.strictEqual(1, 3)\n       ^\n\nAssertionError [ERR_ASSERTION]: sums are broken\n    at file:///x/check.mjs:2:8\n    at ModuleJob.run (node:internal)\n\nNode.js v20.20.2', 'AssertionError [ERR_ASSERTION]: sums are broken'],
      ['> demo@1.0.0 test\n> vitest run\n\n ✓ a.test.ts (3)\n ❯ b.test.ts (2)\n   × adds\n\n FAIL  b.test.ts > adds\nAssertionError: expected 2 to be 3\n\n Test Files  1 failed | 1 passed (2)\n      Tests  1 failed | 3 passed (4)', 'AssertionError: expected 2 to be 3'],
      ['src/a.ts(3,7): error TS2322: Type "string" is not assignable to type "number".\nFound 1 error.', 'src/a.ts(3,7): error TS2322: Type "string" is not assignable to type "number".'],
      ['running 3 tests\n3 tests failed', '3 tests failed'],
      ['all good so far\nstill fine', 'still fine'],
      ['', ''],
    ];
    for (const [output, line] of cases) expect(gateFailureLine(output), output).toBe(line);
  });
});

describe('a queue entry', () => {
  it("keeps its session's task after the session was removed", async () => {
    const repo = mergeRepo(2);
    const council = Council.open(repo.root);
    const [s] = await council.createSessions({ task: 'Rename the config loader' });
    if (!s) throw new Error('session');
    writeIn(s.worktreePath, 'src/f0.ts', 'export const f0 = "x";\n');
    const queue = new MergeQueue(council.ws);
    const entry = await queue.enqueue(s.id, { gate: 'exit 3' });
    expect(entry.task).toBe('Rename the config loader');
    await processQueue(council);
    await council.removeSession(s.id, { force: true });
    expect(council.ws.registry.find(s.id)).toBeUndefined();
    expect(new MergeQueue(council.ws).get(entry.id)).toMatchObject({ state: 'parked', task: 'Rename the config loader' });
  });
});

describe('a merged session', () => {
  for (const strategy of ['merge', 'squash', 'rebase'] as const) {
    it(`counts as merged after the queue merged it by ${strategy}: nothing left to merge, and it cannot be queued again`, async () => {
      const repo = mergeRepo(2);
      const council = Council.open(repo.root);
      const [s] = await council.createSessions({ task: `change f0 (${strategy})` });
      if (!s) throw new Error('session');
      writeIn(s.worktreePath, 'src/f0.ts', 'export const f0 = "changed";\n');
      // The base moves meanwhile, so a rebase and a squash really rewrite.
      writeFileSync(path.join(repo.root, 'src/f1.ts'), 'export const f1 = "base moved";\n');
      gitSync(repo.root, 'commit', '-qam', 'base moves');
      const before = await council.stats(s.id);
      expect(before).toMatchObject({ filesChanged: 1, merged: false, mergeBlocked: null });

      const queue = new MergeQueue(council.ws);
      const entry = await queue.enqueue(s.id, { strategy, gate: null });
      await processQueue(council);
      expect(queue.get(entry.id).state).toBe('merged');

      const after = await council.stats(s.id);
      expect(after).toMatchObject({ filesChanged: 0, insertions: 0, deletions: 0, merged: true });
      expect(after.mergeBlocked).toMatch(/^already merged/);
      await expect(queue.enqueue(s.id)).rejects.toThrow(/cannot be queued: already merged/);

      // New work after the merge: something to merge again.
      writeIn(s.worktreePath, 'src/f0.ts', 'export const f0 = "changed again";\n');
      expect(await council.stats(s.id)).toMatchObject({ filesChanged: 1, merged: false, mergeBlocked: null });
    });
  }

  it('a session with nothing of its own cannot be queued, and says so', async () => {
    const repo = mergeRepo(2);
    const council = Council.open(repo.root);
    const [s] = await council.createSessions({ task: 'nothing yet' });
    if (!s) throw new Error('session');
    const stats = await council.stats(s.id);
    expect(stats).toMatchObject({ filesChanged: 0, merged: false });
    expect(stats.mergeBlocked).toMatch(/^nothing to merge/);
    await expect(new MergeQueue(council.ws).enqueue(s.id)).rejects.toThrow(/cannot be queued: nothing to merge/);
  });
});

describe('the rules the app shows', () => {
  it('"Resolve with agent" works only for a conflict park of a session that still exists and has an agent', () => {
    const parked = { id: 'aa11bb22', state: 'parked' as const, files: ['src/a.ts'], sessionId: 'abc123' };
    expect(resolveRefusal(parked, { agent: 'claude' })).toBeNull();
    expect(resolveRefusal(parked, { agent: null })).toMatch(/has no agent to resolve with: resolve the files in its worktree/);
    expect(resolveRefusal(parked, undefined)).toMatch(/no longer exists/);
    expect(resolveRefusal({ ...parked, files: [] }, { agent: 'claude' })).toMatch(/did not park on conflicting files/);
    expect(resolveRefusal({ ...parked, state: 'queued' }, { agent: 'claude' })).toMatch(/only a parked entry/);
  });

  it('a session parked for its running agent is told how to stop it in the app, not only with the CLI', () => {
    const reason = agentRunningReason('abc123');
    expect(reason).toMatch(/Stop on the session in the app/);
    expect(reason).toContain('council session stop abc123');
  });
});
