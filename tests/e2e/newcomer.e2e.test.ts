import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionContextView, Session } from '../../shared/models';
import { Council } from '../../electron/core/council';
import { REPO_ROOT, councilJson, sessionsIn } from '../helpers/cli';
import { makeRepo, type TestRepo } from '../helpers/repo';
import { requireCli, testUser } from '../agents/harness';
import { startModelServer, type ModelServer } from '../support/model-server/index';
import { browserUnavailable, envWithoutAgents, openApp, openRepo, screenshot, startServe, type Harness, type ServeProcess } from './browser';

/**
 * Issue 12: the newcomer's 25 minutes in miniature, in one sitting — the built renderer in Chromium,
 * a real `council serve`, real git, the real Claude Code against our scripted model server:
 * a plain session edited from a shell has its card's count follow within a second; a session made
 * after the base moved carries no radar badge (only the one that really collides with the base
 * does); Claude Code at its trust prompt shows "needs input" with a notice, answered it works and
 * ends done, and its notice goes; Stop leaves the work done; a reload keeps the tab signed in; a
 * restarted server is said plainly, with the way back in.
 */
const unavailable = browserUnavailable();
if (unavailable) console.warn(`\n⚠ SKIPPING the newcomer's browser journey: ${unavailable}\n`);

const CLAUDE_BIN = path.join(REPO_ROOT, 'node_modules', '.bin', 'claude');

let app: Harness | null = null;
let restarted: ServeProcess | null = null;
let server: ModelServer | null = null;
afterEach(async () => {
  try {
    await app?.close();
    await restarted?.close();
  } finally {
    app = null;
    restarted = null;
    await server?.close();
    server = null;
  }
});

const sessionsOf = (repo: TestRepo): Session[] => sessionsIn<Session>(repo.root);

function contextOf(repo: TestRepo, id: string): SessionContextView {
  const run = councilJson<SessionContextView>(['context', 'show', id], { cwd: repo.root });
  if (!run.result.ok) throw new Error(run.result.error.message);
  return run.result.value;
}

function plainSession(repo: TestRepo, task: string): Session {
  const created = councilJson<Session[]>(['session', 'create', '--task', task], { cwd: repo.root });
  if (!created.result.ok) throw new Error(created.result.error.message);
  return created.result.value[0] as Session;
}

const inShell = (cwd: string, script: string): void => {
  execFileSync('sh', ['-c', script], { cwd });
};

describe.skipIf(unavailable !== null)("the newcomer's first minutes, in the browser", () => {
  it('shell edits counted live, no badge for what a session inherited, Claude at its trust prompt needs input then is done, signed in after a reload, a restart said plainly', async () => {
    requireCli('claude');
    const model = await startModelServer([{ write: { path: 'src/hello.ts', content: 'export const hello = 1;\n' } }, { text: 'Done.' }]);
    server = model;
    const user = testUser('claude', model.url);
    // Claude used before (onboarding done, key approved); a new worktree is a folder it never trusted.
    const apiKey = user.env.ANTHROPIC_API_KEY as string;
    writeFileSync(path.join(user.home, '.claude.json'), JSON.stringify({ hasCompletedOnboarding: true, theme: 'light', customApiKeyResponses: { approved: [apiKey.slice(-20)], rejected: [] } }));
    const repo = makeRepo({ 'README.md': '# demo\n', 'f.txt': 'one\ntwo\nthree\n' });
    await Council.open(repo.root).ws.updateSettings({ agents: { claude: { path: CLAUDE_BIN } } });
    const hostEnv = { ...user.env, PATH: envWithoutAgents().PATH as string, COUNCIL_APP_BIN: '', TERM: 'xterm-256color' };
    app = await openApp({ env: hostEnv });
    const { page } = app;
    await openRepo(page, repo.root);

    // 1. A plain session, edited from a shell: its card follows within a second, both ways.
    const plain = plainSession(repo, 'Edit by hand');
    const count = page.getByTestId(`session-card-changes-${plain.id}`);
    await expect.poll(() => count.getAttribute('data-count'), { timeout: 10_000 }).toBe('0');
    expect(await page.getByTestId(`session-card-status-${plain.id}`).textContent()).toBe('idle');
    const editedAt = Date.now();
    inShell(plain.worktreePath, 'printf "one more line\\n" >> README.md && printf "new\\n" > notes.txt');
    await expect.poll(() => count.getAttribute('data-count'), { timeout: 1000, interval: 20 }).toBe('2');
    expect(Date.now() - editedAt).toBeLessThan(1000);
    expect(await count.textContent()).toMatch(/2 files changed\s*\+2\s*−0/);
    await screenshot(page, 'live-count-after-shell-edit');
    inShell(plain.worktreePath, 'rm notes.txt');
    await expect.poll(() => count.getAttribute('data-count'), { timeout: 1000, interval: 20 }).toBe('1');

    // 2. X changes line 2 of f.txt and commits; then main changes the same line; then Y is made
    // (no change of its own). Only X × base is a conflict: Y inherited main's line, and the plain
    // session's README line is its own, touching nothing of theirs.
    const x = plainSession(repo, 'Change line two');
    inShell(x.worktreePath, 'printf "one\\nTWO by x\\nthree\\n" > f.txt && git commit -qam "x: line two"');
    inShell(repo.root, 'printf "one\\n2 on main\\nthree\\n" > f.txt && git commit -qam "main: line two"');
    const y = plainSession(repo, 'Start after main moved');
    await expect.poll(() => page.getByTestId(`radar-badge-${x.id}`).textContent(), { timeout: 15_000 }).toBe('⚠ conflicts with base');
    await page.getByTestId(`session-card-${y.id}`).waitFor();
    await page.getByTestId('nav-radar').click();
    const rows = page.getByTestId('radar-files').locator(':scope > li');
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(1);
    expect(await rows.first().getAttribute('data-testid')).toBe('radar-file-f.txt');
    expect(await rows.first().getAttribute('data-sessions')).toBe(x.id);
    expect(await rows.first().textContent()).toContain('Would conflict with main, which moved since it started');
    await page.getByTestId('nav-board').click();
    await page.getByTestId(`session-card-${y.id}`).waitFor();
    expect(await page.getByTestId(`radar-badge-${y.id}`).count()).toBe(0);
    expect(await page.getByTestId(`radar-badge-${plain.id}`).count()).toBe(0);
    await screenshot(page, 'newcomer-no-inherited-badge');

    // 3. Claude Code, interactive, from the new-session dialog: its trust prompt needs the person.
    await page.getByTestId('new-session-button').click();
    await page.getByTestId('new-session-task').fill('Create src/hello.ts');
    await expect.poll(() => page.getByTestId('new-session-agent-claude-option').textContent()).toContain('Claude');
    await page.getByTestId('new-session-agent-claude').check();
    await page.getByTestId('new-session-mode-interactive').check();
    await page.getByTestId('new-session-submit').click();
    await expect.poll(() => sessionsOf(repo).filter((s) => s.agent === 'claude').length).toBe(1);
    const session = sessionsOf(repo).find((s) => s.agent === 'claude') as Session;
    const id = session.id;
    const card = page.getByTestId(`session-card-${id}`);
    const notice = page.getByTestId(`waiting-notice-${id}`);
    await expect.poll(() => card.getAttribute('data-status'), { timeout: 30_000 }).toBe('needs-input');
    expect(await page.getByTestId(`session-card-status-${id}`).textContent()).toBe('needs input');
    expect(await card.textContent()).toContain('trust the files in this folder');
    await notice.waitFor();
    expect(await notice.textContent()).toContain('Needs input: Create src/hello.ts');
    expect(model.requests.filter((r) => r.kind === 'turn')).toEqual([]);
    await screenshot(page, 'live-trust-prompt-board');

    // Answered in its terminal (the notice's Open goes there).
    await page.getByTestId(`waiting-notice-${id}-action`).click();
    await page.locator('[data-testid="terminal"] .xterm-rows').waitFor();
    await expect.poll(async () => (await page.locator('[data-testid="terminal"] .xterm-rows').textContent()) ?? '', { timeout: 30_000 }).toContain('trust this folder');
    await page.locator('[data-testid="terminal"] .xterm-helper-textarea').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => contextOf(repo, id).history.map((h) => h.status), { timeout: 30_000 }).toContain('working');
    // Claude then asks before creating the file: needs input again, for that; Enter allows it.
    await expect.poll(() => contextOf(repo, id).message ?? '', { timeout: 30_000 }).toContain('permission');
    await expect.poll(() => page.getByTestId('session-view-status').textContent()).toBe('needs input');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('session-view-status').textContent(), { timeout: 30_000 }).toBe('done');
    expect(readFileSync(path.join(session.worktreePath, 'src/hello.ts'), 'utf8')).toBe('export const hello = 1;\n');
    expect(contextOf(repo, id).history.map((h) => h.status)).toEqual(['idle', 'needs-input', 'working', 'needs-input', 'working', 'done']);
    // Its terminal is still open, between turns: "idle", not "running" beside "done".
    expect(await page.getByTestId('run-state').textContent()).toBe('idle');

    // The hooks' view of the run, in its Events tab.
    await page.getByTestId('tab-events').click();
    await expect.poll(() => page.getByTestId('events-list').textContent(), { timeout: 10_000 }).toContain('src/hello.ts');
    await screenshot(page, 'live-events-interactive');

    // On the board: done, the agent idle in its terminal, the count live, no notice left.
    await page.getByTestId('nav-board').click();
    await expect.poll(() => card.getAttribute('data-status')).toBe('done');
    expect(await page.getByTestId(`session-card-run-${id}`).textContent()).toBe('agent idle');
    await expect.poll(() => page.getByTestId(`session-card-changes-${id}`).getAttribute('data-count'), { timeout: 5000 }).toBe('1');
    expect(await notice.count()).toBe(0);
    expect(await page.getByText(/Needs input:/).count()).toBe(0);
    await screenshot(page, 'live-trust-answered-done-board');

    // Stopping the idle agent leaves the work done, and raises no "needs input".
    await page.getByTestId(`session-open-${id}`).click();
    await page.getByTestId('run-stop').click();
    await expect.poll(() => page.getByTestId('run-state').getAttribute('data-state'), { timeout: 30_000 }).toBe('stopped');
    await page.getByTestId('nav-board').click();
    await expect.poll(() => card.getAttribute('data-status')).toBe('done');
    expect(await page.getByText(/Needs input:/).count()).toBe(0);
    await screenshot(page, 'live-stopped-board');

    // 4. F5: still signed in, the board as it was.
    await page.reload();
    await page.getByTestId('nav-board').waitFor();
    expect(await page.locator('body').innerText()).not.toContain('missing or wrong token');
    expect(page.url()).not.toContain('token');
    await expect.poll(() => card.getAttribute('data-status'), { timeout: 10_000 }).toBe('done');
    await expect.poll(() => count.getAttribute('data-count'), { timeout: 10_000 }).toBe('1');

    // 5. The server restarts (a new token): the tab says so and how to get back in.
    const port = app.host.port;
    await app.host.close();
    restarted = await startServe(hostEnv, undefined, port);
    const banner = page.getByTestId('connection-banner');
    await expect.poll(() => banner.getAttribute('data-state'), { timeout: 30_000 }).toBe('token-refused');
    expect(await banner.innerText()).toMatch(/restarted/);
    expect(await banner.innerText()).toMatch(/council serve/);
    await screenshot(page, 'newcomer-server-restarted');
    // The new address gets back in, to the repository this tab had open.
    await page.goto(restarted.url);
    await page.getByTestId('nav-board').waitFor();
    await expect.poll(() => page.getByTestId(`session-card-${id}`).getAttribute('data-status'), { timeout: 10_000 }).toBe('done');
  }, 240_000);
});
