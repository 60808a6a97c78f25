import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventName, EventPayload } from '../../shared/contract';
import { AppCore } from '../../electron/core/app/app-core';
import { dispatch } from '../../electron/core/dispatch';
import { makeRepo, tempDir } from '../helpers/repo';

/*
 * Issue 12, item 4: a card's changed-file count froze when files changed outside a hooked agent (a
 * plain session edited from a shell): only a context update or a reload refreshed it. A window
 * watching the repository must hear of an edit in any session's worktree within a second.
 */

type Seen = { event: EventName; payload: unknown; at: number };

let core: AppCore | null = null;
afterEach(async () => {
  await core?.close();
  core = null;
});

async function start() {
  const repo = makeRepo();
  core = new AppCore({ userDataDir: tempDir(), host: 'browser', version: '1' });
  const seen: Seen[] = [];
  core.addClient('w1', <E extends EventName>(event: E, payload: EventPayload<E>) => {
    seen.push({ event, payload, at: Date.now() });
    return true;
  });
  const handlers = core.handlers;
  const call = async <T>(command: Parameters<typeof dispatch>[0], input: unknown): Promise<T> => {
    const result = await dispatch(command, input, handlers, { clientId: 'w1' });
    if (!result.ok) throw new Error(result.error.message);
    return result.value as T;
  };
  return { repo, seen, call };
}

const touched = (seen: Seen[], sessionId: string) => seen.filter((s) => s.event === 'state.changed' && (s.payload as { kind: string; sessionId?: string }).kind === 'worktree' && (s.payload as { sessionId?: string }).sessionId === sessionId);

async function waitFor(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
  return check();
}

describe('live changed-file counts (the board)', () => {
  it('an edit made from a shell in a plain session tells the watching window within a second, and the stats then count it', async () => {
    const { repo, seen, call } = await start();
    const [session] = await call<{ id: string; worktreePath: string }[]>('sessions.create', { repo: repo.root, task: 'plain, no agent' });
    await call('watch.repo', { repo: repo.root });
    expect(await call<{ filesChanged: number }>('sessions.stats', { repo: repo.root, id: session!.id })).toMatchObject({ filesChanged: 0 });

    const editedAt = Date.now();
    execFileSync('sh', ['-c', 'echo "edited from a shell" >> README.md'], { cwd: session!.worktreePath });
    expect(await waitFor(() => touched(seen, session!.id).length > 0, 1000)).toBe(true);
    expect(touched(seen, session!.id)[0]!.at - editedAt).toBeLessThan(1000);
    expect(await call<{ filesChanged: number }>('sessions.stats', { repo: repo.root, id: session!.id })).toMatchObject({ filesChanged: 1 });
  });

  it('a session created after the window started watching is watched too; a removed one no longer is', async () => {
    const { repo, seen, call } = await start();
    await call('watch.repo', { repo: repo.root });
    const [later] = await call<{ id: string; worktreePath: string }[]>('sessions.create', { repo: repo.root, task: 'made later' });
    // The registry change reaches the core through its state watcher; give it a moment to follow.
    await new Promise((r) => setTimeout(r, 500));
    execFileSync('sh', ['-c', 'echo new > notes.txt'], { cwd: later!.worktreePath });
    expect(await waitFor(() => touched(seen, later!.id).length > 0, 1000)).toBe(true);

    await call('sessions.remove', { repo: repo.root, id: later!.id, force: true });
    await new Promise((r) => setTimeout(r, 500));
    // The worktree is gone; the core holds no watcher on it any more.
    expect((await (await core!.council(repo.root)).watcher()).heldBy('board')).toEqual([]);
  });

  it('a burst of edits is a few events, not one per file', async () => {
    const { repo, seen, call } = await start();
    const [session] = await call<{ id: string; worktreePath: string }[]>('sessions.create', { repo: repo.root, task: 'burst' });
    await call('watch.repo', { repo: repo.root });
    execFileSync('sh', ['-c', 'for i in $(seq 1 200); do echo $i > f$i.txt; done'], { cwd: session!.worktreePath });
    await new Promise((r) => setTimeout(r, 600));
    const count = touched(seen, session!.id).length;
    expect(count).toBeGreaterThan(0);
    expect(count).toBeLessThan(10);
  });
});
