import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../shared/models';
import { Council } from '../../electron/core/council';
import { REPO_ROOT, sessionsIn } from '../helpers/cli';
import { gitSync, makeRepo, type TestRepo } from '../helpers/repo';
import { claudeWrites, fakeAgentProgram } from '../agents/fake-agents';
import { requireCli } from '../agents/harness';
import { closedAfterEach, realClaude, terminalText } from '../helpers/real-claude';
import { browserUnavailable, openApp, openRepo, screenshot } from './browser';

/**
 * End to end with a real agent: the app in Chromium, a real `council serve` process started with a
 * test user's environment (HOME, Claude Code configured for the scripted model server on
 * 127.0.0.1), and the real Claude Code (the devDependency, set as the preset's program in the
 * repository's settings) driven from the UI.
 */
const unavailable = browserUnavailable();
if (unavailable) console.warn(`\n⚠ SKIPPING the agent browser end-to-end tests: ${unavailable}\n`);

const claudeVersion = (): string => (JSON.parse(readFileSync(path.join(REPO_ROOT, 'node_modules', '@anthropic-ai', 'claude-code', 'package.json'), 'utf8')) as { version: string }).version;

const live = closedAfterEach();

const sessionsOf = (repo: TestRepo): Session[] => sessionsIn<Session>(repo.root);

/**
 * The fake agent as a program a preset can point at: it answers `--version` (the new-session
 * dialog's detection) and hands every other call to tests/support/fake-agent.mjs, which follows
 * FAKE_AGENT_SCRIPT from the preset's environment.
 */
describe.skipIf(unavailable !== null)('an agent driven from the app', () => {
  beforeAll(() => requireCli('claude'));

  it('Claude Code, interactive: trusted and allowed by keys typed into the terminal, writes a file that shows in the diff, takes a follow-up from the app; the run ends done', async () => {
    const file = 'src/hello.ts';
    const content = "export const hello = (name: string) => `Hello, ${name}!`;\n";
    const repo = makeRepo();
    const { model, env } = await realClaude(live, [{ write: { path: file, content } }, { text: 'Done.' }, { text: 'Noted: goodbye too.' }], repo.root);

    // The host gets the user's environment, as when they run `council serve` in their terminal; its
    // PATH has none of the agent CLIs (only the settings' path finds Claude Code).
    live.app = await openApp({ env });
    const { page } = live.app;
    await openRepo(page, repo.root);
    await page.getByTestId('new-session-button').click();
    await page.getByTestId('new-session-task').fill(`Create ${file} with a hello function.`);
    const option = page.getByTestId('new-session-agent-claude-option');
    await expect.poll(() => option.textContent()).toContain(claudeVersion());
    await page.getByTestId('new-session-agent-claude').check();
    await page.getByTestId('new-session-mode-interactive').check();
    await screenshot(page, 'agent-new-session');
    await expect.poll(() => page.getByTestId('new-session-submit').textContent()).toBe('Start claude');
    await page.getByTestId('new-session-submit').click();

    await expect.poll(() => sessionsOf(repo).length).toBe(1);
    const session = sessionsOf(repo)[0] as Session;
    expect(session.agent).toBe('claude');
    const card = page.getByTestId(`session-card-${session.id}`);
    await card.waitFor();
    await page.getByTestId(`session-open-${session.id}`).click();
    // A session with a preset opens on its terminal.
    await expect.poll(() => page.getByTestId('tab-terminal').getAttribute('aria-selected')).toBe('true');
    await page.locator('[data-testid="terminal"] .xterm-rows').waitFor();

    // Claude asks whether to trust the new folder (its worktree), and waits: nothing is sent to the
    // model until Enter, typed into the terminal, accepts.
    await expect.poll(() => terminalText(page), { timeout: 30_000 }).toContain('Yes, I trust this folder');
    // (The terminal wraps a long path at its width: compared without the line breaks and indents.)
    expect((await terminalText(page)).replace(/\s+/g, '')).toContain(session.worktreePath);
    await screenshot(page, 'agent-terminal-trust');
    expect(model.requests.filter((r) => r.kind === 'turn')).toEqual([]);
    await page.locator('[data-testid="terminal"] .xterm-helper-textarea').focus();
    await page.keyboard.press('Enter');

    // It works on the task, and asks before creating the file (the session waits for the user,
    // through the notification hook): Enter allows it.
    await expect.poll(() => terminalText(page), { timeout: 30_000 }).toContain('Do you want to create hello.ts?');
    await expect.poll(() => page.getByTestId('session-view-status').textContent(), { timeout: 30_000 }).toBe('needs input');
    expect(existsSync(path.join(session.worktreePath, file))).toBe(false);
    await screenshot(page, 'agent-terminal-permission');
    await page.keyboard.press('Enter');

    await expect.poll(() => terminalText(page), { timeout: 30_000 }).toContain('Done.');
    expect(readFileSync(path.join(session.worktreePath, file), 'utf8')).toBe(content);
    expect(model.errors).toEqual([]);
    await screenshot(page, 'agent-terminal');
    // The whole terminal is on screen, its last row (where the agent's input line is) included.
    const box = await page.getByTestId('terminal').boundingBox();
    expect(box === null ? null : box.y + box.height).toBeLessThanOrEqual(page.viewportSize()?.height ?? 0);

    // A follow-up from the box under the run (issue 14, item 2): typed and submitted in its terminal,
    // it reaches the model as the next turn.
    await expect.poll(() => terminalText(page), { timeout: 30_000 }).toContain('? for shortcuts');
    const followUp = 'Now add a goodbye function too.';
    await page.getByTestId('follow-up-text').fill(followUp);
    await page.getByTestId('follow-up-send').click();
    await expect.poll(() => model.requests.some((r) => r.kind === 'turn' && JSON.stringify(r.body).includes(followUp)), { timeout: 30_000 }).toBe(true);
    await expect.poll(() => terminalText(page), { timeout: 30_000 }).toContain('Noted: goodbye too.');
    await screenshot(page, 'agent-follow-up');

    // Leaves the TUI once it is idle again (its stop hooks ran): the run ends, done.
    await expect.poll(() => terminalText(page), { timeout: 30_000 }).toContain('? for shortcuts');
    await page.locator('[data-testid="terminal"] .xterm-helper-textarea').focus();
    await page.keyboard.type('/exit');
    await expect.poll(() => terminalText(page)).toMatch(/❯ \/exit/);
    await screenshot(page, 'agent-terminal-typed-exit');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('run-state').getAttribute('data-state'), { timeout: 30_000 }).toBe('done');
    expect(await page.getByTestId('run-facts').textContent()).toContain('exit 0');
    await screenshot(page, 'agent-terminal-exited');

    await page.getByTestId('tab-diff').click();
    await page.getByTestId(`diff-file-${file}`).click();
    await expect.poll(() => page.getByTestId('diff-viewer').textContent()).toContain('export const hello = (name: string)');
    await screenshot(page, 'agent-diff');

    await page.getByTestId('nav-board').click();
    await expect.poll(() => page.getByTestId(`session-card-run-${session.id}`).getAttribute('data-state')).toBe('done');
    await expect.poll(() => card.getAttribute('data-status')).toBe('done');
    await expect.poll(() => page.getByTestId(`session-card-changes-${session.id}`).getAttribute('data-count'), { timeout: 10_000 }).toBe('1');
    await screenshot(page, 'agent-board');
  }, 180_000);

  it('best of 2, headless: two sessions on one task run to done; the compare view keeps one, the other leaves the board with its work archived', async () => {
    const file = 'src/answer.ts';
    const repo = makeRepo();
    await Council.open(repo.root).ws.updateSettings({
      agents: { claude: { path: fakeAgentProgram(), env: { FAKE_AGENT_SCRIPT: JSON.stringify(claudeWrites(file, 'export const answer = 42;\n')) } } },
    });
    live.app = await openApp();
    const { page } = live.app;
    await openRepo(page, repo.root);
    await page.getByTestId('new-session-button').click();
    await page.getByTestId('new-session-task').fill('Compute the answer');
    await expect.poll(() => page.getByTestId('new-session-agent-claude-option').textContent()).toContain('0.0.1-fake');
    await page.getByTestId('new-session-agent-claude').check();
    await page.getByTestId('new-session-mode-headless').check();
    await page.getByTestId('new-session-count').fill('2');
    await expect.poll(() => page.getByTestId('new-session-submit').textContent()).toBe('Start 2 × claude (best of 2)');
    await page.getByTestId('new-session-submit').click();

    await expect.poll(() => sessionsOf(repo).length).toBe(2);
    const [first, second] = sessionsOf(repo) as [Session, Session];
    for (const s of [first, second]) {
      await expect.poll(() => page.getByTestId(`session-card-run-${s.id}`).getAttribute('data-state'), { timeout: 30_000 }).toBe('done');
      expect(readFileSync(path.join(s.worktreePath, file), 'utf8')).toBe('export const answer = 42;\n');
    }
    await screenshot(page, 'best-of-board');

    // The board offers the pair as one best-of-N run.
    await page.getByTestId('compare-bar').getByRole('button', { name: /Compare 2 ×/ }).click();
    await page.getByTestId('compare-screen').waitFor();
    for (const s of [first, second]) {
      await expect.poll(() => page.getByTestId(`compare-files-${s.id}`).textContent()).toBe('1');
      expect(await page.getByTestId(`compare-run-${s.id}`).getAttribute('data-state')).toBe('done');
    }
    await screenshot(page, 'best-of-compare');

    await page.getByTestId(`compare-keep-${second.id}`).click();
    expect(await page.getByTestId('pick-discard-list').textContent()).toContain(first.id);
    await screenshot(page, 'best-of-pick');
    await page.getByTestId('pick-confirm').click();

    // The kept one opens on its diff; the other is gone, from the board and from the registry.
    await expect.poll(() => page.getByTestId('session-task').textContent()).toBe('Compute the answer');
    await page.getByTestId(`diff-file-${file}`).waitFor();
    await expect.poll(() => sessionsOf(repo).map((s) => s.id)).toEqual([second.id]);
    const notice = await page.getByTestId('pick-notice').textContent();
    const archived = /refs\/council\/archive\/[0-9a-f]{6}-\d{8}T\d{6}Z/.exec(notice ?? '')?.[0];
    expect(archived, notice ?? '').toContain(`/${first.id}-`);
    expect(gitSync(repo.root, 'show', `${archived}:${file}`)).toBe('export const answer = 42;');
    await page.getByTestId('nav-board').click();
    await page.getByTestId(`session-card-${second.id}`).waitFor();
    await expect.poll(() => page.getByTestId(`session-card-${first.id}`).count()).toBe(0);
    await screenshot(page, 'best-of-kept');
  }, 120_000);
});
