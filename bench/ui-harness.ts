import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startHost, type RunningHost } from '../electron/host/server';
import { sharedNow } from './clock';
import type { BenchConfig } from './result';

/**
 * The app's UI for the UI measurements (6 and 7): the built renderer served by the browser host
 * (`startHost`, in this process, as `council serve` runs it), in Debian's Chromium through
 * playwright-core. Every page gets PROBE, a script that runs before the app's own and records, on
 * the page's clock (`performance.timeOrigin + performance.now()`, the same wall clock as
 * `sharedNow()` in Node): clicks, every `/api/invoke` call (command, start, end), every event
 * that arrives on the socket, and when watched selectors reach a given count (MutationObserver).
 */

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const RENDERER_DIR = path.join(REPO_ROOT, 'out', 'renderer');
export const CHROMIUM = process.env.COUNCIL_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];
export const VIEWPORT = { width: 1280, height: 800 };

/** A board card (the article), not the chips and buttons inside it that share the prefix. */
export const CARD_SELECTOR = 'article[data-testid^="session-card-"]';

/** A selector to wait for: `name` is marked the first time `selector` matches exactly `count` elements
 * (after a click on `afterClick`, when given). `name:frame` is marked at the next animation frame. */
export interface ProbeWatch {
  name: string;
  selector: string;
  count: number;
  afterClick?: string;
}

export interface ProbeClick {
  testId: string | null;
  /** When the click listener ran (capture phase on document, before React's handler). */
  at: number;
  /** The event's own timestamp: when the browser created the input event. */
  eventAt: number;
}

export interface ProbeInvoke {
  command: string;
  start: number;
  end: number;
}

export interface ProbeEvent {
  event: string;
  at: number;
  paths: string[] | null;
  seq: number | null;
}

/** A script that ran in a long animation frame (LoAF attribution; Chromium). */
export interface LongFrameScript {
  /** What ran it: an event listener, a callback (`FrameRequestCallback`, `TimerHandler:setTimeout`…), a promise resolution. */
  invoker: string;
  invokerType: string;
  /** `function@file:char` (the build is minified: the file and position say where). */
  source: string;
  /** When it began (epoch ms on the page's clock, as the frame's start). */
  start: number;
  duration: number;
  /** Style and layout forced by the script itself (a layout read after a write). */
  forcedStyleAndLayout: number;
}

/** A long animation frame (main thread busy ≥ 50 ms) and where its time went. */
export interface LongFrame {
  start: number;
  duration: number;
  blocking: number;
  /** From the frame's rendering step (rAF callbacks, style, layout, paint) to its end (ms). */
  render: number;
  /** Style, layout and paint at the frame's end (ms). */
  styleAndLayout: number;
  /** The longest scripts first (at most 6). */
  scripts: LongFrameScript[];
}

export interface ProbeReport {
  clicks: ProbeClick[];
  invokes: ProbeInvoke[];
  events: ProbeEvent[];
  marks: Record<string, number>;
  /** For diffPrefix: repo-relative path → when its `diff-file-<path>` entered the DOM. */
  seen: Record<string, number>;
  errors: string[];
  /** Long animation frames (main thread busy ≥ 50 ms; Chromium), for "where the time goes". */
  longFrames: LongFrame[];
}

/**
 * Plain JavaScript on purpose (a string, not a function): tsx compiles the bench with esbuild's
 * keepNames, whose helpers would not exist inside the page.
 */
const PROBE = String.raw`(() => {
  if (window.__councilBench) return;
  const now = () => performance.timeOrigin + performance.now();
  const probe = { clicks: [], invokes: [], events: [], marks: {}, seen: {}, errors: [], watches: [], diffPrefix: null };
  window.__councilBench = probe;
  // Each mark is also pushed to the bench at once (a binding: no polling, no round trip).
  const notify = (name, at) => { if (typeof window.__councilBenchNotify === 'function') window.__councilBenchNotify(name, at).catch(() => undefined); };
  const mark = (name, at) => {
    probe.marks[name] = at;
    notify(name, at);
    requestAnimationFrame(() => {
      const frameAt = now();
      probe.marks[name + ':frame'] = frameAt;
      notify(name + ':frame', frameAt);
    });
  };
  const checkWatches = (at) => {
    for (const w of probe.watches) {
      if (probe.marks[w.name] !== undefined) continue;
      if (w.afterClick && !probe.clicks.some((c) => c.testId === w.afterClick)) continue;
      if (document.querySelectorAll(w.selector).length === w.count) mark(w.name, at);
    }
  };
  const noteDiffFile = (el, at) => {
    const id = el.getAttribute('data-testid');
    if (id === null || !id.startsWith(probe.diffPrefix)) return;
    const p = id.slice('diff-file-'.length);
    if (probe.seen[p] === undefined) probe.seen[p] = at;
  };
  new MutationObserver((records) => {
    const at = now();
    checkWatches(at);
    if (probe.diffPrefix === null) return;
    const selector = '[data-testid^="' + probe.diffPrefix + '"]';
    for (const record of records) {
      for (const node of record.addedNodes) {
        if (node.nodeType !== 1) continue;
        if (node.matches(selector)) noteDiffFile(node, at);
        for (const el of node.querySelectorAll(selector)) noteDiffFile(el, at);
      }
    }
  }).observe(document, { childList: true, subtree: true });
  document.addEventListener('click', (event) => {
    const target = event.target instanceof Element ? event.target.closest('[data-testid]') : null;
    probe.clicks.push({ testId: target ? target.getAttribute('data-testid') : null, at: now(), eventAt: performance.timeOrigin + event.timeStamp });
  }, true);
  const originalFetch = window.fetch.bind(window);
  window.fetch = async (input, init) => {
    const url = typeof input === 'string' ? input : input && input.url ? input.url : String(input);
    if (!url.includes('/api/invoke')) return originalFetch(input, init);
    let command = '?';
    try { command = JSON.parse(init.body).command; } catch { /* not ours */ }
    const entry = { command, start: now(), end: NaN };
    probe.invokes.push(entry);
    const response = await originalFetch(input, init);
    const text = await response.text();
    entry.end = now();
    return { status: response.status, ok: response.ok, headers: response.headers, text: async () => text };
  };
  const OriginalWebSocket = window.WebSocket;
  window.WebSocket = class extends OriginalWebSocket {
    constructor(url, protocols) {
      super(url, protocols);
      this.addEventListener('message', (event) => {
        const at = now();
        try {
          const message = JSON.parse(event.data);
          if (message.type !== 'event') return;
          const payload = message.payload || {};
          probe.events.push({ event: message.event, at, paths: Array.isArray(payload.paths) ? payload.paths : null, seq: typeof payload.seq === 'number' ? payload.seq : null });
        } catch { /* not JSON */ }
      });
    }
  };
  window.addEventListener('error', (event) => probe.errors.push(String(event.message)));
  probe.longFrames = [];
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        // Where the frame's time went (Long Animation Frame attribution): its scripts, longest
        // first, and the style + layout + paint part after them.
        const scripts = (e.scripts || []).map((s) => ({ invoker: s.invoker, invokerType: s.invokerType, source: (s.sourceFunctionName || '') + '@' + String(s.sourceURL || '').split('/').pop() + ':' + s.sourceCharPosition, start: performance.timeOrigin + s.startTime, duration: s.duration, forcedStyleAndLayout: s.forcedStyleAndLayoutDuration || 0 }));
        scripts.sort((a, b) => b.duration - a.duration);
        const end = e.startTime + e.duration;
        probe.longFrames.push({
          start: performance.timeOrigin + e.startTime,
          duration: e.duration,
          blocking: e.blockingDuration || 0,
          render: e.renderStart ? end - e.renderStart : 0,
          styleAndLayout: e.styleAndLayoutStart ? end - e.styleAndLayoutStart : 0,
          scripts: scripts.slice(0, 6),
        });
      }
    }).observe({ type: 'long-animation-frame', buffered: true });
  } catch { /* not supported by this browser: no long frames reported */ }
})();`;

export interface UiPage {
  context: BrowserContext;
  page: Page;
  /** Resolves when the page reports the mark (pushed by the page the moment it is set). */
  mark(name: string, timeoutMs?: number): Promise<number>;
}

export interface UiHarness {
  host: RunningHost;
  browser: Browser;
  /** A fresh browser context (own storage: no "last repository" restored) with PROBE installed. */
  newPage(): Promise<UiPage>;
  close(): Promise<void>;
}

/** Builds the renderer if out/renderer has no index.html (a minute or so, once). */
export function ensureRendererBuilt(cfg: BenchConfig): void {
  if (existsSync(path.join(RENDERER_DIR, 'index.html'))) return;
  cfg.log('no built renderer in out/renderer: running electron-vite build');
  const run = spawnSync(process.execPath, [path.join(REPO_ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  if (run.status !== 0) throw new Error(`electron-vite build failed (exit ${String(run.status)})`);
}

/**
 * The session view asks which agent CLIs are installed, and the host's first ask starts each one's
 * `--version` at once (~8 Node programs, up to a core for seconds; remembered after): asked here
 * before a measurement, so it does not run during one (a scroll pass measured it once).
 */
export async function detectAgentsFirst(ui: UiHarness, repo: string): Promise<void> {
  const handlers = ui.host.core.handlers as Record<string, ((input: unknown) => Promise<unknown>) | undefined>;
  await handlers['agents.list']?.({ repo });
}

/** Which renderer build the UI measurements ran against (it is rebuilt only when missing). */
export function rendererBuild(): string {
  const index = path.join(RENDERER_DIR, 'index.html');
  return existsSync(index) ? `${path.relative(REPO_ROOT, RENDERER_DIR)} built ${statSync(index).mtime.toISOString()}` : 'none';
}

export function uiUnavailable(): string | null {
  if (!existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM} (apt-get install chromium, or set COUNCIL_CHROMIUM)`;
  return null;
}

export async function startUi(cfg: BenchConfig, rendererDir = RENDERER_DIR): Promise<UiHarness> {
  if (rendererDir === RENDERER_DIR) ensureRendererBuilt(cfg);
  const userDataDir = path.join(cfg.tmp, 'ui-user-data');
  mkdirSync(userDataDir, { recursive: true });
  const host = await startHost({ rendererDir, userDataDir, version: '0.0.0-bench' });
  let browser: Browser;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  } catch (error) {
    await host.close();
    throw error;
  }
  return {
    host,
    browser,
    async newPage() {
      const context = await browser.newContext({ viewport: VIEWPORT, colorScheme: 'light' });
      const marks = new Map<string, number>();
      const waiters = new Map<string, ((at: number) => void)[]>();
      await context.exposeBinding('__councilBenchNotify', (_source, name: string, at: number) => {
        marks.set(name, at);
        for (const resolve of waiters.get(name) ?? []) resolve(at);
        waiters.delete(name);
      });
      await context.addInitScript({ content: PROBE });
      const page = await context.newPage();
      const mark = (name: string, timeoutMs = 30_000): Promise<number> => {
        const seen = marks.get(name);
        if (seen !== undefined) return Promise.resolve(seen);
        return new Promise((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`the page did not report "${name}" within ${timeoutMs} ms`)), timeoutMs);
          waiters.set(name, [
            ...(waiters.get(name) ?? []),
            (at) => {
              clearTimeout(timer);
              resolve(at);
            },
          ]);
        });
      };
      return { context, page, mark };
    },
    async close() {
      await browser.close().catch(() => undefined);
      await host.close();
    },
  };
}

export async function addWatches(page: Page, watches: readonly ProbeWatch[]): Promise<void> {
  await page.evaluate(`window.__councilBench.watches.push(...${JSON.stringify(watches)})`);
}

export async function probeReport(page: Page): Promise<ProbeReport> {
  return (await page.evaluate('(() => { const p = window.__councilBench; return { clicks: p.clicks, invokes: p.invokes, events: p.events, marks: p.marks, seen: p.seen, errors: p.errors, longFrames: p.longFrames }; })()')) as ProbeReport;
}

/**
 * The page's clock minus this process's (ms), from the round trip with the least spread: the page
 * reads its clock somewhere between our two readings, so the error is at most ± half that trip.
 */
export async function clockOffset(page: Page, probes = 15): Promise<{ offset: number; uncertainty: number }> {
  let best = { offset: 0, uncertainty: Number.POSITIVE_INFINITY };
  for (let i = 0; i < probes; i++) {
    const before = sharedNow();
    const inPage = (await page.evaluate('performance.timeOrigin + performance.now()')) as number;
    const after = sharedNow();
    const uncertainty = (after - before) / 2;
    if (uncertainty < best.uncertainty) best = { offset: inPage - (before + after) / 2, uncertainty };
  }
  return best;
}

/** Opens a repository from the start screen, as the e2e tests do (the browser host has no picker). */
export async function openRepoInPage(page: Page, url: string, root: string): Promise<void> {
  await page.goto(url);
  await page.getByTestId('repo-path-input').fill(root);
  await page.getByTestId('repo-open-button').click();
  await page.getByTestId('nav-board').waitFor();
}
