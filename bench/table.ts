/** Plain-text tables, aligned, with a title line: readable in a terminal and pasteable as Markdown. */

export type Cell = string | number;

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '-';
  if (ms < 1) return `${ms.toFixed(3)} ms`;
  if (ms < 100) return `${ms.toFixed(2)} ms`;
  return `${ms.toFixed(0)} ms`;
}

export const formatRatio = (r: number): string => (Number.isFinite(r) ? `${r.toFixed(2)}×` : '-');

export function renderTable(title: string, header: readonly string[], rows: readonly (readonly Cell[])[], notes: readonly string[] = []): string {
  const text = rows.map((row) => header.map((_, i) => String(row[i] ?? '')));
  const widths = header.map((h, i) => Math.max(h.length, ...text.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  const rule = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`;
  const out = [`### ${title}`, '', line(header), rule, ...text.map(line)];
  if (notes.length) out.push('', ...notes.map((n) => `  ${n}`));
  return out.join('\n') + '\n';
}
