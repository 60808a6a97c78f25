import type { ConflictHunk } from '../../../shared/merge';

/**
 * The conflicting hunks of a file as git merged it (diff3 style markers, see git/merge-tree.ts
 * mergedFile), pure:
 *
 *   <<<<<<< a        side a's lines
 *   ||||||| base     what both started from (diff3 only)
 *   =======          side b's lines
 *   >>>>>>> b
 *
 * Only markers of git's default size (7) count; the longer ones git writes inside a virtual merge
 * base of a criss-cross history are lines of that section. A marker left open by a file that itself
 * contains marker-like lines ends the parse: what was found before it stands.
 */

export interface HunkLimits {
  /** Hunks returned; the rest are counted. */
  maxHunks: number;
  /** Lines of each section (a, base, b); more are cut and the hunk is `clipped`. */
  maxLines: number;
  /** Unchanged lines shown before and after each hunk. */
  context: number;
  /** Characters of one line; a longer one ends with "…". */
  maxLineLength: number;
}

export const HUNK_LIMITS: HunkLimits = { maxHunks: 12, maxLines: 40, context: 3, maxLineLength: 300 };

const marker = (line: string, char: string): boolean => line.startsWith(char.repeat(7)) && (line.length === 7 || line[7] === ' ');

export function conflictHunks(text: string, limits: HunkLimits = HUNK_LIMITS): { hunks: ConflictHunk[]; more: number } {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const cut = (line: string): string => (line.length > limits.maxLineLength ? `${line.slice(0, limits.maxLineLength)}…` : line);
  const hunks: ConflictHunk[] = [];
  let more = 0;
  /** Lines of the file outside conflicts, since the last hunk (or the start). */
  let plain: string[] = [];
  /** The line number (in the file with side a's versions taken) the next line has. */
  let lineNo = 1;
  let pendingAfter: ConflictHunk | null = null;
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] as string;
    if (!marker(line, '<')) {
      plain.push(line);
      if (pendingAfter !== null && pendingAfter.after.length < limits.context) pendingAfter.after.push(cut(line));
      lineNo++;
      i++;
      continue;
    }
    // A conflict: side a until ||||||| or =======, the base until =======, side b until >>>>>>>.
    const a: string[] = [];
    const b: string[] = [];
    let base: string[] | null = null;
    let section: 'a' | 'base' | 'b' = 'a';
    let j = i + 1;
    let closed = false;
    for (; j < lines.length; j++) {
      const l = lines[j] as string;
      if (section === 'a' && marker(l, '|')) {
        section = 'base';
        base = [];
      } else if (section !== 'b' && marker(l, '=') && l.length === 7) section = 'b';
      else if (section === 'b' && marker(l, '>')) {
        closed = true;
        break;
      } else (section === 'a' ? a : section === 'base' ? (base as string[]) : b).push(l);
    }
    if (!closed) break;
    pendingAfter = null;
    if (hunks.length < limits.maxHunks) {
      const clip = (section: string[]): string[] => section.slice(0, limits.maxLines).map(cut);
      const clipped = [a, b, base ?? []].some((s) => s.length > limits.maxLines);
      const hunk: ConflictHunk = { line: lineNo, before: plain.slice(-limits.context).map(cut), a: clip(a), base: base === null ? null : clip(base), b: clip(b), after: [], clipped };
      hunks.push(hunk);
      pendingAfter = hunk;
    } else more++;
    plain = [];
    lineNo += a.length;
    i = j + 1;
  }
  return { hunks, more };
}
