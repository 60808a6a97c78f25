import type { ChangeData, HunkData, HunkTokens, TokenNode } from 'react-diff-view';

/**
 * react-diff-view's tokenize builds each side's text from line 1 to the chunk's last line (the
 * lines before the chunk as empty ones) and highlights, splits and enhances all of it: a chunk near
 * line 5,000 of a file cost as much as the first 5,000 lines. So a chunk is tokenized with its lines
 * renumbered 1..n on each side (in order, gaps between hunks dropped), and the tokens are put back
 * at the lines' real numbers.
 */

export interface Compacted {
  hunks: HunkData[];
  /** Compact line (1-based) → the real line, per side. */
  old: number[];
  new: number[];
}


export function compactLines(hunks: readonly HunkData[]): Compacted {
  const realOld: number[] = [];
  const realNew: number[] = [];
  const next = (real: number[], n: number): number => {
    real.push(n);
    return real.length;
  };
  const compacted = hunks.map((hunk) => {
    const oldStart = realOld.length + 1;
    const newStart = realNew.length + 1;
    const changes = hunk.changes.map((c): ChangeData => {
      if (c.type === 'normal') return { ...c, oldLineNumber: next(realOld, c.oldLineNumber), newLineNumber: next(realNew, c.newLineNumber) };
      if (c.type === 'delete') return { ...c, lineNumber: next(realOld, c.lineNumber) };
      return { ...c, lineNumber: next(realNew, c.lineNumber) };
    });
    return { ...hunk, oldStart, newStart, changes };
  });
  return { hunks: compacted, old: realOld, new: realNew };
}

/** Tokens of compacted hunks, each line's back at its real number (a sparse array per side). */
export function expandTokens(tokens: HunkTokens, compacted: Compacted): HunkTokens {
  const place = (lines: HunkTokens['old'], real: number[]) => {
    // Word-edit marks carry their line: back to the real one too.
    const renumber = (nodes: readonly TokenNode[]): void => {
      for (const node of nodes as (TokenNode & { lineNumber?: unknown; children?: TokenNode[] })[]) {
        if (typeof node.lineNumber === 'number') node.lineNumber = real[node.lineNumber - 1] ?? node.lineNumber;
        if (node.children) renumber(node.children);
      }
    };
    const out: HunkTokens['old'] = [];
    real.forEach((n, i) => {
      const line = lines[i];
      // (a line without tokens: a hole, or null once the tokens went through JSON)
      if (line === undefined || line === null) return;
      renumber(line);
      out[n - 1] = line;
    });
    return out;
  };
  return { old: place(tokens.old, compacted.old), new: place(tokens.new, compacted.new) };
}

