import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Council } from '../../electron/core/council';
import type { Session } from '../../shared/models';
import { FAKE_AGENT } from '../agents/fake-agents';
import { council, councilJson } from '../helpers/cli';
import { gitSync, makeRepo, tempDir, writeIn, type TestRepo } from '../helpers/repo';
import { browserUnavailable, openApp, openRepo, screenshot, type Harness } from './browser';

/**
 * Issue 12, item 8, as a user of the app meets it: "Merge…" only where merging can do something,
 * the merge dialog offering Stop for a running agent, a squash-merged session counted as merged,
 * "Resolve with agent" only where it can work, and a queue entry keeping its task after its session
 * is removed.
 */
const unavailable = browserUnavailable();
if (unavailable) console.warn(`\n⚠ SKIPPING the merge dialog browser tests: ${unavailable}\n`);

describe.skipIf(unavailable !== null)('merging from the app', () => {
  let app: Harness;
  let repo: TestRepo;

  const create = (task: string, agent?: string): Session => {
    const created = councilJson<Session[]>(['session', 'create', '--task', task, ...(agent ? ['--agent', agent] : []), '--no-start'], { cwd: repo.root });
    if (!created.result.ok) throw new Error(created.result.error.message);
    return created.result.value[0] as Session;
  };
  const cli = (...args: string[]) => council(args, { cwd: repo.root });

  beforeAll(async () => {
    repo = makeRepo({ 'README.md': '# demo\n', 'src/a.ts': 'export const a = 1;\n' });
    const program = path.join(tempDir('council-fake-agent-'), 'fake-claude');
    const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
    writeFileSync(program, ['#!/bin/sh', 'if [ "$1" = "--version" ]; then echo "0.0.1-fake"; exit 0; fi', `exec ${quote(process.execPath)} ${quote(FAKE_AGENT)} "$@"`, ''].join('\n'));
    chmodSync(program, 0o755);
    await Council.open(repo.root).ws.updateSettings({ agents: { claude: { path: program, env: { FAKE_AGENT_SCRIPT: JSON.stringify([{ waitForInput: 'working…\n' }]) } } } });
    app = await openApp();
  });

  afterAll(async () => {
    await app?.close();
  });

  it('disables "Merge…" with the reason on a merged session (squash) and on one with nothing to merge; the merged one counts as merged', async () => {
    const squashed = create('Squash me');
    writeIn(squashed.worktreePath, 'src/a.ts', 'export const a = 2;\n');
    // The base moves meanwhile: a squash then really makes a new commit of its own.
    writeIn(repo.root, 'README.md', '# demo, moved\n');
    gitSync(repo.root, 'commit', '-qam', 'base moves');
    const merged = cli('merge', squashed.id, '--strategy', 'squash', '--no-gate', '--wait');
    expect(merged.code, merged.stderr).toBe(0);
    const empty = create('Nothing yet');

    const { page } = app;
    await openRepo(page, repo.root);
    // Sessions the queue merged are folded away on the board: shown on request.
    await page.getByTestId('board-toggle-merged').click();
    const stats = page.getByTestId(`session-card-changes-${squashed.id}`);
    await expect.poll(() => stats.getAttribute('data-merged'), { timeout: 15_000 }).toBe('true');
    expect(await stats.textContent()).toBe('merged · nothing left');
    const mergedButton = page.getByTestId(`session-merge-${squashed.id}`);
    expect(await mergedButton.isDisabled()).toBe(true);
    expect(await mergedButton.textContent()).toBe('Merged');
    expect(await page.getByTestId(`session-merge-reason-${squashed.id}`).textContent()).toMatch(/^Already merged: everything session \w+ has is in main/);

    const emptyButton = page.getByTestId(`session-merge-${empty.id}`);
    await expect.poll(() => emptyButton.isDisabled(), { timeout: 15_000 }).toBe(true);
    expect(await emptyButton.getAttribute('title')).toMatch(/^Nothing to merge/);
    await screenshot(page, 'merge-buttons-disabled');
  });

  it('offers Stop in the merge dialog for a session whose agent is running, and queues once it stopped', async () => {
    const busy = create('Busy agent', 'claude');
    writeIn(busy.worktreePath, 'src/busy.ts', 'export const busy = true;\n');
    const { page } = app;
    await page.getByTestId('nav-board').click();
    await page.getByTestId(`session-open-${busy.id}`).click();
    await page.getByTestId('tab-terminal').click();
    await page.getByTestId('run-start').click();
    await expect.poll(() => page.getByTestId('run-state').getAttribute('data-state'), { timeout: 20_000 }).toBe('running');

    await page.getByTestId(`session-merge-${busy.id}`).click();
    const dialog = page.getByTestId('merge-dialog');
    await dialog.waitFor();
    await expect.poll(() => page.getByTestId('merge-agent-running').textContent()).toMatch(/agent is still running.*park at once/);
    expect(await page.getByTestId('merge-submit').isDisabled()).toBe(true);
    await screenshot(page, 'merge-dialog-agent-running');

    await page.getByTestId('merge-stop-agent').click();
    await expect.poll(() => page.getByTestId('merge-agent-running').count(), { timeout: 20_000 }).toBe(0);
    expect(await page.getByTestId('merge-submit').isDisabled()).toBe(false);
    await screenshot(page, 'merge-dialog-agent-stopped');
    await page.getByTestId('merge-gate').fill('');
    await page.getByTestId('merge-submit').click();
    await expect.poll(() => page.getByTestId(`session-queue-${busy.id}`).count(), { timeout: 20_000 }).toBe(1);
  });

  it('offers Stop in the Approve & merge confirmation too, as the merge dialog does', async () => {
    const busy = create('Busy reviewed agent', 'claude');
    writeIn(busy.worktreePath, 'src/reviewed.ts', 'export const reviewed = true;\n');
    const { page } = app;
    await page.getByTestId('nav-board').click();
    await page.getByTestId(`session-open-${busy.id}`).click();
    await page.getByTestId('tab-terminal').click();
    await page.getByTestId('run-start').click();
    await expect.poll(() => page.getByTestId('run-state').getAttribute('data-state'), { timeout: 20_000 }).toBe('running');

    await page.getByTestId('tab-review').click();
    await page.getByTestId('review-approve-merge').click();
    await expect.poll(() => page.getByTestId('review-merge-agent-running').textContent()).toMatch(/agent is still running.*park at once/);
    await screenshot(page, 'review-approve-merge-agent-running');
    await page.getByTestId('review-merge-stop-agent').click();
    await expect.poll(() => page.getByTestId('review-merge-agent-running').count(), { timeout: 20_000 }).toBe(0);
    expect(await page.getByTestId('run-state').getAttribute('data-state')).toBe('stopped');
    await page.getByTestId('review-merge-confirm-yes').click();
    await expect.poll(() => page.getByTestId(`session-queue-${busy.id}`).count(), { timeout: 20_000 }).toBe(1);
  });

  it('offers "Resolve with agent" only for a session with an agent, and keeps the task of an entry whose session was removed', async () => {
    // Two sessions change the same line; the second of each pair parks on the conflict.
    const first = create('First edit');
    const plain = create('Plain conflict');
    const agented = create('Agent conflict', 'claude');
    writeIn(first.worktreePath, 'src/a.ts', 'export const a = "first";\n');
    writeIn(plain.worktreePath, 'src/a.ts', 'export const a = "plain";\n');
    writeIn(agented.worktreePath, 'src/a.ts', 'export const a = "agent";\n');
    expect(cli('merge', first.id, '--no-gate', '--wait').code).toBe(0);
    expect(cli('merge', plain.id, '--no-gate', '--wait').code).toBe(3);
    expect(cli('merge', agented.id, '--no-gate', '--wait').code).toBe(3);

    const { page } = app;
    await page.getByTestId('nav-queue').click();
    const entryOf = (s: Session) => page.locator(`[data-testid^="queue-entry-"][data-session="${s.id}"]`);
    await expect.poll(() => entryOf(plain).getAttribute('data-state'), { timeout: 15_000 }).toBe('parked');
    await expect.poll(() => entryOf(agented).getAttribute('data-state'), { timeout: 15_000 }).toBe('parked');
    expect(await entryOf(plain).locator('[data-testid^="queue-resolve-"]').count()).toBe(0);
    expect(await entryOf(plain).locator('[data-testid^="queue-retry-"]').count()).toBe(1);
    expect(await entryOf(agented).locator('[data-testid^="queue-resolve-"]').count()).toBe(1);
    // Without an agent, the entry says what to do instead, and leads to the session.
    expect(await entryOf(plain).locator('[data-testid^="queue-no-agent-"]').textContent()).toContain('No agent in this session to resolve them. Open the session and use Update from base…');
    expect(await entryOf(agented).locator('[data-testid^="queue-no-agent-"]').count()).toBe(0);
    await screenshot(page, 'queue-parked-resolve');
    await entryOf(plain).locator('[data-testid^="queue-open-session-"]').click();
    await expect.poll(() => page.evaluate(() => location.hash)).toContain(`#/session/${plain.id}/diff`);
    await page.getByTestId('nav-queue').click();

    expect(cli('session', 'remove', plain.id, '--force').code).toBe(0);
    await expect.poll(() => entryOf(plain).locator(`[data-testid^="queue-session-gone-"]`).count(), { timeout: 15_000 }).toBe(1);
    expect(await entryOf(plain).textContent()).toContain('Plain conflict');
    await screenshot(page, 'queue-session-removed');
  });
});
