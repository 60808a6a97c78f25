import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { Council } from '../electron/core/council';
import type { Session } from '../shared/models';
import { rawGit } from './git-exec';
import { generateRepo, relPathOf } from './repo-gen';
import type { BenchConfig, SummaryRow } from './result';
import { runStandaloneIfMain } from './standalone';
import { summarize } from './stats';
import { traceSummary } from './trace-frames';
import { formatMs, renderTable } from './table';
import { addWatches, detectAgentsFirst, probeReport, RENDERER_DIR, rendererBuild, startUi, uiUnavailable, type LongFrame, type UiHarness } from './ui-harness';

/**
 * Issue 14, item 3: the review diff of a session that changed 300 files, one of them a new
 * 5,000-line file, in the real renderer in Chromium through the browser host.
 *   open: a click on the session's card (it opens on its diff) → the first file's first rows painted (the frame after they are in
 *         the DOM), beside the baseline of the same run: raw `git diff` of the same change (what any
 *         diff view must at least wait for) and the host's `diff.get` round trip;
 *   fling: the whole diff scrolled through, 600 px a frame, top to bottom, three times (the diff
 *         opened afresh for each): the longest frame of all (requestAnimationFrame gaps, and
 *         Chromium's long-animation-frame entries), beside a static page scrolled the same way.
 *         That is a fling: files wait while the page flings (scroll-speed.ts) and render where it
 *         rests, so it measures the scroll itself;
 *   skim: 150 px a frame (below the fling speed, files render as they come into view) over the
 *         first 20,000 px (small files) and the last 20,000 px (the 5,000-line file, the last in the tree's order), three times:
 *         the frames in which files render, beside the static page skimmed the same way;
 *   highlight: the time spent tokenizing (word edits and syntax colour, `diff.highlight` entries).
 */
export const DIFF_OPEN_P50_TARGET_MS = 300;
export const DIFF_FRAME_TARGET_MS = 50;
const FILES = 300;
/** The diff's first file's rows: the diff is open once they are in the page. */
const FIRST_TABLE = '.diff-files > .diff-file:first-child table.diff-table';
const BIG_LINES = 5000;

/** A repository of 300 files and a session that changed them all, one a new 5,000-line file. */
export async function makeDiffSession(cfg: BenchConfig): Promise<{ council: Council; session: Session }> {
  const repo = generateRepo(cfg.tmp, 'repo-diff', FILES);
  const council = Council.open(repo.root);
  const [session] = await council.createSessions({ task: 'bench diff' });
  const s = session as Session;
  for (let i = 0; i < FILES - 1; i++) {
    writeFileSync(
      path.join(s.worktreePath, relPathOf(i)),
      `// generated file ${i}, reviewed\nexport const value${i} = ${i * 2};\nexport function f${i}(x: number): number {\n  const y = x * ${i};\n  return y + ${i};\n}\n`,
    );
  }
  const big = Array.from({ length: BIG_LINES }, (_, i) => `export function generated${i}(input: string): string {\n  return input.repeat(${i % 7}) + '${i}';\n}`).join('\n');
  writeFileSync(path.join(s.worktreePath, 'packages/big.ts'), `${big.split('\n').slice(0, BIG_LINES).join('\n')}\n`);
  return { council, session: s };
}

interface ScrollResult {
  frames: number;
  longestRaf: number;
  over50: number;
  /** The frames over 50 ms: their place in the pass (0: the first timed frame) and length (ms). */
  over50At: [number, number][];
  height: number;
  /** When the pass began and ended (epoch ms on the page's clock, as the long frames' start): where they fell. */
  startedAt: number;
  endedAt: number;
}

/** A fling: 600 px a frame, top to bottom (faster than FLING_PX a frame: files wait until it rests). */
export const FLING = { step: 600, from: 0, to: Number.POSITIVE_INFINITY } as const;
/** Skimming: 150 px a frame (below the fling speed: files render as they come into view). */
export const SKIM_PX = 150;
/** The skim's stretches: the first 20,000 px (small files) and the last 20,000 px (the 5,000-line file, the last in the tree's order). */
export const SKIM_STRETCH_PX = 20_000;

interface Stretch {
  step: number;
  /** Where the scroll begins (px; negative: that far above the bottom). */
  from: number;
  /** Where it ends (px; negative: that far above the bottom; beyond the bottom: the bottom). */
  to: number;
}

/** Scrolls the page over a stretch, `step` px a frame, recording the gaps between frames. */
async function scrollThrough(page: Page, stretch: Stretch = FLING): Promise<ScrollResult> {
  const to = Number.isFinite(stretch.to) ? stretch.to : 1e12;
  return (await page.evaluate(`new Promise((resolve) => {
    const max = () => document.documentElement.scrollHeight - window.innerHeight;
    const at = (y) => (y < 0 ? max() + y : y);
    const gaps = [];
    window.scrollTo(0, at(${stretch.from}));
    const startedAt = performance.timeOrigin + performance.now();
    let last = performance.now();
    const step = () => {
      const now = performance.now();
      gaps.push(now - last);
      last = now;
      const end = Math.min(at(${to}), max());
      if (window.scrollY >= end - 1 && gaps.length > 5) {
        const timed = gaps.slice(1);
        resolve({ frames: gaps.length, longestRaf: Math.max(...timed), over50: timed.filter((g) => g > 50).length, over50At: timed.map((g, i) => [i, Math.round(g)]).filter(([, g]) => g > 50), height: document.documentElement.scrollHeight, startedAt, endedAt: performance.timeOrigin + performance.now() });
        return;
      }
      window.scrollBy(0, ${stretch.step});
      requestAnimationFrame(step);
    };
    requestAnimationFrame(step);
  })`)) as ScrollResult;
}

/** Both skim stretches, one after the other (a jump between them: not a fling), as one result. */
async function skimThrough(page: Page): Promise<ScrollResult> {
  const top = await scrollThrough(page, { step: SKIM_PX, from: 0, to: SKIM_STRETCH_PX });
  await page.waitForTimeout(300);
  const bottom = await scrollThrough(page, { step: SKIM_PX, from: -SKIM_STRETCH_PX, to: Number.POSITIVE_INFINITY });
  return {
    frames: top.frames + bottom.frames,
    longestRaf: Math.max(top.longestRaf, bottom.longestRaf),
    over50: top.over50 + bottom.over50,
    over50At: [...top.over50At, ...bottom.over50At.map(([i, g]): [number, number] => [top.frames + i, g])],
    height: bottom.height,
    startedAt: top.startedAt,
    endedAt: bottom.endedAt,
  };
}

/**
 * The floor for the scroll figure: a static page of the same height (plain text rows of the diff's
 * row height, a coloured word in each, no script), scrolled the same way in the same browser under
 * the same load. No diff view can scroll with shorter frames than this page does here.
 */
async function scrollFloor(ui: UiHarness, height: number, how: (page: Page) => Promise<ScrollResult> = scrollThrough): Promise<ScrollResult> {
  const { context, page } = await ui.newPage();
  try {
    await showStaticPage(page, height);
    return await how(page);
  } finally {
    // Not masking the error that brought us here (a browser gone under load closes its contexts too).
    await context.close().catch(() => undefined);
  }
}

/** The floor's page: plain text rows of the diff's row height, a coloured word in each, no script. */
export async function showStaticPage(page: Page, height: number): Promise<void> {
  const rows = Math.max(100, Math.round(height / 19));
  await page.setContent(`<html><body style="margin:0;font:12.5px monospace">${Array.from({ length: rows }, (_, i) => `<div style="height:19px;white-space:pre">${i + 1}  <span style="color:#8639c4">export</span> function generated${i}(input: string): string {</div>`).join('')}</body></html>`);
  await page.waitForTimeout(300);
}

/** Where the long frames' time went while scrolling: the longest first, each with its longest scripts (LoAF attribution). */
/** A long frame, with where it fell in its scroll pass (ms from the pass's start, and the pass's length). */
export type PassFrame = LongFrame & { inPass?: { at: number; of: number } };

export function attribution(frames: readonly PassFrame[], top = 6): string[] {
  return [...frames]
    .sort((a, b) => b.duration - a.duration)
    .slice(0, top)
    .map((f) => {
      const scripts = f.scripts.slice(0, 3).map((s) => `${s.invoker} ${s.source} ${formatMs(s.duration)}${s.forcedStyleAndLayout > 1 ? ` (forced layout ${formatMs(s.forcedStyleAndLayout)})` : ''}`);
      const scripted = f.scripts.reduce((n, s) => n + s.duration, 0);
      const where = f.inPass ? ` at ${Math.round(f.inPass.at)} ms of the pass's ${Math.round(f.inPass.of)}` : '';
      return `  long frame ${formatMs(f.duration)}${where}: scripts ${formatMs(scripted)}, style+layout+paint ${formatMs(f.styleAndLayout)}${scripts.length ? ` — ${scripts.join('; ')}` : ''}`;
    });
}

const highlightEntries = async (page: Page) =>
  (await page.evaluate(`(() => { const e = performance.getEntriesByName('diff.highlight'); return { n: e.length, total: e.reduce((s, x) => s + x.duration, 0), max: e.reduce((m, x) => Math.max(m, x.duration), 0), inWorker: e.filter((x) => x.detail && x.detail.where === 'worker').length }; })()`)) as { n: number; total: number; max: number; inWorker: number };

/** Scroll passes over the diff (and over the static page), each the diff opened afresh. */
export const SCROLL_PASSES = 3;

export async function measureDiff(cfg: BenchConfig, ui: UiHarness, council: Council, session: Session, rounds: number, scrollPasses = SCROLL_PASSES): Promise<SummaryRow[]> {
  const repo = council.ws.repo.mainRoot;
  await detectAgentsFirst(ui, repo);
  const opens: number[] = [];
  const gets: number[] = [];
  const waits: number[] = [];
  const renders: number[] = [];
  const raw: number[] = [];
  const base = (await rawGit(session.worktreePath, ['merge-base', 'main', 'HEAD'])).trim();
  for (let round = 0; round < rounds; round++) {
    const started = performance.now();
    await rawGit(session.worktreePath, ['diff', base, '-M']);
    await rawGit(session.worktreePath, ['ls-files', '--others', '--exclude-standard']);
    raw.push(performance.now() - started);
  }
  // The host's own time for each diff.get (its handler, in this process): the round trip less it is
  // the transport and the page (its main thread, busy mounting the session view, reads the answer late).
  const hostTimes: number[] = [];
  const hosts: number[] = [];
  const handlers = ui.host.core.handlers as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const handle = handlers['diff.get'];
  if (handle === undefined) throw new Error('the host serves no diff.get');
  handlers['diff.get'] = async (...args: unknown[]) => {
    const started = performance.now();
    try {
      return await handle(...args);
    } finally {
      hostTimes.push(performance.now() - started);
    }
  };
  const { context, page } = await ui.newPage();
  const scrolls: ScrollResult[] = [];
  /** Long-animation-frame entries of the scroll passes only (not of the clicks that open the diff between them). */
  const longFrames: PassFrame[] = [];
  const card = () => page.getByTestId(`session-card-${session.id}`);
  const openDiff = async () => {
    await card().click();
    await page.locator(FIRST_TABLE).waitFor({ timeout: 30_000 });
  };
  const leaveDiff = async () => {
    await page.getByTestId('nav-board').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="diff-tab"]') === null);
  };
  const scrollPass = async (how: (page: Page) => Promise<ScrollResult> = scrollThrough, into: ScrollResult[] = scrolls, frames: PassFrame[] = longFrames) => {
    const before = (await probeReport(page)).longFrames.length;
    const result = await how(page);
    into.push(result);
    // An observer's entries arrive after their frame.
    await page.waitForTimeout(100);
    frames.push(...(await probeReport(page)).longFrames.slice(before).map((f) => ({ ...f, inPass: { at: f.start - result.startedAt, of: result.endedAt - result.startedAt } })));
  };
  const skims: ScrollResult[] = [];
  const skimFrames: PassFrame[] = [];
  const skimFloors: ScrollResult[] = [];
  let highlight!: { n: number; total: number; max: number; inWorker: number };
  let files!: number;
  let traced: string[] = [];
  const floors: ScrollResult[] = [];
  try {
    const url = new URL(ui.host.url);
    url.hash = `#/board?repo=${encodeURIComponent(repo)}`;
    await page.goto(url.toString());
    await card().waitFor({ timeout: 30_000 });
    // One untimed open first (warm-up): the timed rounds are not the page's very first open (the idle
    // run comes first; without it its figures were a cold start's: code compiled, highlighter loaded).
    await openDiff();
    for (let round = 0; round < rounds; round++) {
      await leaveDiff();
      const name = `diff-open-${round}`;
      await addWatches(page, [{ name, selector: FIRST_TABLE, count: 1 }]);
      const before = (await probeReport(page)).clicks.length;
      const hostBefore = hostTimes.length;
      await card().click();
      await page.waitForFunction((mark) => (window as unknown as { __councilBench: { marks: Record<string, number> } }).__councilBench.marks[mark] !== undefined, `${name}:frame`, { timeout: 30_000 });
      const report = await probeReport(page);
      const click = report.clicks.slice(before)[0];
      if (click === undefined) throw new Error(`round ${round}: the click on the session was not seen`);
      opens.push((report.marks[`${name}:frame`] as number) - click.eventAt);
      const host = hostTimes[hostBefore];
      if (host !== undefined) hosts.push(host);
      const get = report.invokes.filter((i) => i.command === 'diff.get' && i.start >= click.at && Number.isFinite(i.end))[0];
      if (get) {
        gets.push(get.end - get.start);
        waits.push(get.start - click.eventAt);
        renders.push((report.marks[`${name}:frame`] as number) - get.end);
      }
    }
    files = await page.locator('[data-testid="diff-tree"] [data-testid^="diff-file-"]').count();
    // COUNCIL_BENCH_TRACE=<file>: a Chromium trace of the scroll, and where its long tasks' time went.
    const tracePath = process.env.COUNCIL_BENCH_TRACE;
    if (tracePath) await ui.browser.startTracing(page, { path: tracePath, categories: (process.env.COUNCIL_BENCH_TRACE_CATEGORIES ?? 'devtools.timeline,blink').split(',') });
    await scrollPass();
    if (tracePath) traced = traceSummary((await ui.browser.stopTracing()).toString('utf8'));
    highlight = await highlightEntries(page);
    // More passes, each on the diff opened afresh (its files rendered again as they come near): one
    // pass's longest frame on a busy machine is as much the scheduler's luck as the page's.
    for (let pass = 1; pass < scrollPasses; pass++) {
      await leaveDiff();
      await openDiff();
      await page.waitForTimeout(500);
      await scrollPass();
    }
    // Skimming, below the fling speed: the files render during the scroll (each pass on the diff opened afresh).
    for (let pass = 0; pass < scrollPasses; pass++) {
      await leaveDiff();
      await openDiff();
      await page.waitForTimeout(500);
      await scrollPass(skimThrough, skims, skimFrames);
    }
    for (let pass = 0; pass < scrollPasses; pass++) floors.push(await scrollFloor(ui, scrolls[0]!.height));
    for (let pass = 0; pass < scrollPasses; pass++) skimFloors.push(await scrollFloor(ui, skims[0]!.height, skimThrough));
  } catch (error) {
    await page.screenshot({ path: path.join(cfg.tmp, '..', 'measure-diff-failure.png') }).catch(() => undefined);
    throw error;
  } finally {
    // Not masking the error that brought us here (a browser gone under load closes its contexts too).
    await context.close().catch(() => undefined);
    handlers['diff.get'] = handle;
  }
  const o = summarize(opens);
  const h = summarize(hosts);
  const w = summarize(waits);
  const d = summarize(renders);
  const g = summarize(gets);
  const r = summarize(raw);
  const scroll = scrolls[0]!;
  // The longest frame of a set of passes (late frames and long-animation-frame entries alike) and the frames over 50 ms.
  const worst = (list: readonly ScrollResult[], frames: readonly LongFrame[] = []) => ({
    longest: Math.max(...list.map((s) => s.longestRaf), ...frames.map((f) => f.duration)),
    over50: list.reduce((n, s) => n + s.over50, 0),
  });
  const perPass = (list: readonly ScrollResult[]) => list.map((s) => `${formatMs(s.longestRaf)}${s.over50 ? ` (${s.over50} over: ${s.over50At.map(([i, g]) => `frame ${i} ${g} ms`).join(', ')})` : ''}`).join(', ');
  const skim = skims[0]!;
  const passes = `${scrolls.length} pass${scrolls.length === 1 ? '' : 'es'}`;
  cfg.print(
    renderTable(
      `Review diff: a session changing ${files} files (one a new ${BIG_LINES.toLocaleString('en-US')}-line file)`,
      ['step', 'n', 'p50', 'p95', 'max'],
      [
        ['baseline: raw git diff <fork point> + ls-files --others (the same change)', r.n, formatMs(r.p50), formatMs(r.p95), formatMs(r.max)],
        ['the host: diff.get round trip (files + patches)', g.n, formatMs(g.p50), formatMs(g.p95), formatMs(g.max)],
        ['  of which: in the host (the diff.get handler: git and the patches read)', h.n, formatMs(h.p50), formatMs(h.p95), formatMs(h.max)],
        ['  of which: click → diff.get sent (the session view mounting)', w.n, formatMs(w.p50), formatMs(w.p95), formatMs(w.max)],
        ['  of which: diff.get answered → first file painted (render)', d.n, formatMs(d.p50), formatMs(d.p95), formatMs(d.max)],
        ['ours: click on the session → the first file of its diff painted', o.n, formatMs(o.p50), formatMs(o.p95), formatMs(o.max)],
      ],
      [
        `renderer: ${rendererBuild()}`,
        `fling top → bottom (${scroll.height ?? '?'} px, ${FLING.step} px a frame, ${scroll.frames ?? '?'} frames; files wait while the page flings and render where it rests), ${passes}, each on the diff opened afresh: longest frame per pass ${perPass(scrolls)}; long-animation-frame entries: ${longFrames.length} (longest ${formatMs(Math.max(0, ...longFrames.map((f) => f.duration)))})`,
        `baseline: a static page of the same height (text rows, no script) scrolled the same way here, ${passes}: longest frame per pass ${perPass(floors)}`,
        `skim (${SKIM_PX} px a frame, below the fling speed: files render as they come into view) over the first and the last ${SKIM_STRETCH_PX.toLocaleString('en-US')} px (${skim.frames} frames), ${passes}, each on the diff opened afresh: longest frame per pass ${perPass(skims)}; long-animation-frame entries: ${skimFrames.length} (longest ${formatMs(Math.max(0, ...skimFrames.map((f) => f.duration)))})`,
        `baseline: the static page skimmed the same way here, ${passes}: longest frame per pass ${perPass(skimFloors)}`,
        'the timed opens follow one untimed open (warm-up) of the same diff in the same page',
        ...attribution(longFrames),
        ...(skimFrames.length ? ['  skim:', ...attribution(skimFrames)] : []),
        ...traced,
        `highlight (word edits + syntax, refractor): ${highlight.n} chunks (${highlight.inWorker} in the worker, off the page's main thread), ${formatMs(highlight.total)} in all, longest chunk ${formatMs(highlight.max)}`,
      ],
    ),
  );
  const frameRow = (what: string, ours: { longest: number; over50: number }, floor: { longest: number; over50: number }, floorName: string, more = ''): SummaryRow => ({
    measurement: `review diff, ${files} files: ${what}`,
    ours: `longest ${formatMs(ours.longest)} (${ours.over50} frames over 50 ms in ${passes})`,
    baseline: `${floorName}: longest ${formatMs(floor.longest)} (${floor.over50} over 50 ms in ${passes})${more}`,
    value: formatMs(ours.longest),
    target: `≤ ${formatMs(DIFF_FRAME_TARGET_MS)}`,
    pass: ours.longest <= DIFF_FRAME_TARGET_MS,
  });
  return [
    {
      measurement: `review diff, ${files} files: open → first file painted (p50)`,
      ours: `p50 ${formatMs(o.p50)}`,
      baseline: `raw git diff p50 ${formatMs(r.p50)}; diff.get p50 ${formatMs(g.p50)}`,
      value: formatMs(o.p50),
      target: `≤ ${formatMs(DIFF_OPEN_P50_TARGET_MS)}`,
      pass: o.p50 <= DIFF_OPEN_P50_TARGET_MS,
    },
    frameRow(`longest frame flinging top → bottom (${FLING.step} px a frame)`, worst(scrolls, longFrames), worst(floors), `static page of the same height`, `; highlight ${formatMs(highlight.total)} in ${highlight.n} chunks (${highlight.inWorker} in the worker)`),
    frameRow(`longest frame skimming (${SKIM_PX} px a frame, files rendering)`, worst(skims, skimFrames), worst(skimFloors), 'static page skimmed the same way'),
  ];
}

/** Standalone (`npx tsx bench/measure-diff.ts [--quick] [--idle-only]`). */
async function standalone(cfg: BenchConfig): Promise<SummaryRow[]> {
  const unavailable = uiUnavailable();
  if (unavailable) throw new Error(unavailable);
  const { council, session } = await makeDiffSession(cfg);
  // COUNCIL_BENCH_RENDERER=<dir>: another build of the renderer (e.g. main's, for a before/after).
  const ui = await startUi(cfg, process.env.COUNCIL_BENCH_RENDERER ?? RENDERER_DIR);
  try {
    return await measureDiff(cfg, ui, council, session, cfg.quick ? 3 : 9, cfg.quick ? 1 : SCROLL_PASSES);
  } finally {
    await ui.close();
  }
}

runStandaloneIfMain(import.meta.url, 'diff', standalone);
