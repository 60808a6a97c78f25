import type { HunkData, HunkTokens } from 'react-diff-view';
import { expandTokens } from './compact-lines';
import { languageOf, loadHighlighter, noteHighlight, tokensFor } from './highlight';
import { tokenHunksOf, type Chunk } from './hunk-chunks';
import type { TokenizeAnswer, TokenizeRequest } from './tokenize-worker';

/**
 * A chunk's tokens, computed once and kept with the chunk: a chunk whose tokens are ready before it
 * mounts renders once, with its colours, instead of plain and then again highlighted. They are
 * computed in a worker (tokenize-worker.ts) so the page's main thread stays free to scroll; where no
 * worker can be started (or it fails), on the main thread, in a task of the frame queue.
 */
const cache = new WeakMap<Chunk, HunkTokens | null>();
/** A chunk asked for again while its tokens are being computed gets the same answer (one worker request). */
const inFlight = new WeakMap<Chunk, Promise<HunkTokens | null>>();

export const hunksOf = (chunk: Chunk): HunkData[] => chunk.parts.map((p) => p.hunk);

/** The chunk's tokens if they were computed (undefined: not yet). */
export const cachedTokens = (chunk: Chunk): HunkTokens | null | undefined => cache.get(chunk);

type Pending = { resolve: (answer: TokenizeAnswer | null) => void };
let worker: Worker | null | undefined;
let nextId = 1;
const pending = new Map<number, Pending>();

function failWorker(event?: Event): void {
  console.warn(`the diff's tokenizer worker failed (${event instanceof ErrorEvent ? event.message : (event?.type ?? 'no reason')}): tokenizing on the page from now on`);
  worker?.terminate();
  worker = null;
  for (const p of pending.values()) p.resolve(null);
  pending.clear();
}

function tokenizer(): Worker | null {
  if (worker !== undefined) return worker;
  try {
    worker = typeof Worker === 'undefined' ? null : new Worker(new URL('./tokenize-worker.ts', import.meta.url), { type: 'module', name: 'diff-tokenize' });
  } catch {
    worker = null;
  }
  if (worker !== null) {
    worker.onmessage = (event: MessageEvent<TokenizeAnswer>) => {
      const p = pending.get(event.data.id);
      pending.delete(event.data.id);
      p?.resolve(event.data);
    };
    // Could not load (a page whose policy refuses workers) or crashed: the main thread from now on.
    worker.onerror = failWorker;
    worker.onmessageerror = failWorker;
  }
  return worker;
}

function inWorker(w: Worker, hunks: HunkData[], language: string | null): Promise<TokenizeAnswer | null> {
  const id = nextId++;
  return new Promise((resolve) => {
    pending.set(id, { resolve });
    try {
      w.postMessage({ id, hunks, language } satisfies TokenizeRequest);
    } catch {
      pending.delete(id);
      resolve(null);
    }
  });
}

/** The worker's tokens at the lines' real numbers (null: none, or they do not fit the lines). */
function putBack(answer: TokenizeAnswer): HunkTokens | null {
  if (answer.tokens === null) return null;
  try {
    return expandTokens(JSON.parse(answer.tokens) as HunkTokens, { hunks: [], old: answer.old, new: answer.new });
  } catch {
    return null;
  }
}

/** Computes the chunk's tokens (once; in the worker when there is one) and keeps them. */
export function chunkTokens(chunk: Chunk, path: string): Promise<HunkTokens | null> {
  const known = cache.get(chunk);
  if (known !== undefined) return Promise.resolve(known);
  let pending = inFlight.get(chunk);
  if (pending === undefined) {
    pending = computeTokens(chunk, path).finally(() => inFlight.delete(chunk));
    inFlight.set(chunk, pending);
  }
  return pending;
}

async function computeTokens(chunk: Chunk, path: string): Promise<HunkTokens | null> {
  const language = languageOf(path);
  const w = tokenizer();
  if (w !== null) {
    const answer = await inWorker(w, tokenHunksOf(chunk), language);
    const again = cache.get(chunk);
    if (again !== undefined) return again;
    if (answer !== null) {
      noteHighlight(answer.ms, 'worker');
      const tokens = putBack(answer);
      cache.set(chunk, tokens);
      return tokens;
    }
  }
  const highlighter = language === null ? null : await loadHighlighter();
  const again = cache.get(chunk);
  if (again !== undefined) return again;
  const tokens = tokensFor(tokenHunksOf(chunk), language, highlighter);
  cache.set(chunk, tokens);
  return tokens;
}
