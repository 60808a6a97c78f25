import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionContextView, Session } from '../../shared/models';
import { Council } from '../../electron/core/council';
import { REPO_ROOT, councilJson } from '../helpers/cli';
import { makeRepo, type TestRepo } from '../helpers/repo';
import { requireCli, testUser } from '../agents/harness';
import { startModelServer, type ModelServer } from '../support/model-server/index';
import { browserUnavailable, envWithoutAgents, openApp, openRepo, screenshot, type Harness } from './browser';

/**
 * Issue 12, the live picture in the browser (items 4–6): a card's count follows an edit made from a
 * shell; Claude Code at its trust prompt shows "needs input", answered it works and ends done, and
 * its notice goes. The built renderer in Chromium, a real `council serve`, the real Claude Code.
 */
const unavailable = browserUnavailable();
if (unavailable) console.warn(`\n⚠ SKIPPING the live-picture browser tests: ${unavailable}\n`);

const CLAUDE_BIN = path.join(REPO_ROOT, 'node_modules', '.bin', 'claude');

let app: Harness | null = null;
let server: ModelServer | null = null;
afterEach(async () => {
  try {
    await app?.close();
  } finally {
    app = null;
    await server?.close();
    server = null;
  }
});

function sessionsOf(repo: TestRepo): Session[] {
  const run = councilJson<Session[]>(['session', 'list'], { cwd: repo.root });
  if (!run.result.ok) throw new Error(run.result.error.message);
  return run.result.value;
}

function contextOf(repo: TestRepo, id: string): SessionContextView {
  const run = councilJson<SessionContextView>(['context', 'show', id], { cwd: repo.root });
  if (!run.result.ok) throw new Error(run.result.error.message);
  return run.result.value;
}

describe.skipIf(unavailable !== null)('the live picture in the browser', () => {
  it("a plain session edited from a shell: its card's count follows within a second", async () => {
    const repo = makeRepo();
    app = await openApp();
    const { page } = app;
    await openRepo(page, repo.root);
    const created = councilJson<Session[]>(['session', 'create', '--task', 'Edit by hand'], { cwd: repo.root });
    if (!created.result.ok) throw new Error(created.result.error.message);
    const session = created.result.value[0] as Session;
    const count = page.getByTestId(`session-card-changes-${session.id}`);
    await expect.poll(() => count.getAttribute('data-count'), { timeout: 10_000 }).toBe('0');
    expect(await page.getByTestId(`session-card-status-${session.id}`).textContent()).toBe('idle');

    const editedAt = Date.now();
    execFileSync('sh', ['-c', 'printf "one more line\\n" >> README.md && printf "new\\n" > notes.txt'], { cwd: session.worktreePath });
    await expect.poll(() => count.getAttribute('data-count'), { timeout: 1000, interval: 20 }).toBe('2');
    const took = Date.now() - editedAt;
    expect(took).toBeLessThan(1000);
    expect(await count.textContent()).toMatch(/2 files changed\s*\+2\s*−0/);
    await screenshot(page, 'live-count-after-shell-edit');

    // And back, when the edit is undone from the shell.
    execFileSync('sh', ['-c', 'rm notes.txt'], { cwd: session.worktreePath });
    await expect.poll(() => count.getAttribute('data-count'), { timeout: 1000, interval: 20 }).toBe('1');
  }, 60_000);

  it('Claude Code at its trust prompt: the card says needs input (with a notice); answered, it works, then is done and the notice is gone', async () => {
    requireCli('claude');
    const model = await startModelServer([{ write: { path: 'src/hello.ts', content: 'export const hello = 1;\n' } }, { text: 'Done.' }]);
    server = model;
    const user = testUser('claude', model.url);
    // Claude used before (onboarding done, key approved); a new worktree is a folder it never trusted.
    const apiKey = user.env.ANTHROPIC_API_KEY as string;
    writeFileSync(path.join(user.home, '.claude.json'), JSON.stringify({ hasCompletedOnboarding: true, theme: 'light', customApiKeyResponses: { approved: [apiKey.slice(-20)], rejected: [] } }));
    const repo = makeRepo();
    await Council.open(repo.root).ws.updateSettings({ agents: { claude: { path: CLAUDE_BIN } } });
    app = await openApp({ env: { ...user.env, PATH: envWithoutAgents().PATH as string, TERM: 'xterm-256color' } });
    const { page } = app;
    await openRepo(page, repo.root);

    await page.getByTestId('new-session-button').click();
    await page.getByTestId('new-session-task').fill('Create src/hello.ts');
    await expect.poll(() => page.getByTestId('new-session-agent-claude-option').textContent()).toContain('Claude');
    await page.getByTestId('new-session-agent-claude').check();
    await page.getByTestId('new-session-mode-interactive').check();
    await page.getByTestId('new-session-submit').click();
    await expect.poll(() => sessionsOf(repo).length).toBe(1);
    const session = sessionsOf(repo)[0] as Session;
    const id = session.id;
    const card = page.getByTestId(`session-card-${id}`);
    const notice = page.getByTestId(`waiting-notice-${id}`);

    // At the trust prompt: needs input, at a glance — not "working".
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

    // On the board: done, the agent idle in its terminal (not "running"), the count live, no notice left.
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
  }, 180_000);
});
