import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { QueueEntry } from '../../shared/merge';
import { Council } from '../../electron/core/council';
import { MergeQueue } from '../../electron/core/merge/index';
import { council as cli, councilAsync, councilJson } from '../helpers/cli';
import { mergeRepo } from '../helpers/merge-fixtures';
import { gitSync, writeIn } from '../helpers/repo';

// The merge queue through the real `council` CLI, each call its own OS process.

async function repoWith(count: number): Promise<{ root: string; c: Council; ids: string[]; worktrees: string[] }> {
  const repo = mergeRepo(Math.max(count, 2));
  const c = Council.open(repo.root);
  const sessions = await c.createSessions({ task: 'cli merge', count });
  return { root: repo.root, c, ids: sessions.map((s) => s.id), worktrees: sessions.map((s) => s.worktreePath) };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('council merge --wait', () => {
  it('merges a session now (committing its pending work) and exits 0', async () => {
    const { root, ids, worktrees } = await repoWith(1);
    writeIn(worktrees[0] as string, 'src/f0.ts', 'export const f0 = "cli";\n');
    const result = cli(['merge', ids[0] as string, '--wait', '--strategy', 'squash'], { cwd: root });
    expect(result.code, result.stderr).toBe(0);
    const head = gitSync(root, 'rev-parse', 'main');
    expect(result.stdout.trim()).toBe(`merged session ${ids[0]} into main as ${head.slice(0, 12)}`);
    expect(result.stderr).toContain('committed the session');
    expect(gitSync(root, 'show', 'main:src/f0.ts')).toBe('export const f0 = "cli";');
    // Squashed: one commit with the old base as its only parent.
    expect(gitSync(root, 'rev-list', '--parents', '-1', 'main').split(' ')).toHaveLength(2);
    expect(readFileSync(path.join(root, 'src/f0.ts'), 'utf8')).toBe('export const f0 = "cli";\n');
  });

  it('exits 3 with the reason and the files when the entry parks on a conflict', async () => {
    const { root, ids, worktrees } = await repoWith(2);
    writeIn(worktrees[0] as string, 'README.md', 'one\n');
    writeIn(worktrees[1] as string, 'README.md', 'two\n');
    expect(cli(['merge', ids[0] as string, '--wait'], { cwd: root }).code).toBe(0);
    const base = gitSync(root, 'rev-parse', 'main');
    const parked = cli(['merge', ids[1] as string, '--wait'], { cwd: root });
    expect(parked.code).toBe(3);
    expect(parked.stderr).toContain('is parked: merging into main conflicts in README.md');
    expect(parked.stderr).toContain('conflicting files: README.md');
    expect(gitSync(root, 'rev-parse', 'main')).toBe(base);
    const json = councilJson(['merge', ids[1] as string, '--wait'], { cwd: root });
    expect(json.code).toBe(3);
    expect(json.result).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringContaining('README.md') } });
  });

  it('two processes merging at once: one waits for the other, both exit 0', async () => {
    const { root, ids, worktrees } = await repoWith(2);
    writeIn(worktrees[0] as string, 'src/f0.ts', 'a\n');
    writeIn(worktrees[1] as string, 'src/f1.ts', 'b\n');
    const [a, b] = await Promise.all([councilAsync(['merge', ids[0] as string, '--wait'], { cwd: root }), councilAsync(['merge', ids[1] as string, '--wait'], { cwd: root })]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    expect(gitSync(root, 'show', 'main:src/f0.ts')).toBe('a');
    expect(gitSync(root, 'show', 'main:src/f1.ts')).toBe('b');
    expect(gitSync(root, 'rev-list', '--count', '--first-parent', 'main')).toBe('3');
  });

  it('refuses bad input with exit 2 before queueing anything', async () => {
    const { root, ids } = await repoWith(1);
    const bad = cli(['merge', ids[0] as string, '--strategy', 'octopus'], { cwd: root });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--strategy must be one of merge, squash, rebase, not "octopus"');
    expect(cli(['merge', 'abcdef'], { cwd: root }).code).toBe(2);
    expect(councilJson<QueueEntry[]>(['queue'], { cwd: root }).result).toEqual({ ok: true, value: [] });
  });
});

describe('council merge (background) and council queue', () => {
  it('queues and returns; a background runner merges it', async () => {
    const { root, c, ids, worktrees } = await repoWith(1);
    writeIn(worktrees[0] as string, 'src/f1.ts', 'background\n');
    const queued = councilJson<{ entry: QueueEntry }>(['merge', ids[0] as string], { cwd: root });
    expect(queued.code, queued.stderr).toBe(0);
    if (!queued.result.ok) throw new Error(queued.result.error.message);
    const id = queued.result.value.entry.id;
    const q = new MergeQueue(c.ws);
    for (let waited = 0; waited < 30_000 && q.get(id).state !== 'merged'; waited += 100) await sleep(100);
    expect(q.get(id).state).toBe('merged');
    expect(gitSync(root, 'show', 'main:src/f1.ts')).toBe('background');
  });

  it('lists, moves, logs, retries and removes entries', async () => {
    const { root, c, ids, worktrees } = await repoWith(3);
    for (const [i, wt] of worktrees.entries()) writeIn(wt, `src/f${i}.ts`, `v${i}\n`);
    const q = new MergeQueue(c.ws);
    const entries = [await q.enqueue(ids[0] as string, { gate: 'echo gate says no; exit 4' }), await q.enqueue(ids[1] as string), await q.enqueue(ids[2] as string)];

    const moved = councilJson<QueueEntry[]>(['queue', 'move', entries[2]?.id as string, '0'], { cwd: root });
    expect(moved.code).toBe(0);
    expect(moved.result.ok && moved.result.value.map((e) => e.id)).toEqual([entries[2]?.id, entries[0]?.id, entries[1]?.id]);
    expect(cli(['queue', 'move', entries[2]?.id as string, 'first'], { cwd: root }).code).toBe(2);

    const listed = cli(['queue'], { cwd: root });
    expect(listed.stdout).toMatch(/ENTRY\s+SESSION\s+STRATEGY\s+GATE\s+STATE\s+TRIES\s+UPDATED\s+RESULT/);
    expect(listed.stdout).toContain('#1 in line');

    // Run the line: the gate of the first-queued session fails, the others merge.
    expect(cli(['queue', 'run'], { cwd: root }).code).toBe(0);
    const after = councilJson<QueueEntry[]>(['queue', '--json'], { cwd: root });
    expect(after.result.ok && after.result.value.map((e) => e.state)).toEqual(['merged', 'parked', 'merged']);
    const log = cli(['queue', 'log', entries[0]?.id as string], { cwd: root });
    expect(log.stdout).toContain('gate says no');
    expect(log.stdout).toContain('exited with code 4');

    const retried = cli(['queue', 'retry', entries[0]?.id as string], { cwd: root });
    expect(retried.code, retried.stderr).toBe(0);
    expect(retried.stdout).toContain('is back in line (#1 in line, attempt 2)');
    const removed = cli(['queue', 'remove', (ids[0] as string).slice(0, 5)], { cwd: root });
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stdout).toContain(`removed entry ${entries[0]?.id}`);
    expect(q.list().map((e) => e.id)).toEqual([entries[2]?.id, entries[1]?.id]);
    expect(cli(['queue', 'retry', 'ffffffff'], { cwd: root }).code).toBe(2);
  });
});
