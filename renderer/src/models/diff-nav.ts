/**
 * The diff's own keys (issue 14, item 3) and where they move to. They sit beside the workspace's
 * shortcuts (models/shortcuts.ts: n, a, 1–9, Esc, ?) without sharing a key, and like them never act
 * while the person types, holds a modifier or has a dialog open.
 */
import type { KeyPress } from './shortcuts';

export type DiffKey = 'next-file' | 'previous-file' | 'next-hunk' | 'previous-hunk' | 'toggle-viewed';

export const DIFF_SHORTCUTS: readonly { keys: string; what: string }[] = [
  { keys: 'j / k', what: 'Diff: next / previous file' },
  { keys: '] / [', what: 'Diff: next / previous change (hunk)' },
  { keys: 'v', what: 'Diff: mark the current file viewed (or not)' },
];

const KEYS: Record<string, DiffKey> = { j: 'next-file', k: 'previous-file', ']': 'next-hunk', '[': 'previous-hunk', v: 'toggle-viewed' };

export function diffKeyOf(press: KeyPress): DiffKey | null {
  if (press.ctrlKey || press.metaKey || press.altKey || press.typing || press.dialogOpen) return null;
  return KEYS[press.key] ?? null;
}

/** The file to go to from `current` (an index in scroll order; -1: none yet), or null at an end. */
export function stepFile(current: number, count: number, direction: 1 | -1): number | null {
  if (count === 0) return null;
  const next = current === -1 ? (direction === 1 ? 0 : count - 1) : current + direction;
  return next < 0 || next >= count ? null : next;
}

/**
 * The hunk to go to: `tops` are the hunks' positions in the page, top to bottom, `at` the reading
 * line (the top of the view, below the sticky bars). Next: the first below the line (a pixel's
 * slack, so a hunk just scrolled to counts as passed); previous: the last above it.
 */
export function stepHunk(tops: readonly number[], at: number, direction: 1 | -1): number | null {
  if (direction === 1) {
    const i = tops.findIndex((top) => top > at + 1);
    return i === -1 ? null : i;
  }
  for (let i = tops.length - 1; i >= 0; i--) if (tops[i]! < at - 1) return i;
  return null;
}
