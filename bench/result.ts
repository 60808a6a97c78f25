import { renderTable, type Cell } from './table';

/** One line of the final summary: what was measured, against what, and whether it met its target. */
export interface SummaryRow {
  measurement: string;
  ours: string;
  baseline: string;
  value: string;
  target: string;
  /** null: an informational row with no target of its own (never fails the run). */
  pass: boolean | null;
  /**
   * The same measurement on the machine as it was, when the row's own figures were taken under the
   * bench's background load (load.ts): shown beside them; the verdict is the loaded one.
   */
  idle?: Pick<SummaryRow, 'ours' | 'baseline' | 'value' | 'pass'>;
}

const plainHeader = ['measurement', 'ours', 'baseline', 'ratio or value', 'target', 'pass/fail'] as const;
const pairedHeader = ['measurement', 'idle: ours', 'idle: baseline', 'idle: ratio or value', 'loaded: ours', 'loaded: baseline', 'loaded: ratio or value', 'target', 'pass/fail (loaded)'] as const;

const verdictOf = (pass: boolean | null): string => (pass === null ? 'info' : pass ? 'pass' : 'FAIL');

function pairedCells(row: SummaryRow): Cell[] {
  const idle = row.idle ? [row.idle.ours, row.idle.baseline, `${row.idle.value}${row.idle.pass === false ? ' (miss)' : ''}`] : ['-', '-', '-'];
  return [row.measurement, ...idle, row.ours, row.baseline, row.value, row.target, verdictOf(row.pass)];
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

const plainCells = (row: SummaryRow): Cell[] => [row.measurement, row.ours, row.baseline, row.value, row.target, verdictOf(row.pass)];

/** The run's summary: idle and loaded figures side by side when the rows have both (load.ts). */
export function renderSummary(rows: readonly SummaryRow[], notes: readonly string[]): string {
  const paired = rows.some((r) => r.idle);
  return renderTable('Summary', paired ? pairedHeader : plainHeader, rows.map(paired ? pairedCells : plainCells), notes);
}
