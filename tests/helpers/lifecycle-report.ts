import type { LoopResult, RunRecord } from './lifecycle-loop';
import { OP_KINDS } from './lifecycle-world';

/** The crash loop's figures as plain-text tables: where the kills landed, what recovery did, the verdict. */

const pct = (xs: readonly number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[Math.min(s.length - 1, Math.floor(p * s.length))] as number) : 0;
};

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** Kill moment as a share of the kind's typical duration: which quarter of the command it hit. */
function quarter(r: RunRecord): number {
  if (r.typicalMs <= 0) return 0;
  return Math.min(3, Math.floor((r.ranMs / r.typicalMs) * 4));
}

export function formatLoopReport(result: LoopResult): string {
  const out: string[] = [];
  const rows = OP_KINDS.map((kind) => {
    const runs = result.runs.filter((r) => r.op === kind);
    const killed = runs.filter((r) => r.killed);
    const quarters = [0, 0, 0, 0];
    for (const r of killed) quarters[quarter(r)] = (quarters[quarter(r)] ?? 0) + 1;
    const d = result.durations[kind];
    return [
      kind,
      String(runs.length),
      String(runs.length - killed.length),
      String(killed.length),
      quarters.join(' / '),
      `${Math.round(pct(d, 0.5))} / ${Math.round(pct(d, 0.9))}`,
      String(runs.filter((r) => r.violations.length === 0).length),
      String(runs.filter((r) => r.violations.length > 0).length),
    ];
  });
  const all = result.runs;
  rows.push(['all', String(all.length), String(all.filter((r) => !r.killed).length), String(all.filter((r) => r.killed).length), '', '', String(all.filter((r) => r.violations.length === 0).length), String(all.filter((r) => r.violations.length > 0).length)]);
  out.push(table(['command', 'runs', 'to the end', 'killed', 'killed in quarter 1/2/3/4', 'ms p50 / p90', 'checks passed', 'checks failed'], rows));

  const actions = new Map<string, Map<string, number>>();
  for (const r of all.filter((x) => x.killed)) {
    const perOp = actions.get(r.op) ?? new Map<string, number>();
    const list = r.recovered.length ? r.recovered : ['nothing to repair'];
    for (const a of new Set(list)) perOp.set(a, (perOp.get(a) ?? 0) + 1);
    actions.set(r.op, perOp);
  }
  out.push('', 'What recovery found to do after the kills (kills per finding):');
  for (const kind of OP_KINDS) {
    const perOp = actions.get(kind);
    if (!perOp) continue;
    out.push(`  ${kind}: ${[...perOp.entries()].sort((a, b) => b[1] - a[1]).map(([a, n]) => `${a} ${n}`).join(', ')}`);
  }
  const m = result.mutexReclaimMs;
  out.push(
    '',
    `mutexes left by a killed process: ${m.length}${m.length ? `, taken over in ${Math.min(...m)}–${Math.max(...m)} ms` : ''}`,
    `check per run: median ${Math.round(pct(all.map((r) => r.checkMs), 0.5))} ms, max ${Math.max(0, ...all.map((r) => r.checkMs))} ms`,
    `wall time: ${(result.wallMs / 1000).toFixed(1)} s; seed ${result.seed}; repositories: ${result.repos.length}`,
  );
  const failed = all.filter((r) => r.violations.length);
  if (failed.length) {
    out.push('', 'FAILURES:');
    for (const r of failed) out.push(`  #${r.index} ${r.op} (${r.note}) ${r.killed ? `killed after ${r.ranMs} ms` : 'ran to the end'}:`, ...r.violations.map((v) => `    ${v}`));
  }
  return out.join('\n');
}
