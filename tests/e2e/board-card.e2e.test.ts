import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../shared/models';
import { councilJson } from '../helpers/cli';
import { gitSync, makeRepo, writeIn, type TestRepo } from '../helpers/repo';
import { browserUnavailable, openApp, openRepo, screenshot, SCREENSHOTS, type Harness } from './browser';

/**
 * Issue 12, item 9: a card's footer (locks, the +N −M count, Remove) keeps every control inside the
 * card, however long the count; a narrow card wraps instead of clipping "Remove".
 */
const unavailable = browserUnavailable();
if (unavailable) console.warn(`\n⚠ SKIPPING the board card browser tests: ${unavailable}\n`);

describe.skipIf(unavailable !== null)('a session card', () => {
  let app: Harness;
  let repo: TestRepo;

  beforeAll(async () => {
    repo = makeRepo({ 'README.md': '# demo\n' });
    app = await openApp();
  });

  afterAll(async () => {
    await app?.close();
  });

  it('shows "Remove" whole beside a long +N −M count, at every board width', async () => {
    const created = councilJson<Session[]>(['session', 'create', '--task', 'Rewrite the parser', '--no-start'], { cwd: repo.root });
    if (!created.result.ok) throw new Error(created.result.error.message);
    const session = created.result.value[0] as Session;
    // 12 files, thousands of lines added and removed: the longest counts a card shows.
    const lines = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag} ${i}`).join('\n');
    writeIn(repo.root, 'big.txt', `${lines(2000, 'old')}\n`);
    gitSync(repo.root, 'add', '-A');
    gitSync(repo.root, 'commit', '-qm', 'big file');
    gitSync(session.worktreePath, 'merge', '-q', 'main');
    writeIn(session.worktreePath, 'big.txt', `${lines(1500, 'new')}\n`);
    for (let i = 0; i < 11; i++) writeIn(session.worktreePath, `src/file-${i}.ts`, `${lines(1000, 'line')}\n`);
    gitSync(session.worktreePath, 'add', '-A');
    gitSync(session.worktreePath, 'commit', '-qm', 'rewrite');

    const { page } = app;
    await openRepo(page, repo.root);
    const stats = page.getByTestId(`session-card-changes-${session.id}`);
    await expect.poll(() => stats.getAttribute('data-count'), { timeout: 15_000 }).toBe('12');
    expect(await stats.textContent()).toMatch(/\+\d{5} −\d{4}/);

    const card = page.getByTestId(`session-card-${session.id}`);
    const remove = page.getByTestId(`session-remove-${session.id}`);
    for (const width of [1280, 1000, 760, 420]) {
      await page.setViewportSize({ width, height: 800 });
      await page.waitForTimeout(100);
      const cardBox = await card.boundingBox();
      const removeBox = await remove.boundingBox();
      const statsBox = await stats.boundingBox();
      if (cardBox === null || removeBox === null || statsBox === null) throw new Error(`width ${width}: the card, its count or Remove has no box`);
      expect(removeBox.x, `width ${width}`).toBeGreaterThanOrEqual(cardBox.x);
      expect(removeBox.x + removeBox.width, `width ${width}: Remove's right edge inside the card`).toBeLessThanOrEqual(cardBox.x + cardBox.width);
      expect(statsBox.x + statsBox.width, `width ${width}: the count inside the card`).toBeLessThanOrEqual(cardBox.x + cardBox.width);
      // Not drawn over the count either.
      const overlaps = removeBox.x < statsBox.x + statsBox.width && statsBox.x < removeBox.x + removeBox.width && removeBox.y < statsBox.y + statsBox.height && statsBox.y < removeBox.y + removeBox.height;
      expect(overlaps, `width ${width}: Remove overlaps the count`).toBe(false);
      if (width === 1000) await screenshot(page, 'card-footer-long-count');
    }
    await card.screenshot({ path: path.join(SCREENSHOTS, 'card-footer-narrow.png') });
  });
});
