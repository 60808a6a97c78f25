import path from 'node:path';
import type { Council } from '../electron/core/council';
import type { ContextStatus } from '../shared/models';
import { sharedNow } from './clock';
import { generateRepo, type GeneratedRepo } from './repo-gen';
import type { BenchConfig, SummaryRow } from './result';
import { summarize, type Summary } from './stats';
import { formatMs, renderTable } from './table';
import { addWatches, CARD_SELECTOR, clockOffset, probeReport, rendererBuild, VIEWPORT, type ProbeReport, type UiHarness } from './ui-harness';

/**
 * A product target chosen here, not one the issue sets (it asks for the time): the board of 100
 * sessions should answer a click within a second of "Open".
 */
export const BOARD_USABLE_TARGET_MS = 1000;
const SESSIONS = 100;
const LOCKS = 10;
const FILTER = 'working' satisfies ContextStatus;

/** Status of the i-th session: 40 % working, 10 % blocked, 10 % needs input, 10 % idle, 20 % done, 10 % failed. */
function statusOf(i: number): ContextStatus {
  const slot = i % 10;
  return slot < 4 ? 'working' : slot === 4 ? 'blocked' : slot === 5 ? 'needs-input' : slot === 6 ? 'idle' : slot < 9 ? 'done' : 'failed';
}

/** Gives the 100 sessions varied context (status, current file, progress, messages) and a few locks. */
async function varyContext(council: Council, files: readonly string[]): Promise<{ working: number; locked: { file: string; id: string }[] }> {
  const repo = council.ws.repo.mainRoot;
  const sessions = council.listSessions().slice(0, SESSIONS);
  if (sessions.length < SESSIONS) throw new Error(`the board measurement needs ${SESSIONS} sessions, found ${sessions.length}`);
  let working = 0;
  for (const [i, s] of sessions.entries()) {
    const status = statusOf(i);
    const file = files[i % files.length] as string;
    if (status === 'working') working += 1;
    if (status === 'blocked') {
      await council.context.markBlocked(s.id, `waiting for a lock on ${path.basename(file)}`, file, { cwd: repo });
      continue;
    }
    await council.context.update(
      s.id,
      {
        status,
        currentFile: status === 'working' || status === 'needs-input' ? file : null,
        progress: status === 'done' ? '10/10' : status === 'failed' ? null : `${i % 10}/10`,
        message: status === 'failed' ? 'tests failed: 3 of 120' : i % 3 === 0 ? `step ${i}: editing ${path.basename(file)}` : null,
        agent: ['claude', 'codex', 'aider'][i % 3] ?? null,
      },
      { cwd: repo },
    );
  }
  const locked = sessions.slice(0, LOCKS).map((s, i) => ({ id: s.id, file: path.join(repo, files[(i * 7) % files.length] as string) }));
  for (const l of locked) await council.locks.acquire(l.file, l.id);
  return { working, locked };
}

interface Variant {
  label: string;
  root: string;
  sessions: number;
  /** What "rendered" means, and which click answers "does the page take input". */
  watches: { rendered: string; renderedCount: number; click: string; answered: string; answeredCount: number };
}

interface BoardRound {
  /** Open clicked → every card in the DOM (or, with no sessions, the empty board). */
  rendered: number;
  /** Open clicked → the click's re-render is in the DOM. */
  answered: number;
  /** … and the next animation frame after each (about when it is painted). */
  renderedFrame: number;
  answeredFrame: number;
  /** Open clicked → `repo.open` answered; → the first `sessions.list` answered. */
  repoOpen: number;
  sessionsList: number;
  /** Rendered → the click reached the page (the harness), of which: the page's report of
   * "rendered" reaching the bench, and the bench's click reaching the page. */
  harness: number;
  harnessNotice: number;
  harnessClick: number;
  /** Input created → its listener ran (the main thread was busy for this long). */
  inputDelay: number;
  /** Click listener → re-render in the DOM. */
  clickToDom: number;
  /** The longest long animation frame (≥ 50 ms; 0: none) from Open to the re-render. */
  longestFrame: number;
  invokesBefore: Record<string, number>;
  /** sessions.stats calls (git in the host, for the cards on screen) sent before the re-render, and how many of them had answered by then. */
  statsSent: number;
  statsDone: number;
}

interface Point {
  x: number;
  y: number;
}

const t = (report: ProbeReport, name: string): number => report.marks[name] ?? Number.NaN;

/**
 * One open of the board in a fresh page. The click is a raw mouse press and release (CDP) at
 * `point`, sent the moment the page reports "rendered", so that the harness adds as little as it
 * can (Playwright's locator.click() would first wait for stable frames and hit-test, several
 * round trips). `point` comes from the warm-up round, which asks for the element's box first.
 */
async function round(ui: UiHarness, v: Variant, point: Point | null): Promise<{ result: BoardRound; point: Point }> {
  const { context, page, mark } = await ui.newPage();
  try {
    await page.goto(ui.host.url);
    await page.getByTestId('repo-path-input').fill(v.root);
    await addWatches(page, [
      { name: 'rendered', selector: v.watches.rendered, count: v.watches.renderedCount },
      { name: 'answered', selector: v.watches.answered, count: v.watches.answeredCount, afterClick: v.watches.click },
    ]);
    const cdp = await context.newCDPSession(page);
    await page.getByTestId('repo-open-button').click();
    await mark('rendered');
    const noticed = sharedNow();
    let at = point;
    if (at === null) {
      const box = await page.getByTestId(v.watches.click).boundingBox();
      if (!box) throw new Error(`no ${v.watches.click} on the page`);
      at = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    }
    const mouse = { x: at.x, y: at.y, button: 'left' as const, clickCount: 1 };
    await Promise.all([
      cdp.send('Input.dispatchMouseEvent', { type: 'mouseMoved', x: at.x, y: at.y }),
      cdp.send('Input.dispatchMouseEvent', { type: 'mousePressed', ...mouse }),
      cdp.send('Input.dispatchMouseEvent', { type: 'mouseReleased', ...mouse }),
    ]);
    await mark('answered:frame', 10_000).catch(async (error: unknown) => {
      const clicked = (await probeReport(page)).clicks.map((c) => c.testId).join(', ');
      throw new Error(`${error instanceof Error ? error.message : String(error)} (clicks seen: ${clicked}; the layout moved since the warm-up round?)`);
    });
    const report = await probeReport(page);
    if (report.errors.length) throw new Error(`the page threw: ${report.errors.join('; ')}`);
    const { offset } = await clockOffset(page, 5);
    const open = report.clicks.find((c) => c.testId === 'repo-open-button');
    const click = report.clicks.find((c) => c.testId === v.watches.click);
    if (!open || !click) throw new Error('the probe did not see the clicks');
    const firstEnd = (command: string) => report.invokes.find((i) => i.command === command && Number.isFinite(i.end))?.end ?? Number.NaN;
    const invokesBefore: Record<string, number> = {};
    for (const i of report.invokes) if (i.start >= open.at && i.start <= click.at) invokesBefore[i.command] = (invokesBefore[i.command] ?? 0) + 1;
    const frames = report.longFrames.filter((l) => l.start + l.duration >= open.at && l.start <= t(report, 'answered'));
    return {
      point: at,
      result: {
        rendered: t(report, 'rendered') - open.at,
        answered: t(report, 'answered') - open.at,
        renderedFrame: t(report, 'rendered:frame') - open.at,
        answeredFrame: t(report, 'answered:frame') - open.at,
        repoOpen: firstEnd('repo.open') - open.at,
        sessionsList: firstEnd('sessions.list') - open.at,
        harness: click.eventAt - t(report, 'rendered'),
        harnessNotice: noticed + offset - t(report, 'rendered'),
        harnessClick: click.eventAt - (noticed + offset),
        inputDelay: click.at - click.eventAt,
        clickToDom: t(report, 'answered') - click.at,
        longestFrame: Math.max(0, ...frames.map((l) => l.duration)),
        invokesBefore,
        statsSent: report.invokes.filter((i) => i.command === 'sessions.stats' && i.start <= t(report, 'answered')).length,
        statsDone: report.invokes.filter((i) => i.command === 'sessions.stats' && i.end <= t(report, 'answered')).length,
      },
    };
  } finally {
    await context.close();
  }
}

type Stage = Exclude<keyof BoardRound, 'invokesBefore'>;
const pick = (rounds: readonly BoardRound[], key: Stage): Summary => summarize(rounds.map((r) => r[key]));
const counts = (sent: number, done: number): string => `${Math.round(sent)} / ${Math.round(done)}`;
const p50p95 = (s: Summary): string => `p50 ${formatMs(s.p50)}, p95 ${formatMs(s.p95)}`;

/**
 * Measurement 6: the board with 100 sessions in the browser, time until usable. In a fresh page
 * (own browser context) each round: navigate to the host, type the repository's path, then from
 * the click on Open until (a) all 100 cards are in the DOM and (b) a click on the "working" filter
 * chip has re-rendered the board (the number of cards changed). Baseline: the same on a repository
 * with no sessions (the empty board, and "New session" opening its dialog: an empty board has no
 * filter chips). Rounds alternate between the two; one warm-up round each is discarded (the first
 * open of a repository in a host process also reconciles its registry).
 */
export async function measureUiBoard(cfg: BenchConfig, ui: UiHarness, council: Council, repo: GeneratedRepo, rounds: number): Promise<SummaryRow[]> {
  const { working, locked } = await varyContext(council, repo.samplePaths);
  try {
    const empty = generateRepo(cfg.tmp, `repo-${repo.files}-no-sessions`, repo.files);
    const full: Variant = {
      label: `${SESSIONS} sessions`,
      root: repo.root,
      sessions: SESSIONS,
      watches: { rendered: CARD_SELECTOR, renderedCount: SESSIONS, click: `status-filter-${FILTER}`, answered: CARD_SELECTOR, answeredCount: working },
    };
    const none: Variant = {
      label: 'no sessions',
      root: empty.root,
      sessions: 0,
      watches: { rendered: '[data-testid="empty-state"]', renderedCount: 1, click: 'new-session-button', answered: '[data-testid="new-session-dialog"]', answeredCount: 1 },
    };

    const warmFull = await round(ui, full, null);
    const warmNone = await round(ui, none, null);
    const fullRounds: BoardRound[] = [];
    const noneRounds: BoardRound[] = [];
    for (let i = 0; i < rounds; i++) {
      noneRounds.push((await round(ui, none, warmNone.point)).result);
      fullRounds.push((await round(ui, full, warmFull.point)).result);
    }

    const f = { rendered: pick(fullRounds, 'rendered'), answered: pick(fullRounds, 'answered') };
    const n = { rendered: pick(noneRounds, 'rendered'), answered: pick(noneRounds, 'answered') };
    const stageRows = (label: string, rs: readonly BoardRound[]): (string | number)[][] => {
      const s = (key: Stage) => pick(rs, key);
      return [
        [`${label}: Open → repo.open answered`, rs.length, formatMs(s('repoOpen').p50), formatMs(s('repoOpen').p95), formatMs(s('repoOpen').max)],
        [`${label}: Open → sessions.list answered`, rs.length, formatMs(s('sessionsList').p50), formatMs(s('sessionsList').p95), formatMs(s('sessionsList').max)],
        [`${label}: Open → rendered (DOM)`, rs.length, formatMs(s('rendered').p50), formatMs(s('rendered').p95), formatMs(s('rendered').max)],
        [`${label}: Open → rendered (next frame)`, rs.length, formatMs(s('renderedFrame').p50), formatMs(s('renderedFrame').p95), formatMs(s('renderedFrame').max)],
        [`${label}: rendered → the click reaches the page (harness)`, rs.length, formatMs(s('harness').p50), formatMs(s('harness').p95), formatMs(s('harness').max)],
        [`${label}:   … "rendered" reaches the bench`, rs.length, formatMs(s('harnessNotice').p50), formatMs(s('harnessNotice').p95), formatMs(s('harnessNotice').max)],
        [`${label}:   … the bench's click reaches the page`, rs.length, formatMs(s('harnessClick').p50), formatMs(s('harnessClick').p95), formatMs(s('harnessClick').max)],
        [`${label}: click input delay (main thread busy)`, rs.length, formatMs(s('inputDelay').p50), formatMs(s('inputDelay').p95), formatMs(s('inputDelay').max)],
        [`${label}: click → re-render in the DOM`, rs.length, formatMs(s('clickToDom').p50), formatMs(s('clickToDom').p95), formatMs(s('clickToDom').max)],
        [`${label}: Open → first interaction done (DOM)`, rs.length, formatMs(s('answered').p50), formatMs(s('answered').p95), formatMs(s('answered').max)],
        [`${label}: Open → first interaction done (next frame)`, rs.length, formatMs(s('answeredFrame').p50), formatMs(s('answeredFrame').p95), formatMs(s('answeredFrame').max)],
        [`${label}: longest main-thread frame, Open → re-render`, rs.length, formatMs(s('longestFrame').p50), formatMs(s('longestFrame').p95), formatMs(s('longestFrame').max)],
        [`${label}: sessions.stats calls sent / answered by the re-render`, rs.length, counts(s('statsSent').p50, s('statsDone').p50), counts(s('statsSent').p95, s('statsDone').p95), counts(s('statsSent').max, s('statsDone').max)],
      ];
    };
    const calls = Object.entries(fullRounds.at(-1)?.invokesBefore ?? {})
      .map(([command, count]) => `${command} ×${count}`)
      .join(', ');
    cfg.print(
      renderTable(
        `6. Board in the browser: ${SESSIONS} sessions vs none, time until usable`,
        ['stage (times from the click on Open)', 'n', 'p50', 'p95', 'max'],
        [...stageRows(full.label, fullRounds), ...stageRows(none.label, noneRounds)],
        [
          `${SESSIONS} real sessions of the ${repo.files}-file repository (${working} working, the rest blocked/waiting/done/failed; current file, progress, messages; ${locked.length} locks held); baseline: a ${repo.files}-file repository with no sessions`,
          `each round a fresh page (own browser context, ${VIEWPORT.width}×${VIEWPORT.height}, Chromium ${ui.browser.version()}) against one browser host in the bench process (renderer: ${rendererBuild()}); rounds alternate; one warm-up round each discarded`,
          `first open in the host (the warm-up round; repo.open then reconciles the registry with git worktree list; its click also waited for a query of the target's box): ${full.label} repo.open ${formatMs(warmFull.result.repoOpen)}, rendered ${formatMs(warmFull.result.rendered)}, interaction done ${formatMs(warmFull.result.answered)}; ${none.label} ${formatMs(warmNone.result.repoOpen)} / ${formatMs(warmNone.result.rendered)} / ${formatMs(warmNone.result.answered)}`,
          `interaction: ${full.label} → click on the "${FILTER}" filter chip until ${working} cards remain; ${none.label} → click on "New session" until its dialog is in the DOM (an empty board has no filter chips)`,
          'the page pushes "rendered" to the bench (a binding); the bench then sends a raw mouse press/release (CDP) where the warm-up round found the target: that path is the "harness" row, counted in "first interaction done"',
          `calls the page made between Open and the click (last round): ${calls || '-'}; sessions.stats (per-card git stats, only for cards on screen, 3 at a time) is not waited for: cards show "… files" until it answers`,
          'longest main-thread frame: Long Animation Frames API, frames of 50 ms or more (0: none); with cards, the frame that renders them',
          `target "usable ≤ 1 s" (first interaction done, p95) is a product target chosen for this bench: the issue asks for the time, not for a particular target`,
        ],
      ),
    );
    const target = `usable ≤ ${BOARD_USABLE_TARGET_MS / 1000} s (product target; p95)`;
    const cost = f.rendered.p50 - n.rendered.p50;
    return [
      {
        measurement: `UI board, ${SESSIONS} sessions: Open → cards rendered`,
        ours: p50p95(f.rendered),
        baseline: `no sessions (empty board): ${p50p95(n.rendered)}`,
        value: `${cost < 0 ? '−' : '+'}${formatMs(Math.abs(cost))} at p50`,
        target: '-',
        pass: null,
      },
      {
        measurement: `UI board, ${SESSIONS} sessions: Open → first interaction done`,
        ours: p50p95(f.answered),
        baseline: `no sessions: ${p50p95(n.answered)}`,
        value: `p95 ${formatMs(f.answered.p95)}`,
        target,
        pass: f.answered.p95 <= BOARD_USABLE_TARGET_MS,
      },
      {
        measurement: `UI board, ${SESSIONS} sessions: first open in a new host`,
        ours: `rendered ${formatMs(warmFull.result.rendered)}, interaction ${formatMs(warmFull.result.answered)} (n 1)`,
        baseline: `no sessions: ${formatMs(warmNone.result.rendered)} / ${formatMs(warmNone.result.answered)}`,
        value: `repo.open ${formatMs(warmFull.result.repoOpen)} (reconcile)`,
        target: '-',
        pass: null,
      },
    ];
  } finally {
    for (const l of locked) await council.locks.release(l.file, l.id);
  }
}
