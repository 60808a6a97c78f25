import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../shared/models';
import { sessionsIn } from '../helpers/cli';
import { makeRepo, writeIn } from '../helpers/repo';
import { requireCli } from '../agents/harness';
import { closedAfterEach, realClaude, startInteractiveClaude, terminalText, trustAndAwaitReply } from '../helpers/real-claude';
import { browserUnavailable, openApp, openRepo, screenshot } from './browser';

/**
 * Code review end to end (issue 14, item 4): the app in Chromium against a real `council serve`,
 * the real Claude Code (interactive, in the session's terminal) against the scripted model server.
 * Two comments are written in the Review tab; Request changes sends them as one message, which the
 * model server receives as the agent's next turn, with each comment's file, lines and code; the
 * review reads "changes requested", then "ready for re-review" once the agent's turn has ended.
 * After a restart (a new host process on the same repository) the comments are all still there.
 */
const unavailable = browserUnavailable();
if (unavailable) console.warn(`\n⚠ SKIPPING the review browser end-to-end test: ${unavailable}\n`);


const live = closedAfterEach();

async function addComment(page: Page, file: string, lines: string, body: string): Promise<void> {
  await page.getByTestId('review-form-path').fill(file);
  await page.getByTestId('review-form-lines').fill(lines);
  await page.getByTestId('review-form-body').fill(body);
  await page.getByTestId('review-form-add').click();
  await expect.poll(() => page.getByTestId('review-form-body').inputValue()).toBe('');
}

const HELLO = ['export const hello = (name: string) => `Hello, ${name}!`;', 'export const twice = (n: number) => n * 2;', ''].join('\n');

describe.skipIf(unavailable !== null)('code review in the app', () => {
  beforeAll(() => requireCli('claude'));

  it('two comments, Request changes: the real Claude Code gets both as its next turn; changes requested, then ready for re-review; the comments survive a restart', async () => {
    const file = 'src/hello.ts';
    const renamed = HELLO.replace('export const hello', 'export const greet');
    const repo = makeRepo();
    const { model, env } = await realClaude(live, [{ text: 'Ready.' }, { write: { path: file, content: renamed } }, { text: 'Renamed hello to greet.' }], repo.root);

    live.app = await openApp({ env });
    let { page } = live.app;
    await openRepo(page, repo.root);
    await startInteractiveClaude(page, 'Say when you are ready.');
    await expect.poll(() => sessionsIn<Session>(repo.root).length).toBe(1);
    const session = sessionsIn<Session>(repo.root)[0] as Session;
    // The session's work, as if the agent had written it.
    writeIn(session.worktreePath, file, HELLO);

    await page.getByTestId(`session-open-${session.id}`).click();
    await trustAndAwaitReply(page, 'Ready.');
    const turnsBefore = model.requests.filter((r) => r.kind === 'turn').length;

    await page.getByTestId('tab-review').click();
    await expect.poll(() => page.getByTestId('review-status').getAttribute('data-status')).toBe('none');
    await addComment(page, file, '1', 'Rename hello to greet.');
    await addComment(page, file, '2', 'Use a shift instead of a multiplication.');
    await expect.poll(() => page.getByTestId('review-pending').locator('.review-comment').count()).toBe(2);
    expect(await page.getByTestId('review-where-c1').textContent()).toBe('src/hello.ts:1');
    expect(await page.getByTestId('review-comment-c2').locator('.review-quote').textContent()).toContain('2 │ export const twice = (n: number) => n * 2;');
    await page.getByTestId('review-summary').fill('Two small things.');
    await screenshot(page, 'review-pending');
    await page.getByTestId('review-request-changes').click();

    // The agent's next turn carries the whole review: both comments, their file and lines, their code.
    const reviewTurn = async () => model.requests.filter((r) => r.kind === 'turn').slice(turnsBefore).map((r) => JSON.stringify(r.body)).find((body) => body.includes('Code review: changes requested')) ?? '';
    await expect.poll(reviewTurn, { timeout: 30_000 }).toContain('Rename hello to greet.');
    const sent = await reviewTurn();
    for (const part of ['Two small things.', '[1] src/hello.ts:1', '1 | export const hello = (name: string)', 'Rename hello to greet.', '[2] src/hello.ts:2', '2 | export const twice = (n: number) => n * 2;', 'Use a shift instead of a multiplication.']) {
      expect(sent, part).toContain(part);
    }
    await expect.poll(() => page.getByTestId('review-since').textContent()).toMatch(/^[0-9a-f]{10}$/);

    // The agent works on it and asks before editing the file: its turn is not over, the changes are
    // still requested (a question half-way is not "done").
    await expect.poll(() => page.getByTestId('session-view-status').textContent(), { timeout: 30_000 }).toBe('needs input');
    await expect.poll(() => page.getByTestId('review-status').getAttribute('data-status')).toBe('changes-requested');
    expect(await page.getByTestId('session-review-chip').getAttribute('data-status')).toBe('changes-requested');
    expect(await page.getByTestId('review-open').locator('.review-comment').count()).toBe(2);
    await screenshot(page, 'review-changes-requested');

    // Allowed (Enter in its terminal): it edits line 1 and its turn ends (its Stop hook): ready for
    // re-review, here and in the attention list.
    await page.getByTestId('tab-terminal').click();
    await page.locator('[data-testid="terminal"] .xterm-helper-textarea').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => terminalText(page), { timeout: 30_000 }).toContain('Renamed hello to greet.');
    expect(readFileSync(path.join(session.worktreePath, file), 'utf8')).toBe(renamed);
    await page.getByTestId('tab-review').click();
    await expect.poll(() => page.getByTestId('review-status').getAttribute('data-status'), { timeout: 30_000 }).toBe('ready-for-re-review');
    await expect.poll(() => page.getByTestId(`attention-review-${session.id}`).getAttribute('data-status')).toBe('ready-for-re-review');
    await expect.poll(() => page.getByTestId('attention-group-review').getByTestId(`attention-item-${session.id}`).count()).toBe(1);
    expect(model.errors).toEqual([]);
    await screenshot(page, 'review-ready');

    // Re-review: line 1 changed (addressed), line 2 did not (open).
    await expect.poll(() => page.getByTestId('review-comment-c1').getAttribute('data-outcome'), { timeout: 10_000 }).toBe('addressed');
    expect(await page.getByTestId('review-comment-c2').getAttribute('data-outcome')).toBe('open');
    await screenshot(page, 'review-re-review');

    // A restart: a new host process on the same repository shows the same review.
    await live.app.close();
    live.app = await openApp({ env });
    page = live.app.page;
    await openRepo(page, repo.root);
    await page.getByTestId(`session-open-${session.id}`).click();
    await page.getByTestId('tab-review').click();
    await expect.poll(() => page.getByTestId('review-comment-c1').getAttribute('data-outcome'), { timeout: 15_000 }).toBe('addressed');
    expect(await page.getByTestId('review-comment-c2').getAttribute('data-outcome')).toBe('open');
    expect(await page.getByTestId('review-body-c2').textContent()).toBe('Use a shift instead of a multiplication.');
    expect(readFileSync(path.join(session.worktreePath, file), 'utf8')).toContain('greet');

    await page.getByTestId('review-approve').click();
    await expect.poll(() => page.getByTestId('review-status').getAttribute('data-status')).toBe('approved');
    await expect.poll(() => page.getByTestId('session-review-chip').getAttribute('data-status')).toBe('approved');
    await screenshot(page, 'review-approved');
  }, 240_000);
});
