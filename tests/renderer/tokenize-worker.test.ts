/**
 * The diff's tokens computed in a worker (tokenize-worker.ts → chunk-tokens.ts): what the worker
 * posts (compact tokens as JSON and the real line numbers, through a structured clone, as postMessage
 * copies them) put back at the real lines equals the main thread's own tokens for the same chunk —
 * syntax colour and word edits — for a chunk deep in a long modified file.
 */
import { parseDiff, type HunkData } from 'react-diff-view';
import { describe, expect, it } from 'vitest';
import { expandTokens } from '../../renderer/src/features/diff/compact-lines';
import { compactTokens, tokensFor } from '../../renderer/src/features/diff/highlight';
import { chunkHunks } from '../../renderer/src/features/diff/hunk-chunks';
import { highlighter } from '../../renderer/src/features/diff/refractor-setup';
import { CHUNK_ROWS } from '../../renderer/src/features/diff/sizes';

const source = (i: number) => `export const value${i} = compute('${i}', ${i * 2}); // line ${i}`;

function modified(lines: number): HunkData[] {
  const out = ['diff --git a/x.ts b/x.ts', 'index 1111111..2222222 100644', '--- a/x.ts', '+++ b/x.ts'];
  for (let at = 20; at + 3 <= lines; at += 30) {
    out.push(`@@ -${at - 2},5 +${at - 2},5 @@`, ` ${source(at - 2)}`, ` ${source(at - 1)}`, `-${source(at)}`, `+${source(at).replace('compute', 'recompute')}`, ` ${source(at + 1)}`, ` ${source(at + 2)}`);
  }
  return parseDiff(`${out.join('\n')}\n`)[0]!.hunks;
}

describe('tokens from the worker', () => {
  it('equal the main thread’s for the same chunk once put back at the real lines', () => {
    const chunks = chunkHunks(modified(3000), CHUNK_ROWS);
    for (const chunk of [chunks[1]!, chunks[Math.floor(chunks.length / 2)]!, chunks[chunks.length - 1]!]) {
      const hunks = chunk.parts.map((p) => p.hunk);
      const done = compactTokens(structuredClone(hunks), 'typescript', highlighter)!;
      // As the worker posts them: the tokens as JSON, the line numbers as they are.
      const posted = structuredClone({ tokens: JSON.stringify(done.tokens), old: done.compacted.old, new: done.compacted.new });
      const fromWorker = expandTokens(JSON.parse(posted.tokens) as typeof done.tokens, { hunks: [], old: posted.old, new: posted.new });
      const here = tokensFor(hunks, 'typescript', highlighter)!;
      expect(fromWorker).toEqual(here);
      // Real content: a word edit mark and syntax colour on the chunk's last changed line.
      const lastNew = Math.max(...posted.new);
      const line = JSON.stringify(fromWorker.new[lastNew - 1]);
      expect(line).toContain('keyword');
      expect(JSON.stringify(fromWorker)).toContain('edit');
    }
  });

  it('a plain-text file (no language): word edits only, the same both ways', () => {
    const hunks = chunkHunks(modified(400), CHUNK_ROWS)[2]!.parts.map((p) => p.hunk);
    const done = compactTokens(structuredClone(hunks), null, null)!;
    const posted = structuredClone({ ...done, tokens: JSON.stringify(done.tokens) });
    expect(expandTokens(JSON.parse(posted.tokens) as typeof done.tokens, posted.compacted)).toEqual(tokensFor(hunks, null, null));
  });
});
