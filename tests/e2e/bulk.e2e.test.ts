import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../shared/models';
import { councilJson } from '../helpers/cli';
import { gitSync, makeRepo, writeIn, type TestRepo } from '../helpers/repo';
import { browserUnavailable, openApp, openRepo, screenshot, type Harness } from './browser';

/**
 * Issue 14, item 1: bulk actions on a selection of sessions (stop, merge, remove), with the rules
 * each has alone: nothing is forced, a session with unmerged work is kept and named, and what was
 * refused does not stop the rest; a merged session is folded away on the board. Real Chromium,
 * the browser host, real git.
 */
const unavailable = browserUnavailable();
if (unavailable) console.warn(`\n⚠ SKIPPING the bulk action browser tests: ${unavailable}\n`);

describe.skipIf(unavailable !== null)('acting on several sessions at once', () => {
  let app: Harness;
  let repo: TestRepo;
  let s: Session[];

  beforeAll(async () => {
    repo = makeRepo({ 'README.md': '# demo\n' });
    const created = councilJson<Session[]>(['session', 'create', '--task', 'Bulk', '--count', '3', '--no-start'], { cwd: repo.root });
    if (!created.result.ok) throw new Error(created.result.error.message);
    s = created.result.value;
    // The first has work of its own, committed: removing it would lose it.
    const first = s[0] as Session;
    writeIn(first.worktreePath, 'feature.txt', 'the work of the first session\n');
    gitSync(first.worktreePath, 'add', '-A');
    gitSync(first.worktreePath, 'commit', '-qm', 'work of the first session');
    app = await openApp();
  });

  afterAll(async () => {
    await app?.close();
  });

  const select = async (ids: readonly string[]) => {
    const { page } = app;
    if ((await page.getByTestId('compare-selected-count').count()) === 0) await page.getByTestId('compare-select-button').click();
    for (const id of ids) await page.getByTestId(`session-select-${id}`).check();
  };

  it('stops, removes and merges a selection, each session by its own rules, and says what it left alone', async () => {
    const [first, second, third] = s as [Session, Session, Session];
    const { page } = app;
    await openRepo(page, repo.root);
    await select([first.id, second.id, third.id]);

    // Stop: no agent runs in any, so none is stopped, and each says so.
    await page.getByTestId('bulk-stop').click();
    const stopped = page.getByTestId('bulk-outcome');
    await expect.poll(() => stopped.textContent()).toContain('No session stopped, 3 left as they were');
    expect(await stopped.textContent()).toContain(`${first.id}: no agent was running`);
    await page.getByRole('button', { name: /dismiss/i }).first().click();

    // Remove asks first; then removes the two without work of their own and keeps the first.
    await page.getByTestId('bulk-remove').click();
    expect(await page.getByTestId('bulk-remove-question').textContent()).toContain('Remove 3 sessions?');
    await page.getByTestId('bulk-remove-confirm').click();
    const removed = page.getByTestId('bulk-outcome');
    await expect.poll(() => removed.textContent(), { timeout: 20_000 }).toContain('2 sessions removed, 1 left as it was');
    expect(await removed.textContent()).toContain(`${first.id}:`);
    await screenshot(page, 'bulk-remove-outcome');
    await expect.poll(() => page.locator('[data-testid^="session-card-"][data-testid$="' + second.id + '"]').count()).toBe(0);
    expect(await page.getByTestId(`session-card-${first.id}`).count()).toBe(1);
    expect(gitSync(first.worktreePath, 'log', '-1', '--format=%s').trim()).toBe('work of the first session');

    // The removed ones are one click away beside a session, with what was kept of them.
    await page.getByRole('button', { name: /dismiss/i }).first().click();
    await page.getByTestId('compare-cancel-selection').click();
    await page.getByTestId(`session-open-${first.id}`).click();
    await page.getByTestId('attention-show-archived').click();
    await expect.poll(() => page.getByTestId('attention-count-removed').textContent(), { timeout: 10_000 }).toBe('2');
    for (const gone of [second, third]) expect(await page.getByTestId(`attention-removed-${gone.id}`).textContent()).toContain('nothing unmerged to keep');
    await screenshot(page, 'attention-removed');
    await page.keyboard.press('Escape');

    // Merge: the one left goes through the queue into the base.
    await select([first.id]);
    await page.getByTestId('bulk-merge').click();
    await expect.poll(() => page.getByTestId('bulk-outcome').textContent()).toContain('1 session sent to the merge queue');
    await expect.poll(() => gitSync(repo.root, 'log', 'main', '--format=%s'), { timeout: 30_000 }).toContain('work of the first session');

    // Merged, it is folded away on the board (one click shows it), and still there in the registry.
    const toggle = page.getByTestId('board-toggle-merged');
    await expect.poll(() => toggle.textContent(), { timeout: 15_000 }).toBe('Show 1 merged');
    expect(await page.getByTestId(`session-card-${first.id}`).count()).toBe(0);
    await toggle.click();
    await expect.poll(() => page.getByTestId(`session-card-${first.id}`).count()).toBe(1);
    expect(await toggle.textContent()).toBe('Hide 1 merged');
  });
});
