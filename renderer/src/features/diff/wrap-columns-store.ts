import { createStore, useStoreSelector } from '../../lib/create-store';
import type { DiffMode } from './diff-mode-store';

/**
 * The characters a code cell holds on one row, per view (lines wrap: `pre-wrap`, broken anywhere).
 * Unknown (Infinity) until a table has rendered: no line counted as wrapped. A store: what waits
 * re-sizes itself once it is known (the first files of the first diff opened render in the same
 * commit as the waiting ones, before any table was measured), and again when the diff's width
 * changes (a window resized, a side panel shown or hidden).
 */
export const wrapColumns = createStore<Record<DiffMode, number>>({ unified: Infinity, split: Infinity });

/** A view's measure: a code cell's inner width and a character's, at the diff's width then. */
interface Measure {
  inner: number;
  ch: number;
  /** The element whose width the tables follow (the diff's file list), and its width when measured. */
  box: Element;
  boxWidth: number;
}
const measured: Partial<Record<DiffMode, Measure>> = {};
let resized: ResizeObserver | null = null;

/** The characters a code cell of `mode` holds on one row (Infinity: not measured yet). */
export const columnsOf = (mode: DiffMode): number => wrapColumns.get()[mode];

/** The same, for a component: it renders again once they are measured. */
export const useColumns = (mode: DiffMode): number => useStoreSelector(wrapColumns, (all) => all[mode]);

/** Told in a task of its own: the sections and chunks waiting re-size after this commit, not inside it. */
function tell(mode: DiffMode, m: Measure): void {
  const cols = Math.max(1, Math.floor(m.inner / m.ch));
  setTimeout(() => wrapColumns.set((all) => (all[mode] === cols ? all : { ...all, [mode]: cols })), 0);
}

/**
 * The diff's width changed: each view's code cells changed with it, without a layout read (a
 * table's layout is fixed: its gutters keep their width, and its code cells share the rest — one
 * in unified view, two in split view). The tables themselves may be skipped by layout while off screen.
 */
function followWidth(entries: ResizeObserverEntry[]): void {
  for (const entry of entries) {
    for (const mode of ['unified', 'split'] as const) {
      const m = measured[mode];
      if (m === undefined || m.box !== entry.target) continue;
      const width = entry.contentRect.width;
      if (width === m.boxWidth || width <= 0) continue;
      m.inner += (width - m.boxWidth) / (mode === 'split' ? 2 : 1);
      m.boxWidth = width;
      if (m.inner > 0) tell(mode, m);
    }
  }
}

/** An element's content width, fractional (as a ResizeObserver reports it). */
function contentWidth(el: Element): number {
  const s = getComputedStyle(el);
  const px = (v: string) => parseFloat(v) || 0;
  return el.getBoundingClientRect().width - px(s.paddingLeft) - px(s.paddingRight) - px(s.borderLeftWidth) - px(s.borderRightWidth);
}

/**
 * Measures, from a rendered table of `mode`, how many characters its code cells hold on one row,
 * and follows the diff's width from then on (cheap to call after each table renders: once a view
 * is measured in a page, nothing is read again).
 */
export function noteColumns(table: HTMLElement, mode: DiffMode): void {
  if (measured[mode]?.box.isConnected === true) return;
  const cell = table.querySelector<HTMLElement>('td.diff-code:not(.diff-code-omit)');
  const box = table.closest('.diff-files') ?? table.parentElement;
  const ctx = document.createElement('canvas').getContext('2d');
  if (cell === null || box === null || ctx === null) return;
  const style = getComputedStyle(cell);
  const inner = cell.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  ctx.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  const ch = ctx.measureText('0'.repeat(50)).width / 50;
  if (!(inner > 0) || !(ch > 0)) return;
  const m: Measure = { inner, ch, box, boxWidth: contentWidth(box) };
  const previous = measured[mode]?.box;
  measured[mode] = m;
  if (typeof ResizeObserver !== 'undefined') {
    resized ??= new ResizeObserver(followWidth);
    if (previous !== undefined && previous !== box && !Object.values(measured).some((o) => o?.box === previous)) resized.unobserve(previous);
    resized.observe(box);
  }
  tell(mode, m);
}
