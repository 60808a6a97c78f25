import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueueEntry } from '../../shared/merge';
import type { Session } from '../../shared/models';
import { Council } from '../../electron/core/council';
import { MergeQueue, processQueue } from '../../electron/core/merge/index';
import { council, councilJson, sessionWith } from '../helpers/cli';
import { gitSync, makeRepo, type TestRepo } from '../helpers/repo';
import { browserUnavailable, openApp, openRepo, screenshot, type Harness } from './browser';

/**
 * End to end, the conflict radar and the merge queue (issue 5): three sessions made and committed
 * through the real CLI; in Chromium, through a real `council serve` process, the radar predicts the
 * one conflict, two sessions are merged by clicks, and the third, which conflicts with the first,
 * parks without moving the base.
 *
 *   A changes line 2 of src/shared.ts        (and adds src/a-only.ts)
 *   B changes src/other.ts                   (no file in common with A or C)
 *   C changes line 2 of src/shared.ts too    → A × C: a content conflict
 */
const unavailable = browserUnavailable();
if (unavailable) console.warn(`\n⚠ SKIPPING the merge browser end-to-end tests: ${unavailable}\n`);

const SHARED = 'src/shared.ts';
const OTHER = 'src/other.ts';
const BASE_SHARED = 'export const one = 1;\nexport const two = 2;\nexport const three = 3;\n';
const BASE_OTHER = 'export const other = "base";\n';
const A_SHARED = 'export const one = 1;\nexport const two = 20; // A\nexport const three = 3;\n';
const A_ONLY = 'export const onlyA = true;\n';
const B_OTHER = 'export const other = "B";\n';
const C_SHARED = 'export const one = 1;\nexport const two = 200; // C\nexport const three = 3;\n';

describe.skipIf(unavailable !== null)('the conflict radar and the merge queue in a browser', () => {
  let app: Harness;
  let repo: TestRepo;
  let A: Session;
  let B: Session;
  let C: Session;
  let mainAfterB = '';

  const rev = (ref: string): string => gitSync(repo.root, 'rev-parse', ref);
  const show = (spec: string): string => gitSync(repo.root, 'show', spec);
  /** The queue as the CLI reads it (what the host's worker wrote). */
  const queue = (): QueueEntry[] => {
    const run = councilJson<QueueEntry[]>(['queue', 'list'], { cwd: repo.root });
    if (!run.result.ok) throw new Error(run.result.error.message);
    return run.result.value;
  };
  /** A session's entry in the queue screen (entry ids are the core's; the row names its session). */
  const entryRow = (sessionId: string): Locator => app.page.getByTestId('queue-screen').locator(`li[data-testid^="queue-entry-"][data-session="${sessionId}"]`);

  /** Merge… on the session's card → the strategy → confirm, as a user does; no gate. */
  async function mergeByClicks(session: Session, strategy: 'merge' | 'squash' | 'rebase'): Promise<void> {
    const { page } = app;
    await page.getByTestId('nav-board').click();
    await page.getByTestId(`session-merge-${session.id}`).click();
    const dialog = page.getByTestId('merge-dialog');
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain(session.task);
    await page.getByTestId(`merge-strategy-${strategy}`).check();
    await page.getByTestId('merge-gate').fill('');
    await expect.poll(() => page.getByTestId('merge-submit').textContent()).toBe('Queue to merge into main');
    await page.getByTestId('merge-submit').click();
    await page.getByTestId(`queued-notice-${session.id}`).waitFor();
    await expect.poll(() => dialog.count()).toBe(0);
  }

  beforeAll(async () => {
    repo = makeRepo({ 'README.md': '# merge demo\n', [SHARED]: BASE_SHARED, [OTHER]: BASE_OTHER });
    A = sessionWith<Session>(repo.root, 'Make two twenty', { [SHARED]: A_SHARED, 'src/a-only.ts': A_ONLY });
    B = sessionWith<Session>(repo.root, 'Rename the other', { [OTHER]: B_OTHER });
    C = sessionWith<Session>(repo.root, 'Make two two hundred', { [SHARED]: C_SHARED });
    app = await openApp();
  });

  afterAll(async () => {
    await app?.close();
  });

  it('shows the one predicted conflict, A × C in src/shared.ts (content), on the radar and as badges on both cards', async () => {
    const { page } = app;
    await openRepo(page, repo.root);

    // The board: A and C carry a badge naming each other; B none.
    const badgeA = page.getByTestId(`radar-badge-${A.id}`);
    const badgeC = page.getByTestId(`radar-badge-${C.id}`);
    await expect.poll(() => badgeA.textContent(), { timeout: 15_000 }).toContain(`conflicts with ${C.id}`);
    await expect.poll(() => badgeC.textContent(), { timeout: 15_000 }).toContain(`conflicts with ${A.id}`);
    expect(await page.getByTestId(`session-card-${A.id}`).getByTestId(`radar-badge-${A.id}`).count()).toBe(1);
    expect(await page.getByTestId(`session-card-${C.id}`).getByTestId(`radar-badge-${C.id}`).count()).toBe(1);
    await page.getByTestId(`session-card-${B.id}`).waitFor();
    expect(await page.getByTestId(`radar-badge-${B.id}`).count()).toBe(0);
    expect(await page.getByTestId('nav-radar-count').textContent()).toBe('1');
    await screenshot(page, 'radar-board');

    await page.getByTestId('nav-radar').click();
    await page.getByTestId('radar-screen').waitFor();
    // Exactly one file would conflict: src/shared.ts, between A and C (content).
    const rows = page.getByTestId('radar-files').locator(':scope > li');
    await expect.poll(() => rows.count()).toBe(1);
    const row = page.getByTestId(`radar-file-${SHARED}`);
    expect(((await row.getAttribute('data-sessions')) ?? '').split(' ').sort()).toEqual([A.id, C.id].sort());
    expect(await row.getByTestId('radar-kind').allTextContents()).toEqual(['content']);
    // Both tasks are named on the row.
    expect(await row.textContent()).toContain(A.task);
    expect(await row.textContent()).toContain(C.task);
    expect(await page.getByTestId('radar-summary').textContent()).toBe('1 file would conflict between 2 sessions.');
    expect(await page.getByTestId('radar-facts').textContent()).toContain('Compared with main at');
    // B shares nothing with anyone: among the quiet sessions.
    expect(await page.getByTestId('radar-quiet').textContent()).toContain(B.id);
    expect(await page.getByTestId('radar-shared').count()).toBe(0);
    await screenshot(page, 'radar');
  });

  it('merges A (merge) and B (squash) by clicks: both merged in the Queue, their content on main', async () => {
    const { page } = app;
    const before = rev('main');
    await mergeByClicks(A, 'merge');
    await mergeByClicks(B, 'squash');

    await page.getByTestId('nav-queue').click();
    await page.getByTestId('queue-screen').waitFor();
    for (const session of [A, B]) {
      await expect.poll(() => entryRow(session.id).getAttribute('data-state'), { timeout: 30_000 }).toBe('merged');
      expect(await entryRow(session.id).textContent()).toContain(session.task);
    }
    // Both are in the Merged section, none parked.
    const merged = page.getByTestId('queue-merged');
    expect(await merged.locator(`[data-session="${A.id}"]`).count()).toBe(1);
    expect(await merged.locator(`[data-session="${B.id}"]`).count()).toBe(1);
    expect(await page.getByTestId('queue-parked').count()).toBe(0);

    // main holds both sessions' work, and the main checkout followed it.
    expect(show(`main:${SHARED}`) + '\n').toBe(A_SHARED);
    expect(show('main:src/a-only.ts') + '\n').toBe(A_ONLY);
    expect(show(`main:${OTHER}`) + '\n').toBe(B_OTHER);
    expect(readFileSync(path.join(repo.root, SHARED), 'utf8')).toBe(A_SHARED);
    expect(readFileSync(path.join(repo.root, OTHER), 'utf8')).toBe(B_OTHER);
    expect(gitSync(repo.root, 'status', '--porcelain')).toBe('');

    // A merge commit for A (two parents), then one squashed commit for B (one parent) on top.
    mainAfterB = rev('main');
    const entries = queue();
    const entryA = entries.find((e) => e.sessionId === A.id);
    const entryB = entries.find((e) => e.sessionId === B.id);
    expect(entryA?.state).toBe('merged');
    expect(entryB?.state).toBe('merged');
    expect(entryA?.baseBefore).toBe(before);
    expect(entryB?.baseBefore).toBe(entryA?.resultCommit);
    expect(entryB?.resultCommit).toBe(mainAfterB);
    expect(gitSync(repo.root, 'rev-list', '--parents', '-n', '1', entryA?.resultCommit ?? '').split(' ')).toHaveLength(3);
    expect(gitSync(repo.root, 'rev-list', '--parents', '-n', '1', mainAfterB).split(' ')).toEqual([mainAfterB, entryA?.resultCommit]);
    // The screen shows B's result commit.
    expect(await page.getByTestId(`queue-result-${entryB?.id}`).textContent()).toBe(mainAfterB.slice(0, 7));
    await screenshot(page, 'queue-merged');
  });

  it('merging C by clicks parks it on the conflict in src/shared.ts, says why, and leaves main where B put it', async () => {
    const { page } = app;
    expect(rev('main')).toBe(mainAfterB);

    // A is in main now: the radar predicts C's conflict with the base, and the dialog says so.
    await page.getByTestId('nav-board').click();
    await page.getByTestId(`session-merge-${C.id}`).click();
    await page.getByTestId('merge-dialog').waitFor();
    await expect.poll(() => page.getByTestId('merge-warnings').textContent(), { timeout: 15_000 }).toContain(`The radar predicts conflicts with main in 1 file`);
    expect(await page.getByTestId('merge-warnings').textContent()).toContain(SHARED);
    await page.getByTestId('merge-strategy-merge').check();
    await page.getByTestId('merge-gate').fill('');
    await page.getByTestId('merge-submit').click();
    await page.getByTestId(`queued-notice-${C.id}`).waitFor();

    await page.getByTestId('nav-queue').click();
    const row = entryRow(C.id);
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 30_000 }).toBe('parked');
    const parked = page.getByTestId('queue-parked');
    expect(await parked.locator(`[data-session="${C.id}"]`).count()).toBe(1);
    const entryId = (await row.getAttribute('data-testid'))?.replace('queue-entry-', '') ?? '';
    const reason = page.getByTestId(`queue-reason-${entryId}`);
    expect(await reason.locator('.queue-reason').textContent()).toBe(`merging into main conflicts in ${SHARED} (content)`);
    expect(await reason.getByRole('list', { name: 'Conflicting files' }).getByRole('listitem').allTextContents()).toEqual([SHARED]);
    expect(await page.getByTestId(`queue-state-${entryId}`).textContent()).toContain('parked');
    // What a parked conflict offers: C has no agent, so no "Resolve with agent" (it could only fail,
    // issue 12 item 8); retry once the files are resolved in its worktree.
    await page.getByTestId(`queue-retry-${entryId}`).waitFor();
    expect(await page.getByTestId(`queue-resolve-${entryId}`).count()).toBe(0);
    // A and B stay merged.
    expect(await entryRow(A.id).getAttribute('data-state')).toBe('merged');
    expect(await entryRow(B.id).getAttribute('data-state')).toBe('merged');
    await row.scrollIntoViewIfNeeded();
    await screenshot(page, 'queue-parked');

    // The core agrees, and main did not move: exactly the commit B's merge made, its checkout clean.
    const entryC = queue().find((e) => e.sessionId === C.id);
    expect(entryC?.id).toBe(entryId);
    expect(entryC?.state).toBe('parked');
    expect(entryC?.files).toEqual([SHARED]);
    expect(rev('main')).toBe(mainAfterB);
    expect(show(`main:${SHARED}`) + '\n').toBe(A_SHARED);
    expect(readFileSync(path.join(repo.root, SHARED), 'utf8')).toBe(A_SHARED);
    expect(gitSync(repo.root, 'status', '--porcelain')).toBe('');
    // C's own work is untouched.
    expect(readFileSync(path.join(C.worktreePath, SHARED), 'utf8')).toBe(C_SHARED);
  });

  it('sessions made after main moved carry no badge: C conflicts with main only, not with what they inherited (issue 12, radar 1)', async () => {
    const { page } = app;
    // Main has A's line 2 now. D changes nothing; E adds a line to the end of the same file, on top of A's line 2.
    const created = councilJson<Session[]>(['session', 'create', '--task', 'Nothing yet'], { cwd: repo.root });
    if (!created.result.ok) throw new Error(created.result.error.message);
    const D = created.result.value[0] as Session;
    const E = sessionWith<Session>(repo.root, 'Add four', { [SHARED]: `${A_SHARED}export const four = 4;\n` });

    await page.getByTestId('nav-board').click();
    const badgeC = page.getByTestId(`radar-badge-${C.id}`);
    await expect.poll(() => badgeC.textContent(), { timeout: 15_000 }).toBe('⚠ conflicts with base');
    await page.getByTestId(`session-card-${D.id}`).waitFor();
    await page.getByTestId(`session-card-${E.id}`).waitFor();
    // The radar has seen both new sessions (quiet: E only overlaps C, cleanly) before the badges are judged.
    await page.getByTestId('nav-radar').click();
    const quiet = page.getByTestId('radar-quiet');
    await expect.poll(async () => (await quiet.count()) > 0 && (await quiet.textContent())?.includes(E.id) && (await quiet.textContent())?.includes(D.id), { timeout: 15_000 }).toBe(true);
    const rows = page.getByTestId('radar-files').locator(':scope > li');
    await expect.poll(() => rows.count()).toBe(1);
    // C against main, said as main having moved: no session is blamed.
    expect(await rows.first().getAttribute('data-sessions')).toBe(C.id);
    expect(await rows.first().textContent()).toContain('Would conflict with main, which moved since it started');
    await page.getByTestId('nav-board').click();
    await page.getByTestId(`session-card-${E.id}`).waitFor();
    expect(await page.getByTestId(`radar-badge-${D.id}`).count()).toBe(0);
    expect(await page.getByTestId(`radar-badge-${E.id}`).count()).toBe(0);
    expect(await page.getByTestId('nav-radar-count').textContent()).toBe('1');
    // Out of the way of the train below.
    for (const s of [D, E]) expect(council(['session', 'remove', s.id, '--force'], { cwd: repo.root }).code).toBe(0);
  });

  it('three sessions queued together land as one train, and the screen says so in one notice, not three', async () => {
    const { page } = app;
    await page.getByTestId('nav-queue').click();
    const before = rev('main');
    const train = ['d', 'e', 'f'].map((x) => sessionWith<Session>(repo.root, `Add ${x}`, { [`src/${x}.ts`]: `export const ${x} = true;\n` }));
    // Queued together, then run by another process (what `council queue run` does).
    const core = Council.open(repo.root);
    const line = new MergeQueue(core.ws);
    for (const s of train) await line.enqueue(s.id, { strategy: 'merge', gate: null });
    const run = await processQueue(core);
    expect(run.settled.map((e) => e.state)).toEqual(['merged', 'merged', 'merged']);
    expect(gitSync(repo.root, 'rev-list', '--first-parent', '--count', `${before}..main`)).toBe('3');

    const notice = page.getByTestId('queue-merged-together-notice');
    await expect.poll(() => notice.textContent(), { timeout: 15_000 }).toContain('Merged 3 sessions into main');
    expect(await notice.textContent()).toContain(`now at ${rev('main').slice(0, 7)}`);
    for (const s of train) {
      await expect.poll(() => entryRow(s.id).getAttribute('data-state'), { timeout: 15_000 }).toBe('merged');
      expect(await page.getByTestId(`queue-merged-notice-${s.id}`).count()).toBe(0);
    }
    await screenshot(page, 'queue-train');
  });
});
