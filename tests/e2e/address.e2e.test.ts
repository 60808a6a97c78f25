import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../shared/models';
import { addressOf } from '../../renderer/src/app/address';
import type { Route } from '../../renderer/src/app/navigation';
import { councilJson } from '../helpers/cli';
import { gitSync, makeRepo, writeIn, type TestRepo } from '../helpers/repo';
import { browserUnavailable, openApp, openRepo, screenshot, type Harness } from './browser';

/**
 * Issue 14, item 1: every session and tab has its own address. In real Chromium through the
 * browser host: the address follows every move, Back and Forward walk the moves, a reload comes
 * back to the same screen, and an address typed into the bar opens that screen.
 */
const unavailable = browserUnavailable();
if (unavailable) console.warn(`\n⚠ SKIPPING the address browser tests: ${unavailable}\n`);

describe.skipIf(unavailable !== null)('screen addresses in the browser', () => {
  let app: Harness;
  let repo: TestRepo;
  let a: Session;
  let b: Session;

  beforeAll(async () => {
    repo = makeRepo({ 'README.md': '# demo\n' });
    const created = councilJson<Session[]>(['session', 'create', '--task', 'Address me', '--count', '2', '--no-start'], { cwd: repo.root });
    if (!created.result.ok) throw new Error(created.result.error.message);
    [a, b] = created.result.value as [Session, Session];
    app = await openApp();
  });

  afterAll(async () => {
    await app?.close();
  });

  const at = (route: Route) => addressOf({ repo: repo.root, route });
  const hash = () => new URL(app.page.url()).hash;
  /** The screen on show, as the page says it. */
  const onShow = async (): Promise<string> => {
    const { page } = app;
    if (await page.getByTestId('session-view').isVisible()) {
      const branch = (await page.getByTestId('session-branch').textContent()) ?? '';
      const tab = await page.locator('[role="tab"][aria-selected="true"]').getAttribute('data-testid');
      return `session ${branch.includes(a.id) ? a.id : branch.includes(b.id) ? b.id : '?'} ${tab ?? '?'}`;
    }
    const current = await page.locator('nav.app-nav [aria-current="page"]').getAttribute('data-testid');
    return current ?? 'none';
  };

  it('follows every move; Back, Forward, reload and a typed address land on the same screen', async () => {
    const { page } = app;
    await openRepo(page, repo.root);
    await expect.poll(hash).toBe(at({ view: 'board' }));

    await page.getByTestId(`session-open-${a.id}`).click();
    await expect.poll(hash).toBe(at({ view: 'session', sessionId: a.id, tab: 'diff' }));
    await page.getByTestId('tab-context').click();
    await expect.poll(hash).toBe(at({ view: 'session', sessionId: a.id, tab: 'context' }));
    await page.getByTestId('nav-radar').click();
    await expect.poll(hash).toBe(at({ view: 'radar', focus: null }));
    expect(await onShow()).toBe('nav-radar');

    // Back and Forward walk the same moves.
    await page.goBack();
    await expect.poll(onShow).toBe(`session ${a.id} tab-context`);
    await page.goBack();
    await expect.poll(onShow).toBe(`session ${a.id} tab-diff`);
    await page.goBack();
    await expect.poll(onShow).toBe('nav-board');
    await page.goForward();
    await expect.poll(onShow).toBe(`session ${a.id} tab-diff`);
    expect(hash()).toBe(at({ view: 'session', sessionId: a.id, tab: 'diff' }));

    // A reload comes back to the same session and tab (and Back still works after it).
    await page.getByTestId('tab-locks').click();
    await expect.poll(hash).toBe(at({ view: 'session', sessionId: a.id, tab: 'locks' }));
    await page.reload();
    await expect.poll(onShow, { timeout: 15_000 }).toBe(`session ${a.id} tab-locks`);
    await page.goBack();
    await expect.poll(onShow).toBe(`session ${a.id} tab-diff`);

    // An address typed into the bar: another session's tab, then the queue.
    await page.evaluate((address) => {
      window.location.hash = address;
    }, at({ view: 'session', sessionId: b.id, tab: 'events' }));
    await expect.poll(onShow).toBe(`session ${b.id} tab-events`);
    await screenshot(page, 'address-session-events');
    await page.evaluate((address) => {
      window.location.hash = address;
    }, at({ view: 'queue', focus: null }));
    await expect.poll(onShow).toBe('nav-queue');

    // One that names nothing (a page's own fragment, a typo) changes nothing.
    await page.evaluate(() => {
      window.location.hash = '#/nowhere?repo=%2Fnope';
    });
    await page.waitForTimeout(300);
    expect(await onShow()).toBe('nav-queue');
  });

  it('opens a fresh tab at the address it is given, repository and screen', async () => {
    const { page, host } = app;
    // The same tab keeps its sign-in across a navigation to a new document (the token is in the
    // tab's storage): load the app anew at another screen's address.
    const url = new URL(host.url);
    url.searchParams.delete('token');
    url.hash = at({ view: 'session', sessionId: b.id, tab: 'context' });
    await page.goto('about:blank'); // away first: a URL that differs only in its fragment would not load the page anew
    await page.goto(url.toString());
    await expect.poll(onShow, { timeout: 15_000 }).toBe(`session ${b.id} tab-context`);
    expect(hash()).toBe(at({ view: 'session', sessionId: b.id, tab: 'context' }));
  });

  it("names the diff's view and file: a commit's diff by link, Back to the view before, a reload keeps it", async () => {
    const { page, host } = app;
    // a: two commits (one.txt, then two.txt) and an uncommitted three.txt
    writeIn(a.worktreePath, 'one.txt', 'one\n');
    gitSync(a.worktreePath, 'add', '-A');
    gitSync(a.worktreePath, 'commit', '-qm', 'one');
    writeIn(a.worktreePath, 'two.txt', 'two\n');
    gitSync(a.worktreePath, 'add', '-A');
    gitSync(a.worktreePath, 'commit', '-qm', 'two');
    const [second, first] = gitSync(a.worktreePath, 'log', '--format=%H', '-2').trim().split('\n') as [string, string];
    writeIn(a.worktreePath, 'three.txt', 'three\n');
    const shown = () => page.locator('[data-testid^="diff-section-"]').evaluateAll((els) => els.map((el) => el.getAttribute('data-path')).join(' '));
    const picked = () => page.locator('[data-testid^="diff-view-"][aria-pressed="true"]').getAttribute('data-testid');

    await page.evaluate((address) => {
      window.location.hash = address;
    }, at({ view: 'session', sessionId: a.id, tab: 'diff' }));
    await expect.poll(shown, { timeout: 15_000 }).toBe('one.txt three.txt two.txt');
    // The commit view opens on the newest commit (picked by the app: it replaces the entry).
    await page.getByTestId('diff-view-commit').click();
    await expect.poll(hash).toBe(at({ view: 'session', sessionId: a.id, tab: 'diff', diff: { view: { kind: 'commit', sha: second } } }));
    await expect.poll(shown).toBe('two.txt');
    await page.getByTestId(`diff-commit-${first}`).click();
    await expect.poll(hash).toBe(at({ view: 'session', sessionId: a.id, tab: 'diff', diff: { view: { kind: 'commit', sha: first } } }));
    expect(hash()).toContain(`&view=commit&sha=${first}`);
    await expect.poll(shown).toBe('one.txt');

    // Back: the newest commit, then all changes; Forward twice: the first commit again.
    await page.goBack();
    await expect.poll(shown).toBe('two.txt');
    expect(await picked()).toBe('diff-view-commit');
    await page.goBack();
    await expect.poll(picked).toBe('diff-view-base');
    await expect.poll(shown).toBe('one.txt three.txt two.txt');
    await page.goForward();
    await page.goForward();
    await expect.poll(shown).toBe('one.txt');
    expect(await picked()).toBe('diff-view-commit');

    // A reload keeps the commit's diff.
    await page.reload();
    await expect.poll(shown, { timeout: 15_000 }).toBe('one.txt');
    expect(await picked()).toBe('diff-view-commit');
    expect(await page.getByTestId(`diff-commit-${first}`).getAttribute('aria-current')).toBe('true');

    // A link, in a fresh page: the other commit's diff, landing on its file; the uncommitted view.
    const url = new URL(host.url);
    url.searchParams.delete('token');
    url.hash = at({ view: 'session', sessionId: a.id, tab: 'diff', diff: { view: { kind: 'commit', sha: second }, file: 'two.txt' } });
    await page.goto('about:blank');
    await page.goto(url.toString());
    await expect.poll(shown, { timeout: 15_000 }).toBe('two.txt');
    expect(await picked()).toBe('diff-view-commit');
    await page.evaluate((address) => {
      window.location.hash = address;
    }, at({ view: 'session', sessionId: a.id, tab: 'diff', diff: { view: { kind: 'uncommitted' } } }));
    await expect.poll(shown).toBe('three.txt');
    expect(await picked()).toBe('diff-view-uncommitted');
    await screenshot(page, 'address-diff-uncommitted');
  });
});
