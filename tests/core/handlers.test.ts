import { existsSync, rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Council } from '../../electron/core/council';
import { dispatch } from '../../electron/core/dispatch';
import { createCoreHandlers } from '../../electron/core/handlers';
import { makeRepo, tempDir } from '../helpers/repo';

describe('core handlers through dispatch()', () => {
  it('sessions.list reconciles the repository the first time it is opened, then lists', async () => {
    const repo = makeRepo();
    const [s] = await Council.open(repo.root).createSessions({ task: 'listed' });
    rmSync(s!.worktreePath, { recursive: true, force: true });

    const result = await dispatch('sessions.list', { repo: repo.root }, createCoreHandlers());
    expect(result).toEqual({ ok: true, value: [expect.objectContaining({ id: s!.id, state: 'ready' })] });
    // Reconcile recreated the missing worktree from its branch.
    expect(existsSync(s!.worktreePath)).toBe(true);
  });

  it('sessions.list on a folder that is not a repository is a not-a-repo error, not a crash', async () => {
    const result = await dispatch('sessions.list', { repo: tempDir() }, createCoreHandlers());
    expect(result).toMatchObject({ ok: false, error: { code: 'not-a-repo', message: expect.stringContaining('is not inside a git repository') } });
  });
});
