import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../shared/models';
import { addressOf } from '../../renderer/src/app/address';
import { council, councilJson } from '../helpers/cli';
import { gitSync, makeRepo, writeIn, type TestRepo } from '../helpers/repo';
import { browserUnavailable, openApp, openRepo, screenshot, type Harness } from './browser';

/**
 * Issue 14, item 1: beside a session's work, every session in the order a supervisor acts on them
 * (needs input, parked, ready for review, failed, then working, then idle), with counts, live as
 * statuses change; choosing one opens it on the same tab. Real Chromium, the browser host, and
 * statuses set through the real CLI.
 */
const unavailable = browserUnavailable();
if (unavailable) console.warn(`\n⚠ SKIPPING the attention list browser tests: ${unavailable}\n`);

describe.skipIf(unavailable !== null)('the attention-first session list', () => {
  let app: Harness;
  let repo: TestRepo;
  let s: Session[];
  /** Every command the page sent, in order. */
  const commands: string[] = [];

  beforeAll(async () => {
    repo = makeRepo({ 'README.md': '# demo\n' });
    const created = councilJson<Session[]>(['session', 'create', '--task', 'Attention', '--count', '4', '--no-start'], { cwd: repo.root });
    if (!created.result.ok) throw new Error(created.result.error.message);
    s = created.result.value;
    app = await openApp();
    app.page.on('request', (request) => {
      if (!request.url().includes('/api/invoke')) return;
      const body: unknown = JSON.parse(request.postData() ?? '{}');
      commands.push(String((body as { command?: unknown }).command));
    });
  });

  afterAll(async () => {
    await app?.close();
  });

  const setStatus = (session: Session, status: string) => {
    const run = council(['context', 'update', '-s', session.id, '--status', status], { cwd: repo.root });
    if (run.code !== 0) throw new Error(run.stderr);
  };
  /** The list's sessions in the order shown, each with its group. */
  const shown = () =>
    app.page.locator('[data-testid^="attention-group-"]').evaluateAll((groups) =>
      groups.flatMap((g) => [...g.querySelectorAll('[data-testid^="attention-item-"]')].map((item) => `${g.getAttribute('data-testid')?.slice('attention-group-'.length)}:${item.getAttribute('data-testid')?.slice('attention-item-'.length)}`)),
    );

  it('shows what needs the person first, with counts, re-sorts live, and opens a session on the same tab', async () => {
    const [a, b, c, d] = s as [Session, Session, Session, Session];
    setStatus(a, 'working');
    setStatus(b, 'needs-input');
    setStatus(c, 'done');
    // d stays idle
    const { page } = app;
    await openRepo(page, repo.root);
    await page.getByTestId(`session-open-${a.id}`).click();
    await page.getByTestId('tab-context').click();

    await expect.poll(shown, { timeout: 15_000 }).toEqual([`needs-input:${b.id}`, `review:${c.id}`, `working:${a.id}`, `rest:${d.id}`]);
    expect(await page.getByTestId('attention-needing').getAttribute('data-count')).toBe('2');
    expect(await page.getByTestId('attention-count-working').textContent()).toBe('1');
    expect(await page.getByTestId(`attention-item-${a.id}`).getAttribute('aria-current')).toBe('page');

    // A status change from outside the app (an agent's hook, the CLI) re-sorts the list.
    setStatus(d, 'failed');
    await expect.poll(shown, { timeout: 15_000 }).toEqual([`needs-input:${b.id}`, `review:${c.id}`, `failed:${d.id}`, `working:${a.id}`]);
    expect(await page.getByTestId('attention-needing').getAttribute('data-count')).toBe('3');
    await screenshot(page, 'attention-list');

    // Choosing a session opens it on the tab on show, at its own address.
    await page.getByTestId(`attention-item-${b.id}`).click();
    await expect.poll(() => new URL(page.url()).hash).toBe(addressOf({ repo: repo.root, route: { view: 'session', sessionId: b.id, tab: 'context' } }));
    expect(await page.getByTestId(`attention-item-${b.id}`).getAttribute('aria-current')).toBe('page');
    expect(await page.getByTestId('session-branch').textContent()).toContain(b.id);
  });

  it('answers its one-key shortcuts: ? lists them, a goes to the next that needs you, 1–9 jump, Esc goes back, n starts a session', async () => {
    const [a, b, c, d] = s as [Session, Session, Session, Session];
    const { page } = app;
    // as the first test left them: b needs input, c done, d failed, a working
    await expect.poll(shown, { timeout: 15_000 }).toEqual([`needs-input:${b.id}`, `review:${c.id}`, `failed:${d.id}`, `working:${a.id}`]);
    const showing = async () => ((await page.getByTestId('session-view').isVisible()) ? ((await page.getByTestId('session-branch').textContent()) ?? '').slice(-6) : 'board');

    await page.keyboard.press('Escape');
    await expect.poll(showing).toBe('board');
    await page.keyboard.press('?');
    await page.getByTestId('shortcut-help').waitFor();
    await screenshot(page, 'shortcut-help');
    await page.keyboard.press('Escape'); // closes the help, and only the help
    await expect.poll(() => page.getByTestId('shortcut-help').count()).toBe(0);
    expect(await showing()).toBe('board');

    for (const next of [b, c, d, b]) {
      await page.keyboard.press('a');
      await expect.poll(showing).toBe(next.id);
    }
    await page.keyboard.press('4');
    await expect.poll(showing).toBe(a.id);
    await page.keyboard.press('1');
    await expect.poll(showing).toBe(b.id);
    // Seven sessions opened, each with its agent picker, but the agent programs detected once:
    // detection runs every agent CLI (seconds of CPU) and would slow each opening down.
    expect(await page.locator('[data-testid="run-preset"], [data-testid="follow-up-preset"]').count()).toBeGreaterThan(0);
    expect(commands.filter((c) => c === 'agents.list')).toHaveLength(1);

    // Keys typed into a field are the field's.
    await page.getByTestId('tab-context').click();
    const agentPicker = page.locator('select').first();
    await agentPicker.focus();
    await page.keyboard.press('n');
    await page.keyboard.press('2');
    await page.waitForTimeout(200);
    expect(await page.getByTestId('new-session-dialog').count()).toBe(0);
    expect(await showing()).toBe(b.id);
    await agentPicker.evaluate((el) => (el as HTMLElement).blur());

    await page.keyboard.press('Escape');
    await expect.poll(showing).toBe('board');
    await page.keyboard.press('n');
    await page.getByTestId('new-session-dialog').waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('new-session-dialog').count()).toBe(0);

    // A clicked checkbox keeps the focus but is not a text field: the shortcuts still answer.
    await page.getByTestId('compare-select-button').click();
    await page.getByTestId(`session-select-${a.id}`).click();
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.type)).toBe('checkbox');
    await page.keyboard.press('?');
    await page.getByTestId('shortcut-help').waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('shortcut-help').count()).toBe(0);
    await page.getByTestId('compare-cancel-selection').click();
  });

  it("copies a session's branch and worktree path (issue 14, item 5)", async () => {
    const [a] = s as [Session];
    const { page } = app;
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.getByTestId(`attention-item-${a.id}`).or(page.getByTestId(`session-open-${a.id}`)).first().click();
    await page.getByTestId('copy-branch').click();
    await expect.poll(() => page.getByTestId('copy-branch').textContent()).toBe('Copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(a.branch);
    await page.getByTestId('copy-worktree').click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(a.worktreePath);
    expect(await page.getByTestId('session-branch').textContent()).toBe(a.branch);
  });

  it('a session merged with plain git in the main checkout (outside the queue) moves to the Merged fold within seconds, without a reload', async () => {
    const [a, b, c, d] = s as [Session, Session, Session, Session];
    const { page } = app;
    await page.getByTestId(`attention-item-${a.id}`).click();
    await expect.poll(shown, { timeout: 15_000 }).toEqual([`needs-input:${b.id}`, `review:${c.id}`, `failed:${d.id}`, `working:${a.id}`]);
    expect(await page.getByTestId('attention-show-archived').textContent()).toBe('Merged and removed');

    // c's work, committed in its worktree and merged by hand: no queue, no council command.
    writeIn(c.worktreePath, 'done.txt', 'c was here\n');
    gitSync(c.worktreePath, 'add', '-A');
    gitSync(c.worktreePath, 'commit', '-q', '-m', 'c: done');
    // Let the radar's own compute for that commit (its worktree watcher, 300 ms debounce) pass, so
    // that only the base branch moving can tell it about the merge.
    await page.waitForTimeout(2000);
    const started = Date.now();
    gitSync(repo.root, 'merge', '--no-ff', '-q', '-m', `merge ${c.branch} by hand`, c.branch);

    await expect.poll(shown, { timeout: 10_000 }).toEqual([`needs-input:${b.id}`, `failed:${d.id}`, `working:${a.id}`]);
    const took = Date.now() - started;
    expect(await page.getByTestId('attention-show-archived').textContent()).toBe('Merged and removed (1 merged)');
    await page.getByTestId('attention-show-archived').click();
    await expect.poll(() => page.getByTestId('attention-group-archived').locator(`[data-testid="attention-item-${c.id}"]`).count()).toBe(1);
    await screenshot(page, 'attention-merged-outside-queue');

    // The board folds it away too.
    await page.keyboard.press('Escape');
    await page.getByTestId('board-toggle-merged').waitFor();
    expect(await page.getByTestId('board-toggle-merged').textContent()).toBe('Show 1 merged');
    expect(await page.getByTestId(`session-open-${c.id}`).count()).toBe(0);
    expect(await page.getByTestId(`session-open-${b.id}`).count()).toBe(1);
    await screenshot(page, 'board-merged-outside-queue');
    console.log(`merged outside the queue → in the Merged fold after ${took} ms`);
  });
});
