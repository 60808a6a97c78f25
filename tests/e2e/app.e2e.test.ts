import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Session } from '../../shared/models';
import { council, councilJson } from '../helpers/cli';
import { gitSync, makeRepo, tempDir, writeIn, type TestRepo } from '../helpers/repo';
import { browserUnavailable, openApp, openRepo, screenshot, type Harness } from './browser';

/**
 * End to end: the built renderer in Debian’s Chromium, through a real `council serve` process, on a real repo,
 * with the real CLI changing things from outside — what a user would see and do.
 */
const unavailable = browserUnavailable();
if (unavailable) console.warn(`\n⚠ SKIPPING the browser end-to-end tests: ${unavailable}\n`);

describe.skipIf(unavailable !== null)('the app in a browser', () => {
  let app: Harness;
  let repo: TestRepo;

  beforeAll(async () => {
    repo = makeRepo({ 'README.md': '# demo\n', 'src/a.ts': 'export const a = 1;\n', 'src/b.ts': 'export const b = 2;\n' });
    app = await openApp();
  });

  afterAll(async () => {
    await app?.close();
  });

  const card = (id: string) => app.page.getByTestId(`session-card-${id}`);
  const sessions = (): Session[] => {
    const run = councilJson<{ id: string }[]>(['session', 'list'], { cwd: repo.root });
    if (!run.result.ok) throw new Error(run.result.error.message);
    return run.result.value as Session[];
  };

  it('refuses a folder that is not a repository with a clear message, then opens a repository', async () => {
    const { page } = app;
    await screenshot(page, '01-open-repository');
    await page.getByTestId('repo-path-input').fill(tempDir());
    await page.getByTestId('repo-open-button').click();
    await expect.poll(() => page.getByTestId('open-error').textContent()).toContain('not inside a git repository');
    await openRepo(page, repo.root);
    await expect.poll(() => page.getByTestId('empty-state').textContent()).toContain('No sessions yet');
    await screenshot(page, '02-board-empty');
  });

  it('shows sessions created from the UI and from the CLI on the board', async () => {
    const { page } = app;
    await page.getByTestId('new-session-button').click();
    await page.getByTestId('new-session-task').fill('Add a login form');
    // The agents this host can find: none (no agent CLI on its PATH), each saying why; "No agent"
    // makes a plain worktree, the one this test writes into by hand.
    await expect.poll(() => page.getByTestId('new-session-agent-claude-option').textContent()).toContain('not on PATH');
    expect(await page.getByTestId('new-session-agent-claude').isDisabled()).toBe(true);
    await page.getByTestId('new-session-agent-none').check();
    await expect.poll(() => page.getByTestId('new-session-submit').textContent()).toBe('Create session');
    await page.getByTestId('new-session-submit').click();
    await expect.poll(() => sessions().length).toBe(1);
    const fromUi = sessions()[0]!;
    await card(fromUi.id).waitFor();

    const created = councilJson<Session[]>(['session', 'create', '--task', 'Refactor the API', '--agent', 'codex', '--no-start'], { cwd: repo.root });
    if (!created.result.ok) throw new Error(created.result.error.message);
    const fromCli = created.result.value[0]!;
    // The app watches the shared state: the CLI's session shows up without a reload.
    await card(fromCli.id).waitFor({ timeout: 2000 });
    expect(await card(fromUi.id).textContent()).toContain('Add a login form');
    expect(await card(fromCli.id).textContent()).toContain('Refactor the API');

    council(['context', 'update', '--session', fromCli.id, '--status', 'working', '--file', 'src/a.ts', '--progress', '2/5'], { cwd: repo.root });
    await expect.poll(() => card(fromCli.id).getAttribute('data-status')).toBe('working');
    expect(await card(fromCli.id).textContent()).toContain('src/a.ts');
    await screenshot(page, '03-board');
  });

  it('shows a file written in a worktree in that session’s diff, live, in unified and split views', async () => {
    const { page } = app;
    const s = sessions().find((x) => x.task === 'Add a login form')!;
    expect(s.agent).toBeNull();
    await card(s.id).click();
    await page.getByTestId('session-view').waitFor();
    // A session without an agent opens on its diff.
    expect(await page.getByTestId('tab-diff').getAttribute('aria-selected')).toBe('true');
    await expect.poll(() => page.getByTestId('empty-state').count()).toBeGreaterThan(0);

    const written = Date.now();
    writeIn(s.worktreePath, 'src/login.ts', 'export function login(user: string) {\n  return user.length > 0;\n}\n');
    writeIn(s.worktreePath, 'src/a.ts', 'export const a = 42;\n');
    await page.getByTestId('diff-file-src/login.ts').waitFor({ timeout: 1000 });
    console.log(`edit → file listed in the diff: ${Date.now() - written} ms`);

    await page.getByTestId('diff-file-src/a.ts').click();
    // Every file in one scroll: src/a.ts's own section.
    const viewer = page.getByTestId('diff-section-src/a.ts');
    await expect.poll(() => viewer.textContent()).toContain('export const a = 42;');
    await page.getByTestId('diff-mode-unified').click();
    await expect.poll(() => viewer.locator('table.diff-unified').count()).toBe(1);
    await screenshot(page, '04-diff-unified');
    await page.getByTestId('diff-mode-split').click();
    await expect.poll(() => viewer.locator('table.diff-split').count()).toBe(1);
    await screenshot(page, '05-diff-split');

    // Still live while the file is shown.
    writeIn(s.worktreePath, 'src/a.ts', 'export const a = 43;\n');
    await expect.poll(() => viewer.textContent(), { timeout: 2000 }).toContain('export const a = 43;');
  });

  it('shows a lock taken from the CLI in the locks view', async () => {
    const { page } = app;
    const s = sessions().find((x) => x.task === 'Refactor the API')!;
    expect(council(['lock', 'acquire', 'src/b.ts', '--session', s.id], { cwd: repo.root }).code).toBe(0);
    await page.getByTestId('nav-locks').click();
    const row = page.getByTestId('lock-row-src/b.ts');
    await row.waitFor({ timeout: 2000 });
    expect(await row.textContent()).toContain(s.id);
    await screenshot(page, '06-locks');
  });

  it('asks before removing a session with unmerged work, and says where the work is kept', async () => {
    const { page } = app;
    const s = sessions().find((x) => x.task === 'Add a login form')!;
    gitSync(s.worktreePath, 'add', '-A');
    gitSync(s.worktreePath, 'commit', '-q', '-m', 'login form');
    await page.getByTestId('nav-board').click();
    await page.getByTestId(`session-remove-${s.id}`).click();
    const warning = page.getByTestId('remove-dialog-warning');
    await expect.poll(() => warning.textContent()).toContain('1 unmerged commit');
    await screenshot(page, '07-remove-asks');
    // Cancel keeps everything.
    await page.getByTestId('remove-cancel').click();
    expect(sessions().map((x) => x.id)).toContain(s.id);

    await page.getByTestId(`session-remove-${s.id}`).click();
    await page.getByTestId('remove-confirm').click();
    await expect.poll(() => page.getByTestId('archive-notice').textContent()).toMatch(/refs\/council\/archive\/[0-9a-f]{6}-/);
    await expect.poll(() => card(s.id).count()).toBe(0);
    const archived = /refs\/council\/archive\/[0-9a-f]{6}-\d{8}T\d{6}Z/.exec((await page.getByTestId('archive-notice').textContent()) ?? '')?.[0];
    expect(gitSync(repo.root, 'show', `${archived}:src/login.ts`)).toContain('export function login');
  });

  it('saves settings', async () => {
    const { page } = app;
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('settings-stale-minutes').fill('45');
    await page.getByTestId('settings-save').click();
    await expect.poll(() => readFileSync(path.join(repo.root, '.git', 'council', 'settings.json'), 'utf8')).toContain('"staleAfterMinutes": 45');
    await screenshot(page, '08-settings');
  });

  it('looks right in the dark theme too', async () => {
    const { page } = app;
    await page.getByTestId('nav-board').click();
    await page.getByTestId('theme-toggle').click();
    await screenshot(page, '09-board-dark');
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const [r, g, b] = (background.match(/\d+/g) ?? []).map(Number);
    expect((r ?? 255) + (g ?? 255) + (b ?? 255)).toBeLessThan(200);
  });

  it('refuses requests and sockets without the token', async () => {
    const { host } = app;
    const origin = `http://127.0.0.1:${host.port}`;
    expect((await fetch(`${origin}/`)).status).toBe(401);
    expect((await fetch(`${origin}/?token=wrong`)).status).toBe(401);
    const invoke = await fetch(`${origin}/api/invoke`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ command: 'sessions.list', input: { repo: repo.root } }) });
    expect(invoke.status).toBe(401);
    const status = await new Promise<number>((resolve) => {
      const socket = new WebSocket(`ws://127.0.0.1:${host.port}/api/events`);
      socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      socket.on('open', () => resolve(101));
      socket.on('error', () => undefined);
    });
    expect(status).toBe(401);
  });
});
