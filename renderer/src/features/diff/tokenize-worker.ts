/// <reference lib="webworker" />
import type { HunkData } from 'react-diff-view';
import { compactTokens } from './highlight';
import { highlighter } from './refractor-setup';

/**
 * The diff's tokenizer off the page's main thread: a chunk's hunks in, their tokens (lines numbered
 * 1..n per side, compact-lines.ts) out, with the time it took. The page puts the lines back at their
 * real numbers (cheap) and renders; the scroll never waits for refractor or the word-edit marks.
 */
export interface TokenizeRequest {
  id: number;
  hunks: HunkData[];
  language: string | null;
}
export interface TokenizeAnswer {
  id: number;
  /**
   * The tokens as JSON (null: the tokenizer failed on these lines; they render plain). A string, not
   * the objects: the page's main thread parses it about twice as fast as it deserializes a structured
   * clone of the same many small objects, and that is the one piece of a worker answer it pays for.
   */
  tokens: string | null;
  /** Compact line (1-based) → real line, per side. */
  old: number[];
  new: number[];
  ms: number;
}

const scope = self as unknown as DedicatedWorkerGlobalScope;
scope.onmessage = (event: MessageEvent<TokenizeRequest>) => {
  const { id, hunks, language } = event.data;
  const started = performance.now();
  const done = compactTokens(hunks, language, highlighter);
  const answer: TokenizeAnswer = { id, tokens: done ? JSON.stringify(done.tokens) : null, old: done?.compacted.old ?? [], new: done?.compacted.new ?? [], ms: performance.now() - started };
  scope.postMessage(answer);
};
