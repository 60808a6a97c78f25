import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { bundleProgram } from './bundle';
import type { Page } from 'playwright-core';
import type { Council } from '../electron/core/council';
import type { DriverConfig } from './edit-driver';
import type { GeneratedRepo } from './repo-gen';
import type { BenchConfig, SummaryRow } from './result';
import { summarize, type Summary } from './stats';
import { formatMs, renderTable } from './table';
import { clockOffset, openRepoInPage, probeReport, type ProbeReport, type UiHarness } from './ui-harness';

export const DIFF_VISIBLE_P95_TARGET_MS = 250;
const SESSIONS = 20;
/** Each writer writes every 50..100 ms. */
const WRITE_EVERY_MS = { min: 50, max: 100 };
/** The load writers start this long before the watched edits, so that the load is already on. */
const LEAD_MS = 1000;
/** Agents' own reports in the third variant: a context update per load session about this often. */
const CONTEXT_EVERY_MS = 1000;
/** After the driver is done, how long an edit may still take to show before it counts as missed. */
const SETTLE_TIMEOUT_MS = 5000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));


interface Written {
  path: string;
  before: number;
}

async function runDriver(bundle: string, config: DriverConfig): Promise<{ edits: Written[]; loadWrites: number; contextUpdates: number; ms: number }> {
  const child = spawn(process.execPath, [bundle, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'pipe'] });
  // A round takes a few seconds; a driver still running after a minute is stuck.
  const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const edits: Written[] = [];
  let done: number[] = [];
  for await (const line of createInterface({ input: child.stdout })) {
    const [kind, a, b, c] = line.split(' ');
    if (kind === 'edit' && a !== undefined) edits.push({ path: a, before: Number(b) });
    else if (kind === 'done') done = [Number(a), Number(b), Number(c)];
  }
  const code = await new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('close', resolve)));
  clearTimeout(guard);
  if (code !== 0 || edits.length !== config.edits) throw new Error(`edit driver failed (exit ${String(code)}, ${edits.length}/${config.edits} edits): ${stderr}`);
  return { edits, loadWrites: done[0] ?? 0, contextUpdates: done[1] ?? 0, ms: done[2] ?? Number.NaN };
}

/** Waits until the page has listed every written path, or the time is up (the rest are missed). */
async function settle(page: Page, paths: readonly string[]): Promise<ProbeReport> {
  const deadline = performance.now() + SETTLE_TIMEOUT_MS;
  for (;;) {
    const report = await probeReport(page);
    if (paths.every((p) => report.seen[p] !== undefined) || performance.now() > deadline) return report;
    await sleep(50);
  }
}

interface EditSample {
  /** Write → `diff-file-<path>` in the DOM (ms), or NaN when it never showed. */
  latency: number;
  /** Write → the first worktree.changed naming the path reached the page. */
  toEvent: number;
  /** Write → the first diff.get request sent after it (the renderer's throttle, or a refresh in flight). */
  toRequest: number;
  /** That request's round trip (git in the host): its answer is the first that can list the file. */
  request: number;
  /** Its answer → the entry in the DOM (React). */
  toDom: number;
}

function analyse(edits: readonly Written[], report: ProbeReport, offset: number): EditSample[] {
  // Page times, shifted onto this process's clock (the driver's shares it: both are Node's
  // performance.timeOrigin + now(), i.e. wall time).
  const node = (pageTime: number) => pageTime - offset;
  const changes = report.invokes.filter((i) => i.command === 'diff.get' && Number.isFinite(i.end));
  return edits.map((e) => {
    const seen = report.seen[e.path];
    const event = report.events.find((ev) => ev.event === 'worktree.changed' && ev.paths?.includes(e.path));
    const request = changes.find((i) => node(i.start) >= e.before);
    return {
      latency: seen === undefined ? Number.NaN : node(seen) - e.before,
      toEvent: event ? node(event.at) - e.before : Number.NaN,
      toRequest: request ? node(request.start) - e.before : Number.NaN,
      request: request ? request.end - request.start : Number.NaN,
      toDom: request && seen !== undefined ? seen - request.end : Number.NaN,
    };
  });
}

interface Variant {
  key: 'alone' | 'loaded' | 'context';
  label: string;
  load: number;
  contextEveryMs: number;
}

const finite = (xs: readonly number[]): number[] => xs.filter((x) => Number.isFinite(x));

/**
 * Measurement 7: edit → the file is listed in the diff, while 20 sessions are edited at once. The
 * page shows ONE session's Diff tab (so that session is watched, its file list live); a driver
 * process writes into all 20 worktrees (each every 50–100 ms); each write in the watched one is a
 * new file src/edit-<n>.ts, and a MutationObserver in the page records when `diff-file-<path>`
 * appears. Baseline: the same with only the watched session written to. For information, a third
 * variant where the other 19 also report context about once a second (as agents' hooks do).
 */
export async function measureUiDiff(
  cfg: BenchConfig,
  ui: UiHarness,
  council: Council,
  repo: GeneratedRepo,
  counts: { editsPerVariant: number; rounds: number },
): Promise<SummaryRow[]> {
  const sessions = council.listSessions().slice(0, SESSIONS);
  if (sessions.length < SESSIONS) throw new Error(`the diff measurement needs ${SESSIONS} sessions, found ${sessions.length}`);
  const [watched, ...others] = sessions;
  if (!watched) throw new Error('no session to watch');
  // src/ exists before the page watches (a file in a folder made the same instant is a harder case
  // for the watcher than an agent's usual edit); and holds no edit-<n>.ts yet (every edit is new).
  for (const s of sessions) {
    rmSync(path.join(s.worktreePath, 'src'), { recursive: true, force: true });
    mkdirSync(path.join(s.worktreePath, 'src'), { recursive: true });
  }
  const bundle = await bundleProgram(cfg, 'edit-driver');

  const variants: Variant[] = [
    { key: 'alone', label: 'only the watched session edited (baseline)', load: 0, contextEveryMs: 0 },
    { key: 'loaded', label: `${SESSIONS} sessions edited at once`, load: others.length, contextEveryMs: 0 },
    { key: 'context', label: `${SESSIONS} edited + context update per session ~1/s (info)`, load: others.length, contextEveryMs: CONTEXT_EVERY_MS },
  ];
  const samples = new Map<Variant['key'], EditSample[]>(variants.map((v) => [v.key, []]));
  const rates = new Map<Variant['key'], { loadWrites: number; contexts: number; seconds: number }>(variants.map((v) => [v.key, { loadWrites: 0, contexts: 0, seconds: 0 }]));
  const perRound = Math.ceil(counts.editsPerVariant / counts.rounds);

  const { context, page } = await ui.newPage();
  const offset = { offset: Number.NaN, uncertainty: Number.NaN };
  try {
    await openRepoInPage(page, ui.host.url, repo.root);
    await page.getByTestId(`session-open-${watched.id}`).click();
    await page.getByTestId('session-view').waitFor();
    await page.getByTestId('tab-diff').click();
    // The snapshot has come back (watch.session answers once the worktree's watcher is ready).
    await page.locator('[data-testid="session-view"] [data-testid="empty-state"], [data-testid="session-view"] .diff-layout').first().waitFor();
    Object.assign(offset, await clockOffset(page));
    await page.evaluate(`window.__councilBench.diffPrefix = 'diff-file-src/edit-'`);

    let next = 1;
    for (let r = 0; r < counts.rounds; r++) {
      for (const v of variants) {
        const config: DriverConfig = {
          repo: repo.root,
          watched: { id: watched.id, worktree: watched.worktreePath },
          load: others.slice(0, v.load).map((s) => ({ id: s.id, worktree: s.worktreePath })),
          edits: perRound,
          firstEdit: next,
          minMs: WRITE_EVERY_MS.min,
          maxMs: WRITE_EVERY_MS.max,
          leadMs: LEAD_MS,
          loadFiles: repo.samplePaths,
          contextEveryMs: v.contextEveryMs,
        };
        next += perRound;
        const run = await runDriver(bundle, config);
        const report = await settle(page, run.edits.map((e) => e.path));
        if (report.errors.length) throw new Error(`the page threw: ${report.errors.join('; ')}`);
        samples.get(v.key)?.push(...analyse(run.edits, report, offset.offset));
        const rate = rates.get(v.key);
        if (rate) {
          rate.loadWrites += run.loadWrites;
          rate.contexts += run.contextUpdates;
          rate.seconds += run.ms / 1000;
        }
        await sleep(300); // let the last refreshes finish before the next round
      }
    }
  } finally {
    await context.close();
  }

  const stats = (key: Variant['key']) => {
    const all = samples.get(key) ?? [];
    const pick = (f: (s: EditSample) => number): Summary => summarize(finite(all.map(f)));
    return {
      n: all.length,
      missed: all.filter((s) => !Number.isFinite(s.latency)).length,
      latency: pick((s) => s.latency),
      toEvent: pick((s) => s.toEvent),
      toRequest: pick((s) => s.toRequest),
      request: pick((s) => s.request),
      toDom: pick((s) => s.toDom),
    };
  };
  const byKey = new Map(variants.map((v) => [v.key, stats(v.key)]));
  const alone = byKey.get('alone')!;
  const loaded = byKey.get('loaded')!;
  const withContext = byKey.get('context')!;
  const rateNote = variants
    .filter((v) => v.load > 0)
    .map((v) => {
      const r = rates.get(v.key)!;
      return `${v.key}: ${(r.loadWrites / r.seconds).toFixed(0)} writes/s into the other ${v.load} worktrees${r.contexts ? ` and ${(r.contexts / r.seconds).toFixed(0)} context updates/s` : ''}`;
    })
    .join('; ');

  cfg.print(
    renderTable(
      `7. Edit → file listed in the Diff tab, ${SESSIONS} sessions edited at once`,
      ['variant', 'edits', 'missed', 'p50', 'p95', 'max', 'write→event p50', 'write→request p50', 'diff.get p50', 'answer→DOM p50'],
      variants.map((v) => {
        const s = byKey.get(v.key)!;
        return [v.label, s.n, s.missed, formatMs(s.latency.p50), formatMs(s.latency.p95), formatMs(s.latency.max), formatMs(s.toEvent.p50), formatMs(s.toRequest.p50), formatMs(s.request.p50), formatMs(s.toDom.p50)];
      }),
      [
        `${SESSIONS} of the ${repo.files}-file repository's sessions; the page shows session ${watched.id}'s Diff tab; every write in it is a new file src/edit-<n>.ts; time from just before the write to the MutationObserver seeing diff-file-<path> in the DOM`,
        `writers: a separate node process (not the browser host's event loop); each session written every ${WRITE_EVERY_MS.min}–${WRITE_EVERY_MS.max} ms, the load writers from ${LEAD_MS} ms before the first watched edit; ${counts.rounds} round(s) per variant, variants alternated`,
        `load actually produced (driver's own count over its run): ${rateNote}; the watched worktree: one new file every ${WRITE_EVERY_MS.min}–${WRITE_EVERY_MS.max} ms`,
        `clocks: page − bench = ${formatMs(offset.offset)} ± ${formatMs(offset.uncertainty)} (best of 15 round trips), subtracted; stages (p50 of each, so they need not add up): write→event = chokidar + the hub's 16 ms batch + socket; write→request = until the first diff.get sent after the write (the event, then the renderer's 100 ms throttle or a refresh in flight); diff.get = its round trip (merge-base, git diff --raw --numstat, git diff -p, ls-files --others, in the host); answer→DOM = React`,
        `missed: not listed within ${formatMs(SETTLE_TIMEOUT_MS)} after the last write (counted as a miss, not in the percentiles)`,
      ],
    ),
  );
  return [
    {
      measurement: `UI edit → diff visible, ${SESSIONS} sessions edited`,
      ours: `p50 ${formatMs(loaded.latency.p50)}, p95 ${formatMs(loaded.latency.p95)}, max ${formatMs(loaded.latency.max)}${loaded.missed ? `, ${loaded.missed} missed` : ''}`,
      baseline: `watched session alone: p50 ${formatMs(alone.latency.p50)}, p95 ${formatMs(alone.latency.p95)}`,
      value: `p95 ${formatMs(loaded.latency.p95)}`,
      target: `p95 ≤ ${formatMs(DIFF_VISIBLE_P95_TARGET_MS)}`,
      pass: loaded.missed === 0 && loaded.latency.p95 <= DIFF_VISIBLE_P95_TARGET_MS,
    },
    {
      measurement: `UI edit → diff visible, + context updates ~1/s`,
      ours: `p50 ${formatMs(withContext.latency.p50)}, p95 ${formatMs(withContext.latency.p95)}${withContext.missed ? `, ${withContext.missed} missed` : ''}`,
      baseline: `file writes only: p95 ${formatMs(loaded.latency.p95)}`,
      value: `p95 ${formatMs(withContext.latency.p95)}`,
      target: '-',
      pass: null,
    },
  ];
}
