/**
 * A chunk of a long file is tokenized with its lines renumbered from 1 (compact-lines.ts): the
 * tokens are the same as react-diff-view's own tokenize gives at the real line numbers (syntax
 * colour and word edits), and a chunk near the end of a 6,000-line file costs about what the first
 * chunk does, not 100 times more.
 */
import { markEdits, parseDiff, tokenize, type HunkData, type HunkTokens } from 'react-diff-view';
import { describe, expect, it } from 'vitest';
import { compactLines } from '../../renderer/src/features/diff/compact-lines';
import { tokensFor } from '../../renderer/src/features/diff/highlight';
import { chunkHunks, tokenHunksOf } from '../../renderer/src/features/diff/hunk-chunks';
import { highlighter } from '../../renderer/src/features/diff/refractor-setup';

const LINES = 6000;
const source = (i: number) => `export const value${i} = compute('${i}', ${i * 2}); // line ${i}`;

/** A modified file: every 40th line changed (a word edit), far apart hunks. */
function modifiedPatch(): HunkData[] {
  const out = ['diff --git a/x.ts b/x.ts', 'index 1111111..2222222 100644', '--- a/x.ts', '+++ b/x.ts'];
  for (let at = 20; at + 3 <= LINES; at += 40) {
    out.push(`@@ -${at - 2},5 +${at - 2},5 @@`, ` ${source(at - 2)}`, ` ${source(at - 1)}`, `-${source(at)}`, `+${source(at).replace('compute', 'recompute')}`, ` ${source(at + 1)}`, ` ${source(at + 2)}`);
  }
  return parseDiff(`${out.join('\n')}\n`)[0]!.hunks;
}

function newFilePatch(): HunkData[] {
  const body = Array.from({ length: LINES }, (_, i) => `+${source(i + 1)}`).join('\n');
  return parseDiff(`diff --git a/x.ts b/x.ts\nnew file mode 100644\n--- /dev/null\n+++ b/x.ts\n@@ -0,0 +1,${LINES} @@\n${body}\n`)[0]!.hunks;
}

/** A line's tokens as they render: empty text nodes (tokenize leaves one after a split) make no markup. */
const rendered = (nodes: unknown): unknown =>
  Array.isArray(nodes)
    ? nodes.filter((n: { type: string; value?: string }) => !(n.type === 'text' && n.value === '')).map((n: { children?: unknown }) => (n.children ? { ...n, children: rendered(n.children) } : n))
    : nodes;

const reference = (hunks: HunkData[]) => tokenize(hunks, { highlight: true, refractor: highlighter as never, language: 'typescript', enhancers: [markEdits(hunks, { type: 'line' })] });

/** The text inside word-edit marks of a line, the marks joined by spaces. */
function marksOf(tokens: HunkTokens, side: 'old' | 'new', line: number): string {
  const plain = (nodes: unknown[]): string => (nodes as { value?: string; children?: unknown[] }[]).map((n) => n.value ?? plain(n.children ?? [])).join('');
  const edited = (nodes: unknown): string =>
    (nodes as { type: string; value?: string; children?: unknown[] }[]).map((n) => (n.type === 'edit' ? plain(n.children ?? []) : n.children ? edited(n.children) : '')).join('|');
  return edited(tokens[side][line - 1] ?? []).split('|').filter(Boolean).join(' ');
}

describe('chunk tokens', () => {
  it('renumbers each side from 1, in order, gaps dropped', () => {
    const hunks = modifiedPatch().slice(100, 102);
    const c = compactLines(hunks);
    expect(c.hunks[0]).toMatchObject({ oldStart: 1, newStart: 1 });
    expect(c.hunks[1]).toMatchObject({ oldStart: 6, newStart: 6 });
    expect(c.old.slice(0, 6)).toEqual([hunks[0]!.oldStart, hunks[0]!.oldStart + 1, hunks[0]!.oldStart + 2, hunks[0]!.oldStart + 3, hunks[0]!.oldStart + 4, hunks[1]!.oldStart]);
  });

  // Word edits mark changed words between a removed and an added line: a modified file has them, a new file none.
  for (const [name, make, wordEdits] of [['a modified file (word edits)', modifiedPatch, true], ['a new file', newFilePatch, false]] as const) {
    it(`${name}: a chunk near the end: its tokens equal tokenize's at the real line numbers`, () => {
      const chunks = chunkHunks(make(), 60);
      const last = chunks[chunks.length - 2]!.parts.map((p) => p.hunk); // a full chunk near the end
      const ours = tokensFor(last, 'typescript', highlighter)!;
      const theirs = reference(last);
      const real = compactLines(last);
      let compared = 0;
      for (const side of ['old', 'new'] as const) {
        for (const n of real[side]) {
          expect(rendered(ours[side][n - 1])).toEqual(rendered(theirs[side][n - 1]));
          compared++;
        }
        // Nothing outside the chunk's own lines.
        expect(Object.keys(ours[side]).length).toBe(real[side].length);
      }
      expect(compared).toBeGreaterThan(50);
      expect(JSON.stringify(ours.new).includes('"edit"')).toBe(wordEdits);
    });
  }

  it('a chunk at the end of a 6,000-line file costs about what the first does', () => {
    const chunks = chunkHunks(newFilePatch(), 60);
    const time = (i: number) => {
      const hunks = chunks[i]!.parts.map((p) => p.hunk);
      tokensFor(hunks, 'typescript', highlighter); // warm
      const started = performance.now();
      for (let n = 0; n < 5; n++) tokensFor(hunks, 'typescript', highlighter);
      return (performance.now() - started) / 5;
    };
    const first = time(0);
    const last = time(chunks.length - 1);
    const oldWay = (() => {
      const hunks = chunks[chunks.length - 1]!.parts.map((p) => p.hunk);
      const started = performance.now();
      reference(hunks);
      return performance.now() - started;
    })();
    expect(last).toBeLessThan(first * 3 + 2);
    expect(oldWay).toBeGreaterThan(last * 5);
  });

  it('marks words between the n-th removed and the n-th added line of a block, not the lines next to each other', () => {
    const [hunk] = parseDiff('diff --git a/x.ts b/x.ts\n--- a/x.ts\n+++ b/x.ts\n@@ -1,3 +1,3 @@\n-const a = alpha;\n-const b = beta;\n+const a = ALPHA;\n+const b = zoo;\n const c = 1;\n')[0]!.hunks;
    const tokens = tokensFor([hunk!], null, null)!;
    const marks = (side: 'old' | 'new', line: number) => marksOf(tokens, side, line);
    expect(marks('old', 1)).toBe('alpha');
    expect(marks('new', 1)).toBe('ALPHA');
    expect(marks('old', 2)).toBe('beta');
    expect(marks('new', 2)).toBe('zoo');
  });

  it('a block longer than a chunk: each chunk marks its lines against their own counterparts, in either view', () => {
    // 50 lines rewritten whole ("old-k" → "new-k"), lines 6–55 of 60: cut by chunks of 40 rows.
    const lines = (word: string) => Array.from({ length: 50 }, (_, k) => `export const v${k} = '${word}-${k}';`);
    const patch = ['--- a/x.ts', '+++ b/x.ts', '@@ -3,53 +3,53 @@', ' // 3', ' // 4', ' // 5', ...lines('old').map((l) => `-${l}`), ...lines('new').map((l) => `+${l}`), ' // 56', ' // 57', ' // 58', ''].join('\n');
    const hunks = parseDiff(patch)[0]!.hunks;
    for (const mode of ['unified', 'split'] as const) {
      const chunks = chunkHunks(hunks, 40, mode);
      expect(chunks.length, mode).toBeGreaterThan(1);
      let checked = 0;
      for (const chunk of chunks) {
        const tokens = tokensFor(tokenHunksOf(chunk), null, null)!;
        for (const c of chunk.parts.flatMap((p) => p.hunk.changes)) {
          if (c.type === 'normal') continue;
          const side = c.type === 'delete' ? 'old' : 'new';
          // Only the word that changed (the build before, unified: removed line 42 against added line 6, "42" and "old" marked).
          expect(marksOf(tokens, side, c.lineNumber), `${mode}: ${c.content}`).toBe(side);
          checked++;
        }
      }
      expect(checked, mode).toBe(100);
    }
  });
});
