import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Session } from '../../shared/models';
import { Council } from '../../electron/core/council';
import { council as cli } from '../helpers/cli';
import { gitSync, makeRepo, writeIn } from '../helpers/repo';

/**
 * The seed's full parallel workflow, end to end: three agents in three sessions share a repository;
 * they claim files through locks, report through context, one is blocked by another's lock and
 * goes on when it is released, their work is merged, and the sessions are removed without loss.
 */
describe('full parallel workflow', () => {
  it('three sessions work in parallel, coordinate through locks and context, and are merged and removed', async () => {
    const repo = makeRepo({ 'src/api.ts': 'export const api = 1;\n', 'src/ui.ts': 'export const ui = 1;\n', 'src/db.ts': 'export const db = 1;\n' });
    const council = Council.open(repo.root);
    const [api] = (await council.createSessions({ task: 'extend the API', agent: 'claude' })) as [Session];
    const [ui] = (await council.createSessions({ task: 'build the UI', agent: 'codex' })) as [Session];
    const [db] = (await council.createSessions({ task: 'migrate the DB', agent: 'gemini' })) as [Session];

    // Each agent claims its file from inside its own worktree, as its hook would.
    for (const [s, file] of [[api, 'src/api.ts'], [ui, 'src/ui.ts'], [db, 'src/db.ts']] as const) {
      expect(cli(['lock', 'acquire', file, '--session', s.id], { cwd: s.worktreePath }).code).toBe(0);
      expect(cli(['context', 'update', '--session', s.id, '--status', 'working', '--file', file], { cwd: s.worktreePath }).code).toBe(0);
    }
    expect(council.context.summary().byStatus.working).toBe(3);
    expect(council.context.fileConflicts()).toEqual([]);

    // The UI agent also needs the API file: refused, it says it is blocked on it.
    const refused = cli(['lock', 'acquire', 'src/api.ts', '--session', ui.id], { cwd: ui.worktreePath });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain(`locked by session ${api.id}`);
    cli(['context', 'blocked', '--session', ui.id, '--reason', 'needs src/api.ts', '--on', 'src/api.ts'], { cwd: ui.worktreePath });
    expect(council.context.get(ui.id)).toMatchObject({ status: 'blocked', blockedOn: 'src/api.ts' });

    // The API agent finishes: edits, commits, releases, reports done.
    writeIn(api.worktreePath, 'src/api.ts', 'export const api = 2;\nexport const route = "/v2";\n');
    await council.commit(api.id, 'API v2');
    expect(cli(['lock', 'release-all', '--session', api.id], { cwd: api.worktreePath }).code).toBe(0);
    cli(['context', 'update', '--session', api.id, '--status', 'done', '--message', 'API v2 ready'], { cwd: repo.root });

    // Now the UI agent gets the API file and goes on.
    expect(cli(['lock', 'acquire', 'src/api.ts', '--session', ui.id], { cwd: ui.worktreePath }).code).toBe(0);
    cli(['context', 'update', '--session', ui.id, '--status', 'working', '--file', 'src/ui.ts'], { cwd: ui.worktreePath });
    writeIn(ui.worktreePath, 'src/ui.ts', 'export const ui = 2;\n');
    await council.commit(ui.id, 'UI v2');
    writeIn(db.worktreePath, 'src/db.ts', 'export const db = 2;\n');
    await council.commit(db.id, 'DB v2');
    for (const s of [ui, db]) {
      await council.locks.releaseAll(s.id);
      await council.context.update(s.id, { status: 'done' });
    }
    expect(council.context.summary()).toEqual({ total: 3, byStatus: { working: 0, 'needs-input': 0, blocked: 0, idle: 0, done: 3, failed: 0 } });
    for (const s of [api, ui, db]) expect((await council.stats(s.id)).ahead).toBe(1);

    // Merge all three into main (the merge queue comes later; plain git here), then remove them.
    for (const s of [api, ui, db]) gitSync(repo.root, 'merge', '-q', '--no-edit', s.branch);
    for (const s of [api, ui, db]) {
      const removed = await council.removeSession(s.id);
      expect(removed.archivedAs).toBeNull();
    }
    expect(council.listSessions()).toEqual([]);
    expect(council.locks.list()).toEqual([]);
    expect(readFileSync(path.join(repo.root, 'src/api.ts'), 'utf8')).toContain('/v2');
    expect(readFileSync(path.join(repo.root, 'src/ui.ts'), 'utf8')).toBe('export const ui = 2;\n');
    expect(readFileSync(path.join(repo.root, 'src/db.ts'), 'utf8')).toBe('export const db = 2;\n');
    expect(gitSync(repo.root, 'worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(1);
    expect(gitSync(repo.root, 'branch', '--list', 'council/*')).toBe('');
    gitSync(repo.root, 'fsck', '--no-progress');
  });
});
