/**
 * Where a scroll frame's main-thread CPU goes in the review diff (a tool for changing the diff, not
 * a figure of the issue): opens the 300-file diff of measure-diff, lets it settle, then scrolls it
 * top → bottom PASSES times, 600 px a frame, under a Chromium trace, and prints per pass the main
 * thread's CPU per frame (thread time, so other processes on the machine do not blur it), the
 * longest task's CPU and the steps that took it. SCROLL_CSS=<css> is added to the page first (to
 * try a style change without a build); SCROLL_JS=<expression> is evaluated in it, and
 * AFTER_JS=<expression> after each traced pass (what the page noted during it); WARM=1 scrolls
 * once untimed first; STATIC=1 scrolls measure-diff's static floor page instead; COUNCIL_BENCH_RENDERER=<dir> measures another build (paired comparisons).
 * Instead of a trace: CPU=1 prints every Chromium thread's CPU over the pass (from /proc: nothing
 * added to the page's work), PROFILE=1 a JS profile by self time (INCL=<n>: and inclusive); both
 * with the pass's long animation frames (PROFILE=1: the functions sampled in their long scripts;
 * an unminified renderer names them: NO_MINIFY=1 electron-vite build --outDir <dir>, then
 * COUNCIL_BENCH_RENDERER=<dir>/renderer). LOAD=1 runs the passes under the bench's load; STEP=<px>
 * a frame (600), FROM=<px> (negative: from the bottom) and LIMIT=<px> the stretch; MOUSE=x,y moves
 * the pointer first. The agent CLIs' detection is asked before the passes (it starts each one).
 *   PASSES=2 npx tsx bench/scroll-probe.ts
 *   PASSES=1 CPU=1 LOAD=1 STEP=150 LIMIT=20000 npx tsx bench/scroll-probe.ts
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { BackgroundLoad, cpuMsOfStat } from './load';
import { attribution, makeDiffSession, showStaticPage } from './measure-diff';
import { runStandaloneIfMain } from './standalone';
import { detectAgentsFirst, probeReport, startUi, RENDERER_DIR, type LongFrame } from './ui-harness';
import type { BenchConfig, SummaryRow } from './result';

interface TraceEvent { name: string; ph: string; ts: number; dur?: number; tdur?: number; pid: number; tid: number; args?: { name?: string } }

async function scroll(page: Page): Promise<{ frames: number; gaps: number[] }> {
  return (await page.evaluate(`new Promise((resolve) => {
    const from = ${Number(process.env.FROM ?? 0)};
    const gaps = []; let last = performance.now(); window.scrollTo(0, from < 0 ? document.documentElement.scrollHeight - window.innerHeight + from : from);
    const step = () => { const now = performance.now(); gaps.push(now - last); last = now;
      const max = Math.min(${Number(process.env.LIMIT ?? 1e9)}, document.documentElement.scrollHeight - window.innerHeight);
      if (window.scrollY >= max - 1 && gaps.length > 5) { resolve({ frames: gaps.length, gaps: gaps.slice(1) }); return; }
      window.scrollBy(0, ${Number(process.env.STEP ?? 600)}); requestAnimationFrame(step); };
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

/** CPU (ms) of every thread of every Chromium process, by "<pid> <process type>/<thread name>". */
function chromiumCpu(): Map<string, number> {
  const out = new Map<string, number>();
  const list = (dir: string) => {
    try {
      return readdirSync(dir);
    } catch {
      return []; // gone
    }
  };
  for (const pid of list('/proc').filter((d) => /^\d+$/.test(d))) {
    let cmd: string;
    try {
      cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (!cmd.includes('chromium')) continue;
    const type = /--type=([a-z-]+)/.exec(cmd)?.[1] ?? 'browser';
    for (const tid of list(`/proc/${pid}/task`)) {
      let name: string;
      try {
        const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
        name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      } catch {
        continue;
      }
      const ms = cpuMsOfStat(`/proc/${pid}/task/${tid}/stat`);
      const key = `${pid} ${type}/${name}`;
      if (ms !== null) out.set(key, (out.get(key) ?? 0) + ms);
    }
  }
  return out;
}

/** What each kind of Chromium thread used between two readings (threads of one name in one kind of process added up). */
function cpuDelta(before: Map<string, number>, after: Map<string, number>): string[] {
  const d = new Map<string, number>();
  for (const [k, v] of after) {
    const key = k.slice(k.indexOf(' ') + 1);
    d.set(key, (d.get(key) ?? 0) + v - (before.get(k) ?? 0));
  }
  const total = [...d.values()].reduce((n, v) => n + v, 0);
  return [`  chromium cpu ${total.toFixed(0)} ms: ${[...d].filter(([, v]) => v >= 20).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ')}`];
}

interface JsProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
  /** µs, the profile's clock. */
  startTime: number;
}

const callKey = (cf: JsProfile['nodes'][number]['callFrame']) => `${cf.functionName || '(anonymous)'} ${cf.url.slice(cf.url.lastIndexOf('/') + 1)}:${cf.lineNumber}`;
const notRuntime = ([k]: [string, number]) => !/^\((root|program|idle|garbage collector)\)/.test(k);

/** The profile's time (µs) by function, self and inclusive (a sample counted once for every distinct function on its stack), over the samples in [from, to] (µs, the profile's clock; all by default). */
function profileTimes(profile: JsProfile, from = Number.NEGATIVE_INFINITY, to = Number.POSITIVE_INFINITY): { self: Map<string, number>; inclusive: Map<string, number>; sampled: number } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let t = profile.startTime;
  let sampled = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    t += dt;
    const leaf = byId.get(id)?.callFrame;
    if (t < from || t > to || leaf === undefined) return;
    sampled += dt;
    self.set(callKey(leaf), (self.get(callKey(leaf)) ?? 0) + dt);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const cf = byId.get(at)?.callFrame;
      if (cf === undefined || seen.has(callKey(cf))) continue;
      seen.add(callKey(cf));
      inclusive.set(callKey(cf), (inclusive.get(callKey(cf)) ?? 0) + dt);
    }
  });
  return { self, inclusive, sampled };
}

const topTimes = (times: Map<string, number>, n: number, prefix: string) =>
  [...times].filter(notRuntime).sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, us]) => `${prefix}${(us / 1000).toFixed(1)} ms ${k}`);

/** A JS CPU profile's functions by self time (and by inclusive time, INCL=<n> of them). */
function profileSummary(profile: JsProfile, top = 25): string[] {
  const { self, inclusive, sampled } = profileTimes(profile);
  return [
    `  sampled ${(sampled / 1000).toFixed(0)} ms, of which idle ${((self.get('(idle) :-1') ?? 0) / 1000).toFixed(0)}, native (program) ${((self.get('(program) :-1') ?? 0) / 1000).toFixed(0)}, GC ${((self.get('(garbage collector) :-1') ?? 0) / 1000).toFixed(0)} ms; by self time:`,
    ...topTimes(self, top, '    '),
    ...topTimes(inclusive, Number(process.env.INCL ?? 0), '    incl '),
  ];
}

/** Each long animation frame of the pass with its longest scripts, and (PROFILE=1) the functions sampled in the scripts over 20 ms. */
function longFrameLines(frames: readonly LongFrame[], profile: JsProfile | null, profileStartEpochMs: number): string[] {
  return frames.flatMap((f) => [
    ...attribution([f], 1),
    ...(profile === null
      ? []
      : f.scripts
          .filter((sc) => sc.duration > 20)
          .map((sc) => {
            const from = profile.startTime + (sc.start - profileStartEpochMs) * 1000;
            return `      in ${sc.source}: ${topTimes(profileTimes(profile, from, from + sc.duration * 1000).inclusive, 20, '').join(', ')}`;
          })),
  ]);
}

async function probe(cfg: BenchConfig): Promise<SummaryRow[]> {
  const { council, session } = await makeDiffSession(cfg);
  const ui = await startUi(cfg, process.env.COUNCIL_BENCH_RENDERER ?? RENDERER_DIR);
  let load: BackgroundLoad | null = null;
  await detectAgentsFirst(ui, council.ws.repo.mainRoot);
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
    // (on a blank page: the app's page refuses the floor's inline styles, its CSP)
    if (process.env.STATIC) {
      await page.goto('about:blank');
      await showStaticPage(page, Number(process.env.STATIC) > 1 ? Number(process.env.STATIC) : 142_000);
    }
    // Through the CSSOM (a constructed sheet): the page's CSP refuses an added <style>.
    if (process.env.SCROLL_CSS) await page.evaluate((css) => { const sheet = new CSSStyleSheet(); sheet.replaceSync(css); document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet]; }, process.env.SCROLL_CSS);
    if (process.env.WARM) { await scroll(page); await page.waitForTimeout(1000); }
    if (process.env.SCROLL_JS) cfg.print(`SCROLL_JS: ${String(await page.evaluate(process.env.SCROLL_JS))}`);
    // MOUSE=x,y: the pointer moved there before the passes (over the page, Chromium hit-tests it after each scroll).
    if (process.env.MOUSE) { const [x, y] = process.env.MOUSE.split(',').map(Number); await page.mouse.move(x ?? 0, y ?? 0); }
    const passes = Number(process.env.PASSES ?? 3);
    // LOAD=1: the passes under the bench's background load.
    load = process.env.LOAD ? await BackgroundLoad.start() : null;
    for (let pass = 0; pass < passes; pass++) {
      // CPU=1 and PROFILE=1 print the pass's long animation frames (the harness's own observer) too.
      const framesBefore = (await probeReport(page)).longFrames.length;
      // CPU=1: what every Chromium thread used during the pass (from /proc, no trace: nothing added to the page's work).
      if (process.env.CPU) {
        const before = chromiumCpu();
        const s = await scroll(page);
        const after = chromiumCpu();
        const gaps = [...s.gaps].sort((a, b) => b - a);
        cfg.print(`pass ${pass}: ${s.frames} frames, longest gaps ${gaps.slice(0, 5).map((g) => g.toFixed(0)).join(' ')} ms, ${gaps.filter((g) => g > 50).length} over 50, ${s.gaps.reduce((n, g) => n + g, 0).toFixed(0)} ms in all; over 40 at frames ${s.gaps.map((g, i) => (g > 40 ? `${i}:${g.toFixed(0)}` : '')).filter(Boolean).join(' ')}`);
        cfg.print(cpuDelta(before, after).join('\n'));
        await page.waitForTimeout(100);
        for (const line of longFrameLines((await probeReport(page)).longFrames.slice(framesBefore), null, 0)) cfg.print(line);
        await page.waitForTimeout(400);
        continue;
      }
      // PROFILE=1: a JS CPU profile of the pass instead of a trace, its functions by self time.
      if (process.env.PROFILE) {
        const cdp = await page.context().newCDPSession(page);
        await cdp.send('Profiler.enable');
        await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
        await cdp.send('Profiler.start');
        const startedAt = (await page.evaluate('performance.timeOrigin + performance.now()')) as number;
        const s = await scroll(page);
        const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: JsProfile };
        await page.waitForTimeout(100);
        cfg.print(`pass ${pass}: ${s.frames} frames, longest gaps ${[...s.gaps].sort((a, b) => b - a).slice(0, 5).map((g) => g.toFixed(0)).join(' ')} ms`);
        for (const line of longFrameLines((await probeReport(page)).longFrames.slice(framesBefore), profile, startedAt)) cfg.print(line);
        cfg.print(profileSummary(profile).join('\n'));
        await page.waitForTimeout(400);
        continue;
      }
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
      if (process.env.AFTER_JS) cfg.print(`  AFTER_JS: ${String(await page.evaluate(process.env.AFTER_JS))}`);
      cfg.print(`  highlight: ${hl.n} chunks, ${hl.total.toFixed(0)} ms; where: ${hl.where}`);
      await page.waitForTimeout(500);
    }
  } finally {
    await ui.close();
    await load?.stop();
  }
  return [];
}

runStandaloneIfMain(import.meta.url, 'scroll-probe', probe, { pairsItself: true });
