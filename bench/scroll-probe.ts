/**
 * Where a scroll frame's main-thread CPU goes in the review diff (a tool for changing the diff, not
 * a figure of the issue): opens the 300-file diff of measure-diff, lets it settle, then scrolls it
 * top → bottom PASSES times, 600 px a frame, under a Chromium trace, and prints per pass the main
 * thread's CPU per frame (thread time, so other processes on the machine do not blur it), the
 * longest task's CPU and the steps that took it. SCROLL_CSS=<css> is added to the page first (to
 * try a style change without a build); SCROLL_JS=<expression> is evaluated in it; WARM=1 scrolls
 * once untimed first; STATIC=1 scrolls measure-diff's static floor page instead; COUNCIL_BENCH_RENDERER=<dir> measures another build (paired comparisons).
 *   PASSES=2 npx tsx bench/scroll-probe.ts
 */
import { writeFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { makeDiffSession, showStaticPage } from './measure-diff';
import { runStandaloneIfMain } from './standalone';
import { startUi, RENDERER_DIR } from './ui-harness';
import type { BenchConfig, SummaryRow } from './result';

interface TraceEvent { name: string; ph: string; ts: number; dur?: number; tdur?: number; pid: number; tid: number; args?: { name?: string } }

async function scroll(page: Page): Promise<{ frames: number; gaps: number[] }> {
  return (await page.evaluate(`new Promise((resolve) => {
    const gaps = []; let last = performance.now(); window.scrollTo(0, 0);
    const step = () => { const now = performance.now(); gaps.push(now - last); last = now;
      const max = document.documentElement.scrollHeight - window.innerHeight;
      if (window.scrollY >= max - 1 && gaps.length > 5) { resolve({ frames: gaps.length, gaps: gaps.slice(1) }); return; }
      window.scrollBy(0, 600); requestAnimationFrame(step); };
    requestAnimationFrame(step); })`)) as { frames: number; gaps: number[] };
}

function analyse(json: string): string[] {
  const events = (JSON.parse(json) as { traceEvents: TraceEvent[] }).traceEvents;
  const names = new Map<string, string>();
  for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') names.set(`${e.pid}:${e.tid}`, e.args?.name ?? '?');
  const count = new Map<string, number>();
  for (const e of events) if (e.ph === 'X') count.set(`${e.pid}:${e.tid}`, (count.get(`${e.pid}:${e.tid}`) ?? 0) + 1);
  const main = [...names].filter(([, n]) => n === 'CrRendererMain').map(([k]) => k).sort((a, b) => (count.get(b) ?? 0) - (count.get(a) ?? 0))[0];
  const mine = events.filter((e) => e.ph === 'X' && `${e.pid}:${e.tid}` === main && e.dur !== undefined).sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  // top-level tasks and their children's CPU by name (tdur of direct and nested children, self)
  const tasks: { ts: number; cpu: number; self: Map<string, number> }[] = [];
  const stack: { e: TraceEvent; childCpu: number; task: (typeof tasks)[number] }[] = [];
  const pop = (until: number) => {
    while (stack.length && stack[stack.length - 1]!.e.ts + (stack[stack.length - 1]!.e.dur ?? 0) <= until) {
      const top = stack.pop()!;
      const self = (top.e.tdur ?? 0) - top.childCpu;
      top.task.self.set(top.e.name, (top.task.self.get(top.e.name) ?? 0) + self);
    }
  };
  for (const e of mine) {
    pop(e.ts);
    const parent = stack[stack.length - 1];
    if (parent === undefined) {
      const task = { ts: e.ts, cpu: e.tdur ?? 0, self: new Map<string, number>() };
      tasks.push(task);
      stack.push({ e, childCpu: 0, task });
    } else {
      parent.childCpu += e.tdur ?? 0;
      stack.push({ e, childCpu: 0, task: parent.task });
    }
  }
  pop(Number.POSITIVE_INFINITY);
  const total = tasks.reduce((n, t) => n + t.cpu, 0);
  const steps = new Map<string, number>();
  for (const t of tasks) for (const [n, us] of t.self) steps.set(n, (steps.get(n) ?? 0) + us);
  const sorted = [...tasks].sort((a, b) => b.cpu - a.cpu);
  // Frames: from one rAF callback to the next; each frame's CPU is its tasks' CPU.
  const rafs = mine.filter((e) => e.name === 'FireAnimationFrame').map((e) => e.ts);
  const frames: { cpu: number; self: Map<string, number> }[] = rafs.slice(1).map(() => ({ cpu: 0, self: new Map() }));
  let fi = 0;
  for (const t of tasks) {
    while (fi < rafs.length - 1 && t.ts >= rafs[fi + 1]!) fi++;
    const f = frames[fi];
    if (f === undefined || t.ts < rafs[0]!) continue;
    f.cpu += t.cpu;
    for (const [n, us] of t.self) f.self.set(n, (f.self.get(n) ?? 0) + us);
  }
  const fcpu = frames.map((f) => f.cpu / 1000).sort((a, b) => a - b);
  const q = (p: number) => (fcpu[Math.min(fcpu.length - 1, Math.floor(fcpu.length * p))] ?? 0).toFixed(1);
  const worstFrames = [...frames].sort((a, b) => b.cpu - a.cpu).slice(0, 4);
  const fmt = (t: (typeof tasks)[number]) => `${(t.cpu / 1000).toFixed(1)} ms: ${[...t.self].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([n, us]) => `${n} ${(us / 1000).toFixed(1)}`).join(', ')}`;
  return [
    `  main-thread cpu ${(total / 1000).toFixed(0)} ms in ${tasks.length} tasks; by step (cpu, self): ${[...steps].sort((a, b) => b[1] - a[1]).slice(0, 10).map(([n, us]) => `${n} ${(us / 1000).toFixed(0)}`).join(', ')}`,
    `  tasks ≥ 16 ms cpu: ${tasks.filter((t) => t.cpu >= 16000).length}, ≥ 30: ${tasks.filter((t) => t.cpu >= 30000).length}; longest:`,
    ...sorted.slice(0, 4).map((t) => `    ${fmt(t)}`),
    `  frames: ${frames.length}, cpu per frame p50 ${q(0.5)} p90 ${q(0.9)} p99 ${q(0.99)} max ${q(1)} ms; worst frames:`,
    ...worstFrames.map((t) => `    ${fmt({ ts: 0, ...t })}`),
  ];
}

async function probe(cfg: BenchConfig): Promise<SummaryRow[]> {
  const { council, session } = await makeDiffSession(cfg);
  const ui = await startUi(cfg, process.env.COUNCIL_BENCH_RENDERER ?? RENDERER_DIR);
  try {
    const { page } = await ui.newPage();
    page.on('worker', (w) => cfg.print(`worker started: ${w.url()}`));
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') cfg.print(`console ${m.type()}: ${m.text()}`); });
    page.on('pageerror', (e) => cfg.print(`pageerror: ${e.message}`));
    const url = new URL(ui.host.url);
    url.hash = `#/board?repo=${encodeURIComponent(council.ws.repo.mainRoot)}`;
    await page.goto(url.toString());
    await page.getByTestId(`session-card-${session.id}`).click();
    await page.locator('.diff-files > .diff-file:first-child table.diff-table').waitFor({ timeout: 30_000 });
    await page.waitForTimeout(1500);
    // STATIC=1 (or STATIC=<px>): the same passes over measure-diff's floor, a static page as tall as the scrolled diff.
    if (process.env.STATIC) await showStaticPage(page, Number(process.env.STATIC) > 1 ? Number(process.env.STATIC) : 142_000);
    // Through the CSSOM (a constructed sheet): the page's CSP refuses an added <style>.
    if (process.env.SCROLL_CSS) await page.evaluate((css) => { const sheet = new CSSStyleSheet(); sheet.replaceSync(css); document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet]; }, process.env.SCROLL_CSS);
    if (process.env.WARM) { await scroll(page); await page.waitForTimeout(1000); }
    if (process.env.SCROLL_JS) cfg.print(`SCROLL_JS: ${String(await page.evaluate(process.env.SCROLL_JS))}`);
    const passes = Number(process.env.PASSES ?? 3);
    for (let pass = 0; pass < passes; pass++) {
      await ui.browser.startTracing(page, { categories: ['devtools.timeline', 'blink', 'disabled-by-default-devtools.timeline', ...(process.env.TRACE_MORE ? process.env.TRACE_MORE.split(',') : [])] });
      const s = await scroll(page);
      const trace = (await ui.browser.stopTracing()).toString('utf8');
      // TRACE_OUT=<prefix>: each pass's trace kept as <prefix>-<pass>.json (for a closer look at one frame).
      if (process.env.TRACE_OUT) writeFileSync(`${process.env.TRACE_OUT}-${pass}.json`, trace);
      const gaps = [...s.gaps].sort((a, b) => b - a);
      const nodes = (await page.evaluate('document.getElementsByTagName("*").length')) as number;
      cfg.print(`pass ${pass}: ${s.frames} frames, longest gaps ${gaps.slice(0, 5).map((g) => g.toFixed(0)).join(' ')} ms, ${gaps.filter((g) => g > 50).length} over 50; ${nodes} elements`);
      cfg.print(analyse(trace).join('\n'));
      const hl = (await page.evaluate(`(() => { const e = performance.getEntriesByName('diff.highlight'); return { n: e.length, total: e.reduce((s, x) => s + x.duration, 0), where: e.map((x) => x.detail && x.detail.where).join(",").slice(0, 200) }; })()`)) as { n: number; total: number; where: string };
      cfg.print(`  highlight: ${hl.n} chunks, ${hl.total.toFixed(0)} ms; where: ${hl.where}`);
      await page.waitForTimeout(500);
    }
  } finally {
    await ui.close();
  }
  return [];
}

runStandaloneIfMain(import.meta.url, 'scroll-probe', probe, { pairsItself: true });
