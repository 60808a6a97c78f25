import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterEach, expect } from 'vitest';
import { Council } from '../../electron/core/council';
import { testUser, type TestUser } from '../agents/harness';
import { envWithoutAgents, type Harness } from '../e2e/browser';
import { startModelServer, type ModelServer, type Script } from '../support/model-server/index';
import { REPO_ROOT } from './cli';

/**
 * The setup the app's end-to-end tests with the real Claude Code share (agents, review,
 * review-loop): the app and the scripted model server, closed after each test; a test user whose
 * Claude Code talks to that server; the repository's claude preset set to the devDependency.
 */

export const CLAUDE_BIN = path.join(REPO_ROOT, 'node_modules', '.bin', 'claude');

/** The app and model server of the running test: set them here, they are closed after each test. */
export interface Live {
  app: Harness | null;
  server: ModelServer | null;
}

export function closedAfterEach(): Live {
  const live: Live = { app: null, server: null };
  afterEach(async () => {
    try {
      await live.app?.close();
    } finally {
      live.app = null;
      await live.server?.close();
      live.server = null;
    }
  });
  return live;
}

export interface RealClaude {
  model: ModelServer;
  user: TestUser;
  /** The host's environment: the user's, as when they run `council serve` in their terminal; its PATH has none of the agent CLIs (only the settings' path finds Claude Code). */
  env: Record<string, string>;
}

/**
 * Starts the model server on `script` (closed after the test), and makes a user who has used Claude
 * Code before: onboarding done, their API key accepted. Each new worktree is a new folder, which
 * Claude asks to trust: the test answers that in the terminal. The repository's claude preset runs
 * the devDependency, as a user sets it in Settings → Agents.
 */
export async function realClaude(live: Live, script: Script, repoRoot: string): Promise<RealClaude> {
  const model = await startModelServer(script);
  live.server = model;
  const user = testUser('claude', model.url);
  const apiKey = user.env.ANTHROPIC_API_KEY as string;
  writeFileSync(path.join(user.home, '.claude.json'), JSON.stringify({ hasCompletedOnboarding: true, theme: 'light', customApiKeyResponses: { approved: [apiKey.slice(-20)], rejected: [] } }));
  await Council.open(repoRoot).ws.updateSettings({ agents: { claude: { path: CLAUDE_BIN } } });
  const env = { ...user.env, PATH: envWithoutAgents().PATH as string, COUNCIL_APP_BIN: '', TERM: 'xterm-256color' };
  return { model, user, env };
}

/** What the agent's terminal shows (xterm.js renders its screen into DOM rows), one line per row. */
export async function terminalText(page: Page): Promise<string> {
  const rows = await page.locator('[data-testid="terminal"] .xterm-rows > div').allTextContents();
  return rows.map((row) => row.replace(/\u00a0/g, ' ').trimEnd()).join('\n');
}

/** Starts a session with Claude Code, interactive, on `task`, from the new-session dialog. */
export async function startInteractiveClaude(page: Page, task: string): Promise<void> {
  await page.getByTestId('new-session-button').click();
  await page.getByTestId('new-session-task').fill(task);
  await page.getByTestId('new-session-agent-claude').check();
  await page.getByTestId('new-session-mode-interactive').check();
  await expect.poll(() => page.getByTestId('new-session-submit').textContent(), { timeout: 30_000 }).toBe('Start claude');
  await page.getByTestId('new-session-submit').click();
}

/** In the open session's terminal: Claude asks to trust its worktree, Enter accepts; then its first answer `reply`, and its prompt. */
export async function trustAndAwaitReply(page: Page, reply: string): Promise<void> {
  await page.locator('[data-testid="terminal"] .xterm-rows').waitFor();
  await expect.poll(() => terminalText(page), { timeout: 30_000 }).toContain('Yes, I trust this folder');
  await page.locator('[data-testid="terminal"] .xterm-helper-textarea').focus();
  await page.keyboard.press('Enter');
  await expect.poll(() => terminalText(page), { timeout: 30_000 }).toContain(reply);
  await expect.poll(() => terminalText(page), { timeout: 30_000 }).toContain('? for shortcuts');
}
