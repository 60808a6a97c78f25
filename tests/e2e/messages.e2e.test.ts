import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentRun } from '../../shared/agents';
import type { CouncilMessage } from '../../shared/council';
import type { Session } from '../../shared/models';
import { Council } from '../../electron/core/council';
import { RunStore } from '../../electron/core/agents/run-store';
import { fakeAgentProgram } from '../agents/fake-agents';
import { requireCli, testUser } from '../agents/harness';
import { startModelServer } from '../support/model-server/index';
import { council as cli, councilJson, REPO_ROOT } from '../helpers/cli';
import { makeRepo, tempDir, type TestRepo } from '../helpers/repo';
import { browserUnavailable, envWithoutAgents, openApp, openRepo, screenshot, type Harness } from './browser';

/**
 * Issue 15, item 4 in real Chromium against a real `council serve`: a message written in a
 * session's Messages tab is typed into its interactive agent's terminal (the fake agent standing in
 * for Claude Code records every line it reads), and queued for a headless one, which is resumed
 * with it when its run ends (it records the arguments it was resumed with); the feed (#/messages)
 * sends to every session; messages written by another process (the CLI) appear without a reload,
 * and those to the person supervising are counted unread in the navigation and the attention list
 * until shown.
 */
const unavailable = browserUnavailable();
if (unavailable) console.warn(`\n⚠ SKIPPING the messages browser tests: ${unavailable}\n`);

const lines = (file: string): string[] => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean) : []);

describe.skipIf(unavailable !== null).sequential('messages in the app', () => {
  let app: Harness | null = null;
  let repo: TestRepo;
  let council: Council;
  const dir = tempDir();
  const stamps = path.join(dir, 'stdin.jsonl');
  const argv = path.join(dir, 'argv.jsonl');
  let interactive: Session;
  let headless: Session;

  /** The host's own API (its token in the URL), as the app's transport calls it. */
  async function invoke<T>(command: string, input: unknown): Promise<T> {
    const url = new URL(app!.host.url);
    const response = await fetch(new URL('/api/invoke', url.origin), { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${url.searchParams.get('token') ?? ''}` }, body: JSON.stringify({ command, input }) });
    const result = (await response.json()) as { ok: boolean; value?: T; error?: { message: string } };
    if (!result.ok) throw new Error(`${command}: ${result.error?.message}`);
    return result.value as T;
  }

  const created = (task: string): Session => {
    const made = councilJson<Session[]>(['session', 'create', '--task', task, '--agent', 'claude', '--no-start'], { cwd: repo.root });
    if (!made.result.ok) throw new Error(made.result.error.message);
    return made.result.value[0] as Session;
  };

  /** The fake Claude Code with this script, for the next agent started. */
  const script = (steps: unknown[]) => council.ws.updateSettings({ agents: { claude: { path: fakeAgentProgram(), env: { FAKE_AGENT_SCRIPT: JSON.stringify(steps) } } } });

  const openTab = async (page: Page, id: string) => {
    await page.getByTestId('nav-board').click();
    await page.getByTestId(`session-open-${id}`).click();
    await page.getByTestId('tab-messages').click();
    await expect.poll(() => page.evaluate(() => location.hash)).toContain(`#/session/${id}/messages`);
  };

  const stateOf = (page: Page, text: string) => page.locator('.message', { hasText: text }).locator('.message-state').textContent();

  beforeAll(async () => {
    repo = makeRepo({ 'README.md': '# demo\n' });
    council = Council.open(repo.root);
    app = await openApp();
    await openRepo(app.page, repo.root);
    interactive = created('Interactive: build the API');
    headless = created('Headless: write the docs');
  });

  afterAll(async () => {
    for (const s of [interactive, headless]) if (s) await invoke('agent.stop', { repo: repo.root, id: s.id }).catch(() => undefined);
    await app?.close();
    await council?.close();
  });

  it("from a session's Messages tab: typed into its interactive agent's terminal; the conversation shows it, delivered", async () => {
    const page = app!.page;
    await script([{ stampStdin: stamps }]);
    const run = await invoke<AgentRun>('agent.start', { repo: repo.root, id: interactive.id, preset: 'claude', mode: 'interactive' });
    expect(run.mode).toBe('interactive');
    await openTab(page, interactive.id);
    await expect.poll(() => page.getByTestId('conversation').textContent()).toContain('No messages with this session yet');

    await page.getByTestId('send-session-text').fill('Please keep the old endpoint too.');
    await page.getByTestId('send-session-send').click();
    await expect.poll(() => page.getByTestId('send-session-sent').filter({ hasText: "typed into claude's terminal" }).count()).toBe(1);
    // The agent read it on its stdin, as a line typed by a person.
    await expect.poll(() => lines(stamps).map((l) => (JSON.parse(l) as { line: string }).line), { timeout: 10_000 }).toEqual(['Please keep the old endpoint too.']);
    await expect.poll(() => stateOf(page, 'Please keep the old endpoint too.')).toBe('typed into its terminal');
    expect(await page.locator('[data-testid="conversation-list"] .message').first().getAttribute('data-from')).toBe('supervisor');
    // The log keeps it, with its delivery.
    const [kept] = await invoke<CouncilMessage[]>('council.messages', { repo: repo.root, id: interactive.id });
    expect(kept).toMatchObject({ from: 'supervisor', to: interactive.id, text: 'Please keep the old endpoint too.', deliveries: [{ sessionId: interactive.id, delivered: 'terminal' }] });
    // The follow-up box above is the same way in: what it sends is in the conversation too.
    await page.getByTestId('follow-up-text').fill('Also log each request.');
    await page.getByTestId('follow-up-send').click();
    await expect.poll(() => lines(stamps).length, { timeout: 10_000 }).toBe(2);
    expect((JSON.parse(lines(stamps)[1]!) as { line: string }).line).toBe('Also log each request.');
    await expect.poll(() => page.locator('[data-testid="conversation-list"] .message-text').allTextContents()).toEqual(['Please keep the old endpoint too.', 'Also log each request.']);
    await expect.poll(() => stateOf(page, 'Also log each request.')).toBe('typed into its terminal');
    await screenshot(page, 'messages-session-interactive');
  }, 90_000);

  it('to a running headless agent: queued, then the agent is resumed with it when its run ends; the state follows live', async () => {
    const page = app!.page;
    await script([{ claude: 'init', sessionId: 'conv-docs' }, { argvTo: argv }, { sleep: 4000 }, { claude: 'result', text: 'done' }]);
    await invoke<AgentRun>('agent.start', { repo: repo.root, id: headless.id, preset: 'claude', mode: 'headless' });
    await expect.poll(() => lines(argv).length, { timeout: 15_000 }).toBe(1);
    await openTab(page, headless.id);
    await page.getByTestId('send-session-text').fill('Add a section on errors.');
    await page.getByTestId('send-session-text').press('Enter');
    await expect.poll(() => page.getByTestId('send-session-sent').filter({ hasText: 'it will be resumed with this follow-up' }).count()).toBe(1);
    await expect.poll(() => stateOf(page, 'Add a section on errors.')).toBe('waiting in its inbox');
    await screenshot(page, 'messages-session-headless-queued');
    // Its run ends; the host resumes its conversation with the message.
    await expect.poll(() => lines(argv).length, { timeout: 20_000 }).toBe(2);
    expect(JSON.parse(lines(argv)[1]!)).toEqual(expect.arrayContaining(['--resume=conv-docs', 'Add a section on errors.']));
    // Without a reload: the inbox changed, the feed's state with it.
    await expect.poll(() => stateOf(page, 'Add a section on errors.'), { timeout: 10_000 }).toBe('resumed its agent');
    const store = new RunStore(council.ws.paths);
    await expect.poll(() => store.latest(headless.id)?.state, { timeout: 20_000 }).toBe('done');
  }, 90_000);

  it('the feed (#/messages) sends to every session: typed into the interactive one, kept in the inbox of the ended one', async () => {
    const page = app!.page;
    await page.getByTestId('nav-messages').click();
    await expect.poll(() => page.evaluate(() => location.hash)).toMatch(/^#\/messages\?repo=/);
    await expect.poll(() => page.locator('[data-testid="messages-feed"] .message').count()).toBe(3);
    await page.getByTestId('send-all-text').fill('Freeze the public API until 5pm.');
    await page.getByTestId('send-all-send').click();
    await expect.poll(() => page.getByTestId('send-all-sent').first().textContent()).toContain('Sent to 2 sessions');
    await expect.poll(() => lines(stamps).length, { timeout: 10_000 }).toBe(3);
    expect((JSON.parse(lines(stamps)[2]!) as { line: string }).line).toBe('Freeze the public API until 5pm.');
    await expect.poll(() => stateOf(page, 'Freeze the public API')).toBe('1 delivered, 1 waiting');
    const all = page.locator('.message', { hasText: 'Freeze the public API' });
    expect(await all.getAttribute('data-to')).toBe('all');
    expect(await all.locator('.message-deliveries').textContent()).toContain(`${headless.id} waiting in its inbox`);
    // The ended headless agent was not resumed by a message to all: still two starts.
    expect(lines(argv)).toHaveLength(2);
    // Newest last.
    const texts = await page.locator('[data-testid="messages-feed"] .message-text').allTextContents();
    expect(texts).toEqual(['Please keep the old endpoint too.', 'Also log each request.', 'Add a section on errors.', 'Freeze the public API until 5pm.']);
  }, 60_000);

  it('written by another process (the CLI): appears live; messages to the supervisor are unread in the nav and the attention list until shown', async () => {
    const page = app!.page;
    // The feed is open: a message from one agent to another, written by the CLI, appears without a reload.
    const peer = cli(['send', interactive.id, '--from', headless.id, '-m', 'I renamed docs/api.md to docs/http.md'], { cwd: repo.root });
    expect(peer.code, peer.stderr).toBe(0);
    await expect.poll(() => page.locator('[data-testid="messages-feed"] .message').count(), { timeout: 10_000 }).toBe(5);
    const between = page.locator('.message', { hasText: 'I renamed docs/api.md' });
    expect(await between.getAttribute('data-from')).toBe(headless.id);
    expect(await between.locator('.message-head').textContent()).toContain('Headless: write the docs');

    // Elsewhere (the first session's view), a question to the supervisor comes in.
    await openTab(page, interactive.id);
    expect(await page.getByTestId('nav-messages-unread').count()).toBe(0);
    const ask = cli(['send', '--supervisor', '--from', headless.id, '-m', 'Should errors use RFC 7807?'], { cwd: repo.root });
    expect(ask.code, ask.stderr).toBe(0);
    await expect.poll(() => page.getByTestId('nav-messages-unread').getAttribute('data-count'), { timeout: 10_000 }).toBe('1');
    await expect.poll(() => page.getByTestId(`attention-unread-${headless.id}`).getAttribute('data-count')).toBe('1');
    expect(await page.getByTestId('attention-unread').textContent()).toBe('1 unread message to you');
    expect(await page.getByTestId(`attention-unread-${interactive.id}`).count()).toBe(0);
    await screenshot(page, 'messages-unread-attention');

    // On the board, the sending session's card says so too.
    await page.getByTestId('nav-board').click();
    await expect.poll(() => page.getByTestId(`card-unread-${headless.id}`).getAttribute('data-count')).toBe('1');
    expect(await page.getByTestId(`card-unread-${interactive.id}`).count()).toBe(0);

    // Shown in the sending session's conversation: read (in the log too), the badges go.
    await openTab(page, interactive.id);
    await page.getByTestId(`attention-item-${headless.id}`).click();
    await expect.poll(() => page.evaluate(() => location.hash)).toContain(`#/session/${headless.id}/messages`);
    await expect.poll(() => page.locator('[data-testid="conversation-list"] .message-text').allTextContents()).toEqual([
      'Add a section on errors.',
      'Freeze the public API until 5pm.',
      'I renamed docs/api.md to docs/http.md',
      'Should errors use RFC 7807?',
    ]);
    // The one that was unread when shown stays marked new while the view is open; the others are not.
    const question = page.locator('[data-testid="conversation-list"] .message', { hasText: 'Should errors use RFC 7807?' });
    expect(await question.getAttribute('data-new')).toBe('true');
    expect(await question.locator('.message-new-mark').textContent()).toBe('new');
    expect(await page.locator('[data-testid="conversation-list"] .message[data-new]').count()).toBe(1);
    await screenshot(page, 'messages-conversation');
    await expect.poll(() => page.getByTestId('nav-messages-unread').count(), { timeout: 10_000 }).toBe(0);
    expect(await page.getByTestId('attention-unread').count()).toBe(0);
    const log = await invoke<CouncilMessage[]>('council.messages', { repo: repo.root });
    expect(log.find((m) => m.text === 'Should errors use RFC 7807?')?.readAt).toEqual(expect.any(String));

    // The feed, after a reload, at its own address: everything, with its delivery.
    await page.getByTestId('nav-messages').click();
    await page.reload();
    await expect.poll(() => page.locator('[data-testid="messages-feed"] .message').count(), { timeout: 15_000 }).toBe(6);
    expect(await stateOf(page, 'Should errors use RFC 7807?')).toBe('read');
    expect(await page.locator('[data-testid="messages-feed"] .message[data-new]').count()).toBe(0);
    // Newest last, the box to all under it, and the newest in view; a session's id is never cut off
    // with its task (the task is cut instead).
    const last = page.locator('[data-testid="messages-feed"] .message').last();
    expect(await last.locator('.message-text').textContent()).toBe('Should errors use RFC 7807?');
    // In view above the docked box (not hidden under it).
    const aboveBox = (el: Element) => el.getBoundingClientRect().bottom <= (document.querySelector('[data-testid="send-all"]')?.getBoundingClientRect().top ?? 0) + 1;
    await expect.poll(() => last.evaluate(aboveBox)).toBe(true);
    const [lastBox, boxBox] = await Promise.all([last.boundingBox(), page.getByTestId('send-all').boundingBox()]);
    expect(boxBox!.y).toBeGreaterThan(lastBox!.y);
    const party = last.locator('.message-party').first();
    const [partyBox, idBox] = await Promise.all([party.boundingBox(), party.locator('.mono').boundingBox()]);
    expect(await party.locator('.mono').textContent()).toBe(`(${headless.id})`);
    expect(idBox!.x + idBox!.width).toBeLessThanOrEqual(partyBox!.x + partyBox!.width + 0.5);
    // A question that arrives while the feed is open is shown new; it is read on disk at once.
    const later = cli(['send', '--supervisor', '--from', interactive.id, '-m', 'Can I take src/errors.ts?'], { cwd: repo.root });
    expect(later.code, later.stderr).toBe(0);
    const arrived = page.locator('[data-testid="messages-feed"] .message', { hasText: 'Can I take src/errors.ts?' });
    await expect.poll(() => arrived.getAttribute('data-new'), { timeout: 10_000 }).toBe('true');
    expect(await arrived.locator('.message-new-mark').textContent()).toBe('new');
    await expect.poll(async () => (await invoke<CouncilMessage[]>('council.messages', { repo: repo.root })).find((m) => m.text === 'Can I take src/errors.ts?')?.readAt, { timeout: 10_000 }).toEqual(expect.any(String));
    await expect.poll(() => arrived.evaluate(aboveBox)).toBe(true);
    // The nav's count clears once the store hears of the read (the shared-state watch): it may show 1 a moment.
    await expect.poll(() => page.getByTestId('nav-messages-unread').count(), { timeout: 10_000 }).toBe(0);
    await screenshot(page, 'messages-feed');

    // A long message (a pasted log, a review quoting code) is folded to its first lines, so it does
    // not push the others out of view; one click shows it whole, another folds it again.
    const long = ['Test log of the failing run:', ...Array.from({ length: 39 }, (_, i) => `  at step ${i + 1}: ok`)].join('\n');
    const sent = cli(['send', interactive.id, '--from', headless.id, '-m', long], { cwd: repo.root });
    expect(sent.code, sent.stderr).toBe(0);
    const folded = page.locator('[data-testid="messages-feed"] .message', { hasText: 'Test log of the failing run:' });
    await folded.waitFor({ timeout: 10_000 });
    const text = folded.locator('.message-text');
    expect(await text.textContent()).toBe(long.split('\n').slice(0, 8).join('\n'));
    const fold = folded.locator('.message-fold');
    expect(await fold.textContent()).toBe('Show all (32 more lines)');
    await screenshot(page, 'messages-feed-folded');
    await fold.click();
    expect(await text.textContent()).toBe(long);
    expect(await fold.getAttribute('aria-expanded')).toBe('true');
    await fold.click();
    expect(await text.textContent()).toBe(long.split('\n').slice(0, 8).join('\n'));
  }, 90_000);
});

/**
 * The same from the app with the real Claude Code (interactive, hosted by the browser host) against
 * the scripted model server: the message written in the session's Messages tab is typed into its
 * terminal and is in the model's next request, on the same conversation.
 */
describe.skipIf(unavailable !== null)('a message from the app reaches the real Claude Code', () => {
  const closers: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
  });

  it("is typed into its terminal and is in the model's next request", async () => {
    requireCli('claude');
    const server = await startModelServer([{ text: 'First answer: ALPHA-7731.' }, { text: 'Second answer: BRAVO-4409.' }]);
    closers.push(() => server.close());
    const user = testUser('claude', server.url);
    const repo = makeRepo();
    const council = Council.open(repo.root);
    closers.push(() => council.close());
    await council.ws.updateSettings({ agents: { claude: { path: path.join(REPO_ROOT, 'node_modules', '.bin', 'claude') } } });
    const [session] = (await council.createSessions({ task: 'Say the first code word.', agent: 'claude' })) as [Session];
    // A user who has used Claude Code before and trusts this folder: no start-up question.
    const apiKey = user.env.ANTHROPIC_API_KEY as string;
    writeFileSync(
      path.join(user.home, '.claude.json'),
      JSON.stringify({ hasCompletedOnboarding: true, theme: 'light', customApiKeyResponses: { approved: [apiKey.slice(-20)], rejected: [] }, projects: { [session.worktreePath]: { hasTrustDialogAccepted: true } } }),
    );
    const app = await openApp({ env: { ...user.env, PATH: envWithoutAgents().PATH as string, COUNCIL_APP_BIN: '', TERM: 'xterm-256color' } });
    closers.push(() => app.close());
    const url = new URL(app.host.url);
    const invoke = async (command: string, input: unknown) => {
      const response = await fetch(new URL('/api/invoke', url.origin), { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${url.searchParams.get('token') ?? ''}` }, body: JSON.stringify({ command, input }) });
      return (await response.json()) as { ok: boolean; value?: unknown };
    };
    closers.push(() => invoke('agent.stop', { repo: repo.root, id: session.id }).then(() => undefined));
    expect(await invoke('agent.start', { repo: repo.root, id: session.id, preset: 'claude', mode: 'interactive' })).toMatchObject({ ok: true });
    const turnsWith = (text: string) => server.requests.filter((r) => r.kind === 'turn' && JSON.stringify(r.body).includes(text));
    await expect.poll(() => turnsWith('Say the first code word.').length, { timeout: 60_000, interval: 250 }).toBeGreaterThan(0);
    await expect.poll(() => council.context.get(session.id).status, { timeout: 60_000, interval: 250 }).toBe('done');

    const page = app.page;
    await openRepo(page, repo.root);
    await page.getByTestId(`session-open-${session.id}`).click();
    await page.getByTestId('tab-messages').click();
    const text = 'Now say the second code word.';
    await page.getByTestId('send-session-text').fill(text);
    await page.getByTestId('send-session-send').click();
    await expect.poll(() => page.locator('.message', { hasText: text }).locator('.message-state').textContent(), { timeout: 15_000 }).toBe('typed into its terminal');
    await expect.poll(() => turnsWith(text).length, { timeout: 60_000, interval: 250 }).toBeGreaterThan(0);
    expect(JSON.stringify(turnsWith(text)[0]!.body)).toContain('ALPHA-7731'); // the same conversation
    expect(server.errors).toEqual([]);
    await screenshot(page, 'messages-real-claude');
  }, 240_000);
});
