import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueueEntry } from '../../shared/merge';
import type { Session } from '../../shared/models';
import { Council } from '../../electron/core/council';
import { fakeAgentProgram } from '../agents/fake-agents';
import { council, councilJson, sessionsIn, sessionWith } from '../helpers/cli';
import { gitSync, makeRepo, type TestRepo } from '../helpers/repo';
import { browserUnavailable, openApp, openRepo, screenshot, type Harness } from './browser';

/**
 * Issue 14, item 6: the conflict radar by file, end to end — real `council serve`, the real renderer
 * in Chromium, sessions made and committed through the real CLI, and one session whose agent (the
 * fake agent, interactive, in the host's terminal) writes its change and then echoes every line it
 * is sent.
 *
 *   A, B, C, T change line 10 of src/shared.ts, each its own way (T's agent, uncommitted)
 *   B and C each add src/new.ts                                  → add/add
 *   D changes line 20 of src/config.ts, then main changes it too  → D × main (the base moved)
 */
const unavailable = browserUnavailable();
if (unavailable) console.warn(`\n⚠ SKIPPING the radar browser end-to-end tests: ${unavailable}\n`);

const LINES = Array.from({ length: 30 }, (_, i) => `export const line${i + 1} = ${i + 1};`);
const withLine = (n: number, text: string): string => LINES.map((l, i) => (i === n - 1 ? text : l)).join('\n') + '\n';
const SHARED = 'src/shared.ts';
const CONFIG = 'src/config.ts';
const NEW = 'src/new.ts';
const line10 = (who: string): string => `export const line10 = "${who}";`;

describe.skipIf(unavailable !== null)('the conflict radar by file, in a browser', () => {
  let app: Harness;
  let repo: TestRepo;
  let A: Session;
  let B: Session;
  let C: Session;
  let D: Session;
  let T: Session;

  const row = (file: string) => app.page.getByTestId(`radar-file-${file}`);
  const pairBlock = (file: string, a: string, b: string) => row(file).getByTestId(`radar-pair-${a}-${b}`);

  beforeAll(async () => {
    repo = makeRepo({ 'README.md': '# radar demo\n', [SHARED]: LINES.join('\n') + '\n', [CONFIG]: LINES.join('\n') + '\n' });
    A = sessionWith<Session>(repo.root, 'Rename line ten for the parser', { [SHARED]: withLine(10, line10('A')) });
    B = sessionWith<Session>(repo.root, 'Make line ten a string', { [SHARED]: withLine(10, line10('B')), [NEW]: 'export const made = "B";\n' });
    C = sessionWith<Session>(repo.root, 'Localise line ten', { [SHARED]: withLine(10, line10('C')), [NEW]: 'export const made = "C";\n' });
    D = sessionWith<Session>(repo.root, 'Tune line twenty of the config', { [CONFIG]: withLine(20, 'export const line20 = "D";') });
    // T's agent: the fake agent as the claude preset's program, interactive in the host's terminal.
    const script = [{ write: { path: SHARED, content: withLine(10, line10('T')) } }, { print: 'ready for notes\n' }, { echoStdin: true }];
    await Council.open(repo.root).ws.updateSettings({ agents: { claude: { path: fakeAgentProgram(), env: { FAKE_AGENT_SCRIPT: JSON.stringify(script) } } } });
    app = await openApp();
    await openRepo(app.page, repo.root);
  });

  /** T, made from the new-session dialog with its agent interactive (its terminal is the host's); then main moves under D. */
  async function startT(): Promise<void> {
    const { page } = app;
    await page.getByTestId('new-session-button').click();
    await page.getByTestId('new-session-task').fill('Explain line ten in a comment');
    await expect.poll(() => page.getByTestId('new-session-agent-claude-option').textContent(), { timeout: 20_000 }).toContain('0.0.1-fake');
    await page.getByTestId('new-session-agent-claude').check();
    await page.getByTestId('new-session-mode-interactive').check();
    await page.getByTestId('new-session-submit').click();
    await expect.poll(() => sessionsIn<Session>(repo.root).length, { timeout: 20_000 }).toBe(5);
    T = sessionsIn<Session>(repo.root).find((s) => s.agent === 'claude') as Session;
    await expect.poll(() => council(['session', 'logs', T.id], { cwd: repo.root }).stdout, { timeout: 20_000 }).toContain('ready for notes');
    writeFileSync(path.join(repo.root, CONFIG), withLine(20, 'export const line20 = "main";'));
    gitSync(repo.root, 'commit', '-q', '-am', 'main: line twenty');
  }

  afterAll(async () => {
    await app?.close();
  });

  it('one row per file, most sessions first, naming every session and the kind; the base conflict is the base’s', async () => {
    await startT();
    const { page } = app;
    await page.getByTestId('nav-radar').click();
    const rows = page.getByTestId('radar-files').locator(':scope > li');
    const sessionsOf = async (i: number) => ((await rows.nth(i).getAttribute('data-sessions')) ?? '').split(' ').sort();
    await expect.poll(async () => (await rows.count()) === 3 && (await sessionsOf(0)).length, { timeout: 30_000 }).toBe(4);
    expect(await rows.evaluateAll((items) => items.map((li) => li.getAttribute('data-testid')))).toEqual([`radar-file-${SHARED}`, `radar-file-${NEW}`, `radar-file-${CONFIG}`]);
    expect(await sessionsOf(0)).toEqual([A.id, B.id, C.id, T.id].sort());
    expect(await sessionsOf(1)).toEqual([B.id, C.id].sort());
    expect(await sessionsOf(2)).toEqual([D.id]);
    expect(await row(SHARED).getByTestId('radar-kind').allTextContents()).toEqual(['content']);
    expect(await row(NEW).getByTestId('radar-kind').allTextContents()).toEqual(['add/add']);
    // D × main: said as the base moving, naming no other session.
    const config = (await row(CONFIG).textContent()) ?? '';
    expect(config).toContain(`Would conflict with main, which moved since it started: ${D.id} ${D.task}`);
    for (const other of [A, B, C, T]) expect(config).not.toContain(other.id);
    expect(await page.getByTestId('radar-summary').textContent()).toBe('2 files would conflict between 4 sessions; 1 session would conflict with main in 1 file: main moved since it started.');
    // No pair cards: nothing about pairs until a file is opened.
    expect(await page.locator('[data-testid^="radar-pair-"]').count()).toBe(0);

    // From the radar button beside D's badge on the board: the radar focused on D shows only its file, against main.
    await page.getByTestId('nav-board').click();
    // A click on the card's centre, or on the badge's words, opens the session, not the radar.
    const card = page.getByTestId(`session-card-${D.id}`);
    await page.getByTestId(`radar-badge-${D.id}`).waitFor();
    await screenshot(page, 'radar-badge-card');
    for (const target of [card, page.getByTestId(`radar-badge-${D.id}`)]) {
      await target.click(); // at its centre
      await page.getByTestId('session-view').waitFor();
      expect(await page.getByTestId('session-branch').textContent()).toContain(D.id);
      expect(await page.getByTestId('radar-focus').count()).toBe(0);
      await page.getByTestId('nav-board').click();
      await card.waitFor();
    }
    await page.getByTestId(`radar-open-${D.id}`).click();
    await page.getByTestId('radar-focus').waitFor();
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().getAttribute('data-testid')).toBe(`radar-file-${CONFIG}`);
    expect(await page.getByTestId('radar-summary').textContent()).toBe('1 session would conflict with main in 1 file: main moved since it started.');
    await page.getByTestId('radar-show-all').click();
    await expect.poll(() => rows.count()).toBe(3);
  });

  it('opening a file shows each pair’s clashing lines, each side’s own; against the base, the base’s', async () => {
    const { page } = app;
    expect(await page.getByTestId('nav-radar-count').textContent()).toBe('3');
    await page.getByTestId(`radar-file-toggle-${CONFIG}`).click();
    const dBase = pairBlock(CONFIG, D.id, 'base');
    await expect.poll(() => dBase.getByTestId('radar-hunk-a').textContent(), { timeout: 15_000 }).toBe('export const line20 = "D";');
    expect(await dBase.getByTestId('radar-hunk-b').textContent()).toBe('export const line20 = "main";');
    expect(await dBase.textContent()).toContain(`main moved since session ${D.id} started`);
    // The base has no actions (it is where the others merge), and merging D first is no way out.
    expect(await dBase.locator('button[data-testid^="radar-merge-first-"]').count()).toBe(0);
    expect(await dBase.locator('button[data-testid^="radar-tell-"]').evaluateAll((b) => b.map((x) => x.getAttribute('data-testid')))).toEqual([`radar-tell-${D.id}`]);

    await page.getByTestId(`radar-file-toggle-${NEW}`).click();
    const bc = pairBlock(NEW, B.id, C.id);
    await expect.poll(() => bc.getByTestId('radar-hunk-a').textContent(), { timeout: 15_000 }).toBe('export const made = "B";');
    expect(await bc.getByTestId('radar-hunk-b').textContent()).toBe('export const made = "C";');
    expect(await bc.textContent()).toContain(`Sessions ${B.id} and ${C.id} each added this file, with different content`);
    // The screenshot for the README: the notices (the agent started) out of the way.
    const dismiss = page.getByRole('button', { name: 'Dismiss' });
    while ((await dismiss.count()) > 0) await dismiss.first().click();
    await page.mouse.move(0, 0);
    await screenshot(page, 'radar-files');
    await page.getByTestId('theme-toggle').click();
    await screenshot(page, 'radar-files-dark');
    await page.getByTestId('theme-toggle').click();

    await page.getByTestId(`radar-file-toggle-${SHARED}`).click();
    // Six pairs among four sessions, each with its lines.
    await expect.poll(() => row(SHARED).locator('[data-testid^="radar-pair-"]').count()).toBe(6);
    const ab = pairBlock(SHARED, A.id, B.id);
    await expect.poll(() => ab.getByTestId('radar-hunk-a').textContent(), { timeout: 15_000 }).toBe(line10('A'));
    expect(await ab.getByTestId('radar-hunk-b').textContent()).toBe(line10('B'));
    expect(await ab.getByTestId('radar-hunk-base').textContent()).toBe('export const line10 = 10;');
    expect(await ab.textContent()).toContain(`Sessions ${A.id} and ${B.id} changed the same lines`);
    expect(await ab.textContent()).toContain('export const line9 = 9;');
    await screenshot(page, 'radar-by-file');
  });

  it('"Open diff" goes to that session’s diff', async () => {
    const { page } = app;
    await pairBlock(SHARED, A.id, B.id).getByTestId(`radar-diff-${B.id}`).click();
    await expect.poll(() => page.evaluate(() => location.hash)).toContain(`#/session/${B.id}/diff`);
    await expect.poll(() => page.getByTestId('tab-diff').getAttribute('aria-selected')).toBe('true');
    // …landing on the file in conflict: named in the address, the current file of the diff.
    expect(await page.evaluate(() => location.hash)).toContain(`&file=${encodeURIComponent(SHARED)}`);
    await expect.poll(() => page.getByTestId(`diff-file-${SHARED}`).getAttribute('aria-current'), { timeout: 15_000 }).toBe('true');
    await expect.poll(() => page.getByTestId(`diff-section-${SHARED}`).evaluate((el) => Math.round(el.getBoundingClientRect().top))).toBeLessThan(200);
    await page.goBack();
    await page.getByTestId('radar-files').waitFor();
  });

  it('"Tell its agent" sends the prefilled note, naming the file and the other session’s task, into the agent’s terminal', async () => {
    const { page } = app;
    await page.getByTestId(`radar-file-toggle-${SHARED}`).click();
    // The pair of A and T, in registry order (T was made last).
    const at = pairBlock(SHARED, A.id, T.id);
    await at.getByTestId(`radar-tell-${T.id}`).click();
    const text = at.getByTestId('radar-tell-text');
    const note = await text.inputValue();
    expect(note).toContain(SHARED);
    expect(note).toContain(`session ${A.id} (its task: "${A.task}"`);
    await at.getByTestId('radar-tell-send').click();
    await at.getByTestId('radar-tell-sent').waitFor({ timeout: 15_000 });
    expect(await at.getByTestId('radar-tell-sent').textContent()).toContain("typed into claude's terminal and submitted");
    await at.scrollIntoViewIfNeeded();
    await screenshot(page, 'radar-tell');
    await expect.poll(() => council(['session', 'logs', T.id], { cwd: repo.root }).stdout, { timeout: 15_000 }).toContain(`echo: ${note}`);
    // A has no agent: the note is not sent, and the box says why.
    await at.getByTestId(`radar-tell-${A.id}`).click();
    expect(await at.getByTestId('radar-tell-text').inputValue()).toContain(`session ${T.id} (its task: "${T.task}"`);
    await at.getByTestId('radar-tell-send').click();
    await expect.poll(() => at.getByTestId('radar-tell-error').textContent(), { timeout: 15_000 }).toContain(`session ${A.id} has no agent yet`);
    expect(await at.getByTestId('radar-tell-sent').count()).toBe(0);
  });

  it('a lock held by a session whose agent is running: the radar names its owner; the locks view force-releases it after naming the owner', async () => {
    const { page } = app;
    expect(council(['lock', 'acquire', SHARED, '--session', T.id], { cwd: repo.root }).code).toBe(0);
    await expect.poll(() => row(SHARED).textContent(), { timeout: 15_000 }).toContain(`locked by ${T.id}`);
    await page.getByTestId('nav-locks').click();
    const release = page.getByTestId(`lock-release-${SHARED}`);
    await release.waitFor({ timeout: 15_000 });
    await release.click();
    const dialog = page.getByTestId('release-lock-dialog');
    expect(await dialog.getByRole('heading').textContent()).toBe(`Force-release ${SHARED}?`);
    expect(await page.getByTestId('release-lock-owner').textContent()).toContain(`Session ${T.id} (${T.task}) holds it.`);
    expect(await page.getByTestId('release-lock-running').textContent()).toBe('Its agent is running right now and may be editing this file.');
    expect(await page.getByTestId('release-lock-confirm').textContent()).toBe('Force release');
    await page.getByTestId('release-lock-cancel').click();
    expect(council(['lock', 'who', SHARED], { cwd: repo.root }).stdout).toContain(`locked by session ${T.id}`);
    await release.click();
    await page.getByTestId('release-lock-confirm').click();
    await expect.poll(() => page.getByTestId(`lock-row-${SHARED}`).count(), { timeout: 10_000 }).toBe(0);
    expect(council(['lock', 'who', SHARED], { cwd: repo.root }).stdout).toContain(`${SHARED} is not locked`);
    await page.getByTestId('nav-radar').click();
    await page.getByTestId('radar-files').waitFor();
    await page.getByTestId(`radar-file-toggle-${SHARED}`).click();
  });

  it('"Merge X first" asks, naming X, then puts X in the merge queue', async () => {
    const { page } = app;
    const ab = pairBlock(SHARED, A.id, B.id);
    await ab.getByTestId(`radar-merge-first-${A.id}`).click();
    const dialog = page.getByTestId('radar-merge-dialog');
    await dialog.waitFor();
    expect(await page.getByTestId('radar-merge-what').textContent()).toContain(`Session ${A.id} (${A.task}) goes into the merge queue now`);
    expect(await dialog.textContent()).toContain(`Then session ${B.id} will conflict with main in ${SHARED}`);
    await screenshot(page, 'radar-merge-first');
    await page.getByTestId('radar-merge-cancel').click();
    const queue = (): QueueEntry[] => {
      const run = councilJson<QueueEntry[]>(['queue', 'list'], { cwd: repo.root });
      if (!run.result.ok) throw new Error(run.result.error.message);
      return run.result.value;
    };
    expect(queue()).toEqual([]);
    await ab.getByTestId(`radar-merge-first-${A.id}`).click();
    await page.getByTestId('radar-merge-confirm').click();
    await page.getByTestId('radar-merge-queued').waitFor({ timeout: 15_000 });
    expect(queue().map((e) => e.sessionId)).toEqual([A.id]);
    // The queue merges it: A's line is main's now, and the radar says B, C and T now collide with main.
    await expect.poll(() => gitSync(repo.root, 'show', `main:${SHARED}`), { timeout: 30_000 }).toContain(line10('A'));
    await expect.poll(() => page.getByTestId('radar-summary').textContent(), { timeout: 30_000 }).toMatch(/would conflict with main in \d+ files?: main moved since they started/);
    // The open row follows: B against main, main's line now A's.
    const bBase = pairBlock(SHARED, B.id, 'base');
    await expect.poll(() => bBase.getByTestId('radar-hunk-b').textContent(), { timeout: 15_000 }).toBe(line10('A'));
    expect(await bBase.getByTestId('radar-hunk-a').textContent()).toBe(line10('B'));
  });
});
