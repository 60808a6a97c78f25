/**
 * Where a Chromium trace's main-thread time went (for `COUNCIL_BENCH_TRACE=<file>` in
 * measure-diff): the renderer main thread's tasks over `minMs`, longest first, each with the
 * events that took its time (self time by name), and the rendering pipeline's other threads
 * (compositor, raster) over the same span.
 */
interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  /** Thread (CPU) time of the event: what it cost, whatever else the machine ran meanwhile. */
  tdur?: number;
  pid: number;
  tid: number;
  args?: { name?: string; data?: { functionName?: string; url?: string; type?: string } };
}

export function traceSummary(json: string, minMs = 30, top = 12): string[] {
  const events = (JSON.parse(json) as { traceEvents: TraceEvent[] }).traceEvents;
  const threadNames = new Map<string, string>();
  for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') threadNames.set(`${e.pid}:${e.tid}`, e.args?.name ?? '?');
  const mains = [...threadNames].filter(([, n]) => n === 'CrRendererMain').map(([k]) => k);
  // The page's main thread: the renderer main thread with the most events.
  const count = new Map<string, number>();
  for (const e of events) if (e.ph === 'X') count.set(`${e.pid}:${e.tid}`, (count.get(`${e.pid}:${e.tid}`) ?? 0) + 1);
  const main = mains.sort((a, b) => (count.get(b) ?? 0) - (count.get(a) ?? 0))[0];
  if (main === undefined) return ['trace: no renderer main thread'];
  const mine = events.filter((e) => e.ph === 'X' && `${e.pid}:${e.tid}` === main && e.dur !== undefined).sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  const tasks: { ts: number; dur: number; cpu: number; self: Map<string, number> }[] = [];
  const stack: { e: TraceEvent; child: number; task: (typeof tasks)[number] }[] = [];
  const label = (e: TraceEvent) => (e.name === 'FunctionCall' || e.name === 'EventDispatch' || e.name === 'TimerFire' ? `${e.name}(${e.args?.data?.functionName || e.args?.data?.type || ''})` : e.name);
  const pop = (until: number) => {
    while (stack.length && (stack[stack.length - 1]!.e.ts + (stack[stack.length - 1]!.e.dur ?? 0)) <= until) {
      const top = stack.pop()!;
      const self = (top.e.dur ?? 0) - top.child;
      top.task.self.set(label(top.e), (top.task.self.get(label(top.e)) ?? 0) + self);
    }
  };
  for (const e of mine) {
    pop(e.ts);
    const parent = stack[stack.length - 1];
    if (parent === undefined) {
      const task = { ts: e.ts, dur: e.dur ?? 0, cpu: e.tdur ?? Number.NaN, self: new Map<string, number>() };
      tasks.push(task);
      stack.push({ e, child: 0, task });
    } else {
      parent.child += e.dur ?? 0;
      stack.push({ e, child: 0, task: parent.task });
    }
  }
  pop(Number.POSITIVE_INFINITY);
  const long = tasks.filter((t) => t.dur / 1000 >= minMs).sort((a, b) => b.dur - a.dur).slice(0, top);
  const byCpu = tasks.filter((t) => Number.isFinite(t.cpu)).sort((a, b) => b.cpu - a.cpu);
  const t0 = mine[0]?.ts ?? 0;
  const line = (t: (typeof tasks)[number]) => {
    const parts = [...t.self].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([n, us]) => `${n} ${(us / 1000).toFixed(1)}`);
    return `  task at +${((t.ts - t0) / 1000).toFixed(0)} ms: ${(t.dur / 1000).toFixed(1)} ms (cpu ${(t.cpu / 1000).toFixed(1)} ms) — ${parts.join(', ')}`;
  };
  const totalCpu = byCpu.reduce((n, t) => n + t.cpu, 0);
  const phases = new Map<string, number>();
  for (const t of tasks) for (const [n, us] of t.self) phases.set(n, (phases.get(n) ?? 0) + us);
  const topPhases = [...phases].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([n, us]) => `${n} ${(us / 1000).toFixed(0)}`);
  return [
    `trace: main thread busy ${(totalCpu / 1000).toFixed(0)} ms cpu in all; by step (wall, self): ${topPhases.join(', ')}`,
    `trace: ${tasks.length} main-thread tasks, ${tasks.filter((t) => t.dur >= 50_000).length} of ≥ 50 ms wall, ${byCpu.filter((t) => t.cpu >= 50_000).length} of ≥ 50 ms cpu, ${byCpu.filter((t) => t.cpu >= 30_000).length} of ≥ 30 ms cpu`,
    ...long.map(line),
    'longest by cpu (thread time: what the task cost, whatever else the machine ran):',
    ...byCpu.slice(0, top).map(line),
  ];
}
