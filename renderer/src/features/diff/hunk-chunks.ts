import type { ChangeData, HunkData } from 'react-diff-view';
import type { DiffMode } from './diff-mode-store';

/**
 * A file's hunks cut into chunks of about `maxRows` rows, each rendered (and highlighted) as its
 * own table in its own frame, so a 5,000-line change never holds the page for one long frame. A hunk
 * longer than a chunk is cut into parts; only a hunk's first part carries git's header.
 */
export interface HunkPart {
  hunk: HunkData;
  /** The whole hunk this is a part of (in the chunk's view order; `hunk` itself when not cut). */
  whole: HunkData;
  /** git's `@@ … @@` line, on a hunk's first part only. */
  header: string | null;
  /** The index of the hunk this part belongs to, in the file. */
  index: number;
}

export interface Chunk {
  key: string;
  parts: HunkPart[];
  rows: number;
}

const oldLine = (c: ChangeData) => (c.type === 'normal' ? c.oldLineNumber : c.type === 'delete' ? c.lineNumber : null);
const newLine = (c: ChangeData) => (c.type === 'normal' ? c.newLineNumber : c.type === 'insert' ? c.lineNumber : null);

/** A part of `hunk` with these changes, its starts and counts recomputed. */
export function partOf(hunk: HunkData, changes: ChangeData[]): HunkData {
  const firstOld = changes.map(oldLine).find((n) => n !== null);
  const firstNew = changes.map(newLine).find((n) => n !== null);
  const oldLines = changes.filter((c) => c.type !== 'insert').length;
  const newLines = changes.filter((c) => c.type !== 'delete').length;
  return { ...hunk, oldStart: firstOld ?? hunk.oldStart, newStart: firstNew ?? hunk.newStart, oldLines, newLines, changes };
}

/**
 * A hunk's changes as the units a chunk's end may fall between, each one row: in unified view each
 * line; in split view (changes in sideBySide's order) a removed line and the added line beside it
 * together. `block`: the block (blocksOf) the unit is in, when that block both removes and adds
 * lines (null otherwise: nothing in it to pair).
 */
interface Unit {
  from: number;
  to: number;
  block: number | null;
}

function unitsOf(hunk: HunkData, mode: DiffMode): Unit[] {
  const { blocks, at } = blocksOf(hunk);
  const { changes } = hunk;
  const units: Unit[] = [];
  for (let i = 0; i < changes.length; ) {
    const where = at.get(changes[i]!);
    const mixed = where !== undefined && blocks[where.block]!.removed.length > 0 && blocks[where.block]!.added.length > 0;
    const pair = mode === 'split' && changes[i]!.type === 'delete' && changes[i + 1]?.type === 'insert';
    units.push({ from: i, to: i + (pair ? 2 : 1), block: mixed ? where.block : null });
    i += pair ? 2 : 1;
  }
  return units;
}

/**
 * A file's hunks cut in chunks of about `maxRows` rows for one view (split: in sideBySide's order).
 * A chunk never ends between a removed line and the added line beside it, and a block of removed
 * and added lines that fits in a chunk is not cut at all: it starts the next chunk instead. Across
 * a cut neither the split view nor the word marks (highlighted chunk by chunk) could pair its lines.
 */
export function chunkHunks(hunks: readonly HunkData[], maxRows: number, mode: DiffMode = 'unified'): Chunk[] {
  const chunks: Chunk[] = [];
  let parts: HunkPart[] = [];
  let rows = 0;
  const close = () => {
    if (parts.length === 0) return;
    const first = parts[0]!.hunk;
    chunks.push({ key: `${first.oldStart}:${first.newStart}:${rows}`, parts, rows });
    parts = [];
    rows = 0;
  };
  hunks.forEach((original, index) => {
    const hunk = mode === 'split' ? sideBySide(original) : original;
    if (hunk.changes.length === 0) {
      if (rows >= maxRows) close();
      parts.push({ hunk, whole: hunk, header: hunk.content, index });
      rows += 1;
      return;
    }
    const units = unitsOf(hunk, mode);
    const blockRows = new Map<number, number>();
    for (const u of units) if (u.block !== null) blockRows.set(u.block, (blockRows.get(u.block) ?? 0) + 1);
    let at = 0;
    while (at < units.length) {
      if (rows >= maxRows) close();
      const room = Math.max(1, maxRows - rows);
      let end = Math.min(units.length, at + room);
      const cut = units[end]?.block ?? null;
      if (cut !== null && units[end - 1]!.block === cut && (blockRows.get(cut) ?? 0) <= maxRows) {
        let start = end - 1;
        while (start > at && units[start - 1]!.block === cut) start--;
        if (start > at) {
          end = start;
        } else if (parts.length > 0) {
          close();
          continue;
        }
      }
      const from = units[at]!.from;
      const to = units[end - 1]!.to;
      const changes = hunk.changes.slice(from, to);
      parts.push({ hunk: from === 0 && to === hunk.changes.length ? hunk : partOf(hunk, changes), whole: hunk, header: at === 0 ? hunk.content : null, index });
      rows += end - at + (at === 0 ? 1 : 0);
      at = end;
    }
  });
  close();
  return chunks;
}

/** A hunk's blocks (runs of changed lines between context lines): each one's removed and added lines, and where each changed line is in its block. */
interface Blocks {
  blocks: { removed: ChangeData[]; added: ChangeData[] }[];
  at: Map<ChangeData, { block: number; n: number }>;
}

const blocksCache = new WeakMap<HunkData, Blocks>();

function blocksOf(hunk: HunkData): Blocks {
  let found = blocksCache.get(hunk);
  if (found === undefined) {
    found = { blocks: [], at: new Map() };
    let current: Blocks['blocks'][number] | null = null;
    for (const c of hunk.changes) {
      if (c.type === 'normal') {
        current = null;
        continue;
      }
      if (current === null) {
        current = { removed: [], added: [] };
        found.blocks.push(current);
      }
      const side = c.type === 'delete' ? current.removed : current.added;
      found.at.set(c, { block: found.blocks.length - 1, n: side.length });
      side.push(c);
    }
    blocksCache.set(hunk, found);
  }
  return found;
}

/**
 * The hunks a chunk's tokens are made from: its own, with each changed line's counterpart in its
 * block (the n-th removed line's n-th added line, and the other way) added where a cut left it in
 * another chunk, each pair side by side (sideBySide's order). The word marks pair lines by that
 * order: from the chunk's lines alone, a block longer than a chunk was marked against the wrong
 * lines (in unified view, removed line 42 against added line 6). The added lines' tokens are not
 * shown: rows look their tokens up by line number.
 */
export function tokenHunksOf(chunk: Chunk): HunkData[] {
  return chunk.parts.map((part) => {
    if (part.hunk === part.whole) return part.hunk;
    const { blocks, at } = blocksOf(part.whole);
    const wanted = new Map<number, Set<number>>();
    for (const c of part.hunk.changes) {
      const where = at.get(c);
      if (where === undefined) continue;
      let ns = wanted.get(where.block);
      if (ns === undefined) wanted.set(where.block, (ns = new Set()));
      ns.add(where.n);
    }
    const changes: ChangeData[] = [];
    for (const c of part.hunk.changes) {
      const where = at.get(c);
      if (where === undefined) {
        changes.push(c);
        continue;
      }
      const ns = wanted.get(where.block);
      if (ns === undefined) continue; // (emitted at the block's first line)
      wanted.delete(where.block);
      const block = blocks[where.block]!;
      for (const n of [...ns].sort((x, y) => x - y)) {
        if (block.removed[n] !== undefined) changes.push(block.removed[n]);
        if (block.added[n] !== undefined) changes.push(block.added[n]);
      }
    }
    return partOf(part.whole, changes);
  });
}

/** The text of lines `start`–`end` on one side of the file's hunks (for a line selection). */
export function linesText(hunks: readonly HunkData[], side: 'old' | 'new', start: number, end: number): string {
  const lineOf = side === 'old' ? oldLine : newLine;
  const lines: string[] = [];
  for (const hunk of hunks) {
    for (const change of hunk.changes) {
      const n = lineOf(change);
      if (n !== null && n >= start && n <= end) lines.push(change.content);
    }
  }
  return lines.join('\n');
}

/** A range from an anchor line and the line clicked last (either order). */
export function rangeOf(anchor: number, line: number): { startLine: number; endLine: number } {
  return { startLine: Math.min(anchor, line), endLine: Math.max(anchor, line) };
}

/** The lines a chunk shows on each side, first to last (null: none on that side). */
export interface LineSpan {
  old: readonly [number, number] | null;
  new: readonly [number, number] | null;
}

const spans = new WeakMap<Chunk, LineSpan>();

export function spanOf(chunk: Chunk): LineSpan {
  let span = spans.get(chunk);
  if (span === undefined) {
    const side = (lineOf: (c: ChangeData) => number | null): LineSpan['old'] => {
      const lines = chunk.parts.flatMap((p) => p.hunk.changes.map(lineOf)).filter((n): n is number => n !== null);
      return lines.length === 0 ? null : [Math.min(...lines), Math.max(...lines)];
    };
    span = { old: side(oldLine), new: side(newLine) };
    spans.set(chunk, span);
  }
  return span;
}

const sideOverlaps = (a: LineSpan['old'], b: LineSpan['old']) => a !== null && b !== null && a[0] <= b[1] && b[0] <= a[1];

/** Whether two chunks show a line in common (on either side). */
export const overlaps = (a: LineSpan, b: LineSpan): boolean => sideOverlaps(a.old, b.old) || sideOverlaps(a.new, b.new);

const sideBySideCache = new WeakMap<HunkData, HunkData>();

/**
 * The hunk's changes ordered for the split view: each run of removed lines interleaved with the
 * added lines after it (the n-th removed line, then the n-th added one), so the split view, which
 * sets a removed line beside an added line only when the added one comes right after it, shows
 * git's block side by side instead of a staircase (the removed lines, then the added ones below).
 */
export function sideBySide(hunk: HunkData): HunkData {
  let out = sideBySideCache.get(hunk);
  if (out === undefined) {
    const changes: ChangeData[] = [];
    const { changes: all } = hunk;
    for (let i = 0; i < all.length; ) {
      if (all[i]!.type !== 'delete') {
        changes.push(all[i++]!);
        continue;
      }
      const removed: ChangeData[] = [];
      while (i < all.length && all[i]!.type === 'delete') removed.push(all[i++]!);
      const added: ChangeData[] = [];
      while (i < all.length && all[i]!.type === 'insert') added.push(all[i++]!);
      for (let n = 0; n < Math.max(removed.length, added.length); n++) {
        if (n < removed.length) changes.push(removed[n]!);
        if (n < added.length) changes.push(added[n]!);
      }
    }
    out = { ...hunk, changes };
    sideBySideCache.set(hunk, out);
  }
  return out;
}
