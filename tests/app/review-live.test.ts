import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventName, EventPayload } from '../../shared/contract';
import type { Session } from '../../shared/models';
import { AppCore } from '../../electron/core/app/app-core';
import { dispatch } from '../../electron/core/dispatch';
import { councilAsync, councilJson } from '../helpers/cli';
import { makeRepo, tempDir, writeIn } from '../helpers/repo';

/**
 * A review changed by another process (the CLI) reaches the app's clients live, as
 * `state.changed` kind `review` naming the session (the Review tab and the chips reload on it).
 */
let core: AppCore | null = null;
afterEach(async () => {
  await core?.close();
  core = null;
});

describe('review changes are pushed', () => {
  it('a comment added with the CLI is a state.changed kind review for that session', async () => {
    const repo = makeRepo();
    const created = councilJson<Session[]>(['session', 'create', '--task', 'live'], { cwd: repo.root });
    if (!created.result.ok) throw new Error(created.result.error.message);
    const session = created.result.value[0] as Session;
    writeIn(session.worktreePath, 'src/x.ts', 'one\n');
    // The folder exists (as after any review): the next test is about it appearing.
    mkdirSync(path.join(repo.root, '.git', 'council', 'reviews'));
    core = new AppCore({ userDataDir: tempDir(), host: 'browser', version: '0.0.0' });
    const received: { event: EventName; payload: unknown }[] = [];
    core.addClient('c', <E extends EventName>(event: E, payload: EventPayload<E>) => {
      received.push({ event, payload });
      return true;
    });
    const watched = await dispatch('watch.repo', { repo: repo.root }, core.handlers, { clientId: 'c' });
    expect(watched.ok).toBe(true);
    const added = await councilAsync(['review', 'comment', session.id, 'src/x.ts:1', '-m', 'why one?'], { cwd: repo.root });
    expect(added.code, added.stderr).toBe(0);
    await expect
      .poll(() => received.some((e) => e.event === 'state.changed' && JSON.stringify(e.payload) === JSON.stringify({ repo: repo.root, kind: 'review', sessionId: session.id })), { timeout: 10_000 })
      .toBe(true);
  });

  it('the reviews folder appearing is a review change too (a file renamed into a folder chokidar has not watched yet can go unseen)', async () => {
    const repo = makeRepo();
    core = new AppCore({ userDataDir: tempDir(), host: 'browser', version: '0.0.0' });
    const received: unknown[] = [];
    core.addClient('c', (event, payload) => {
      if (event === 'state.changed') received.push(payload);
      return true;
    });
    expect((await dispatch('watch.repo', { repo: repo.root }, core.handlers, { clientId: 'c' })).ok).toBe(true);
    mkdirSync(path.join(repo.root, '.git', 'council', 'reviews'));
    await expect.poll(() => received, { timeout: 10_000 }).toContainEqual({ repo: repo.root, kind: 'review' });
  });
});
