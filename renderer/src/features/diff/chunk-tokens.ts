import type { HunkData, HunkTokens } from 'react-diff-view';
import { languageOf, loadHighlighter, tokensFor } from './highlight';
import type { Chunk } from './hunk-chunks';

/**
 * A chunk's tokens, computed once (in a task of the frame queue) and kept with the chunk: a chunk
 * whose tokens are ready before it mounts renders once, with its colours, instead of plain and then
 * again highlighted.
 */
const cache = new WeakMap<Chunk, HunkTokens | null>();

export const hunksOf = (chunk: Chunk): HunkData[] => chunk.parts.map((p) => p.hunk);

/** The chunk's tokens if they were computed (undefined: not yet). */
export const cachedTokens = (chunk: Chunk): HunkTokens | null | undefined => cache.get(chunk);

/** Computes the chunk's tokens (once; the highlighter is loaded on first use) and keeps them. */
export async function chunkTokens(chunk: Chunk, path: string): Promise<HunkTokens | null> {
  const known = cache.get(chunk);
  if (known !== undefined) return known;
  const language = languageOf(path);
  const highlighter = language === null ? null : await loadHighlighter();
  const again = cache.get(chunk);
  if (again !== undefined) return again;
  const tokens = tokensFor(hunksOf(chunk), language, highlighter);
  cache.set(chunk, tokens);
  return tokens;
}
