import type { SummaryRow } from '../result';
import { summarize } from '../stats';
import { formatMs, renderTable } from '../table';

/**
 * The scale measurement's table: each figure beside its target, and whether it met it. A figure
 * with no target of its own (a breakdown, a baseline) shows "-" and never fails the run.
 */

export interface Figure {
  figure: string;
  value: string;
  /** The target as text ('' for none). */
  target: string;
  /** null: informational. */
  pass: boolean | null;
}

export const info = (figure: string, value: string): Figure => ({ figure, value, target: '', pass: null });
export const checked = (figure: string, value: string, target: string, pass: boolean): Figure => ({ figure, value, target, pass });

export const p50p95 = (xs: readonly number[]): string => {
  if (xs.length === 0) return 'no samples';
  const s = summarize(xs);
  return `p50 ${formatMs(s.p50)}, p95 ${formatMs(s.p95)}, max ${formatMs(s.max)} (n ${s.n})`;
};

export const p95 = (xs: readonly number[]): number => (xs.length ? summarize(xs).p95 : Number.NaN);

export const count = (n: number | null): string => (n === null ? 'n/a' : n.toLocaleString('en-US'));

export function renderFigures(title: string, figures: readonly Figure[], notes: readonly string[]): string {
  return renderTable(
    title,
    ['figure', 'value', 'target', 'pass/fail'],
    figures.map((f) => [f.figure, f.value, f.target || '-', f.pass === null ? 'info' : f.pass ? 'pass' : 'FAIL']),
    notes,
  );
}

/** The run's summary lines (bench/run.ts prints them with every other measurement's). */
export const summaryOf = (prefix: string, figures: readonly Figure[]): SummaryRow[] =>
  figures
    .filter((f) => f.pass !== null)
    .map((f) => ({ measurement: `${prefix}: ${f.figure}`, ours: f.value, baseline: '-', value: f.value, target: f.target, pass: f.pass }));
