import type { Cell } from './table';

/** One line of the final summary: what was measured, against what, and whether it met its target. */
export interface SummaryRow {
  measurement: string;
  ours: string;
  baseline: string;
  value: string;
  target: string;
  /** null: an informational row with no target of its own (never fails the run). */
  pass: boolean | null;
}

export const summaryHeader = ['measurement', 'ours', 'baseline', 'ratio or value', 'target', 'pass/fail'] as const;

export function summaryCells(row: SummaryRow): Cell[] {
  const verdict = row.pass === null ? 'info' : row.pass ? 'pass' : 'FAIL';
  return [row.measurement, row.ours, row.baseline, row.value, row.target, verdict];
}

/** How many times to run things: full runs aim for stable p99s, --quick for a fast look. */
export interface BenchConfig {
  quick: boolean;
  /** Scratch folder for this run (repos, worktrees, bundles); removed at the end. */
  tmp: string;
  /** Progress, to stderr (not part of the report). */
  log: (line: string) => void;
  /** A finished table, to stdout. */
  print: (table: string) => void;
}
