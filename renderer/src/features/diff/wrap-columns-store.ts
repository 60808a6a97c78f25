import { createStore, useStoreSelector } from '../../lib/create-store';
import type { DiffMode } from './diff-mode-store';

/**
 * The characters a code cell holds on one row, per view (lines wrap: `pre-wrap`, broken anywhere).
 * Unknown (Infinity) until a table has rendered: no line counted as wrapped. Measured again when a
 * table renders at another window width (a resize alone does not re-measure). A store: what waits re-sizes itself once it is known (the first files of the
 * first diff opened render in the same commit as the waiting ones, before any table was measured).
 */
export const wrapColumns = createStore<Record<DiffMode, number>>({ unified: Infinity, split: Infinity });
/** The window width each view was last measured at. */
const measuredAt: Record<DiffMode, number> = { unified: -1, split: -1 };

/** The characters a code cell of `mode` holds on one row (Infinity: not measured yet). */
export const columnsOf = (mode: DiffMode): number => wrapColumns.get()[mode];

/** The same, for a component: it renders again once they are measured. */
export const useColumns = (mode: DiffMode): number => useStoreSelector(wrapColumns, (all) => all[mode]);

/**
 * Measures, from a rendered table of `mode`, how many characters its code cells hold on one row
 * (once per window width: cheap to call after each table renders). Told in a task of its own: the
 * sections and chunks waiting re-size after this commit, not inside it.
 */
export function noteColumns(table: HTMLElement, mode: DiffMode): void {
  if (measuredAt[mode] === window.innerWidth) return;
  const cell = table.querySelector<HTMLElement>('td.diff-code:not(.diff-code-omit)');
  const ctx = document.createElement('canvas').getContext('2d');
  if (cell === null || ctx === null) return;
  const style = getComputedStyle(cell);
  const inner = cell.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  ctx.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  const ch = ctx.measureText('0'.repeat(50)).width / 50;
  if (!(inner > 0) || !(ch > 0)) return;
  measuredAt[mode] = window.innerWidth;
  const cols = Math.max(1, Math.floor(inner / ch));
  setTimeout(() => wrapColumns.set((all) => (all[mode] === cols ? all : { ...all, [mode]: cols })), 0);
}
