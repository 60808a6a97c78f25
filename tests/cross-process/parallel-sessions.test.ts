import { realpathSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Session } from '../../shared/models';
import { councilAsync, councilJson, type CliResult } from '../helpers/cli';
import { gitSync, makeRepo } from '../helpers/repo';

/**
 * Layer 2: the registry and git's worktree list stay in agreement when several OS processes create
 * sessions at the same moment (they all go through the registry mutex and git's own lock files).
 */

function worktrees(root: string): { worktree: string; branch: string | null }[] {
  return gitSync(root, 'worktree', 'list', '--porcelain')
    .split(/\n\n+/)
    .filter(Boolean)
    .map((block) => {
      const lines = block.split('\n');
      const worktree = lines.find((l) => l.startsWith('worktree '))?.slice('worktree '.length) ?? '';
      const branch = lines.find((l) => l.startsWith('branch '))?.slice('branch '.length) ?? null;
      return { worktree, branch };
    });
}

function createdBy(runs: CliResult[]): Session[] {
  for (const run of runs) expect(run.code, `exit ${run.code}\n${run.stdout}\n${run.stderr}`).toBe(0);
  return runs.flatMap((run) => (JSON.parse(run.stdout) as { ok: true; value: Session[] }).value);
}

/** What a user would check afterwards: the registry, the worktrees, the branches. */
function expectTenSessions(root: string, created: Session[]): void {
  const ids = created.map((s) => s.id);
  expect(created).toHaveLength(10);
  expect(new Set(ids).size).toBe(10);

  const list = councilJson<Session[]>(['session', 'list'], { cwd: root });
  expect(list.result.ok, list.stdout).toBe(true);
  const registered = list.result.ok ? list.result.value : [];
  expect(registered.map((s) => s.id).sort()).toEqual([...ids].sort());
  expect(registered.map((s) => s.state)).toEqual(ids.map(() => 'ready'));

  const trees = worktrees(root);
  expect(trees).toHaveLength(11);
  expect(trees[0]?.worktree).toBe(realpathSync(root));
  for (const s of created) {
    expect(trees, `worktree of session ${s.id}`).toContainEqual({ worktree: realpathSync(s.worktreePath), branch: `refs/heads/${s.branch}` });
  }
  const branches = gitSync(root, 'for-each-ref', '--format=%(refname:short)', 'refs/heads/council/').split('\n').sort();
  expect(branches).toEqual(created.map((s) => s.branch).sort());
}

describe('sessions created at the same moment by several processes', () => {
  it('two processes creating five sessions each: ten sessions, eleven worktrees', async () => {
    const repo = makeRepo();
    const args = ['session', 'create', '--task', 'parallel', '--count', '5', '--json'];
    const runs = await Promise.all([councilAsync(args, { cwd: repo.root }), councilAsync(args, { cwd: repo.root })]);
    expectTenSessions(repo.root, createdBy(runs));
  });

  it('ten single-session processes at once: ten sessions, eleven worktrees', async () => {
    const repo = makeRepo();
    const started = Date.now();
    const runs = await Promise.all(
      Array.from({ length: 10 }, (_, i) => councilAsync(['--json', 'session', 'create', '--task', `single ${i}`], { cwd: repo.root })),
    );
    console.log(`ten concurrent \`council session create\` processes took ${Date.now() - started} ms`);
    const created = createdBy(runs);
    expect(created.map((s) => s.task).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `single ${i}`).sort());
    expectTenSessions(repo.root, created);
  });
});
