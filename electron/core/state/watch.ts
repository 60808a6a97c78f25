import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { FSWatcher } from 'chokidar';
import type { StatePaths } from './paths';

export type StateChangeKind = 'sessions' | 'locks' | 'context' | 'settings' | 'runs' | 'queue' | 'review' | 'messages';

export interface StateChange {
  kind: StateChangeKind;
  /** For `context`, `runs`, `review` and (an inbox) `messages`: the session whose record changed. */
  sessionId?: string;
}

/** Which part of the shared state a changed file belongs to (null: temp files, mutexes, others). */
export function classifyStatePath(paths: StatePaths, file: string): StateChange | null {
  const rel = path.relative(paths.dir, file).split(path.sep);
  const [first, second] = rel;
  if (!first || first.endsWith('.tmp') || first.endsWith('.mutex')) return null;
  if (rel.length === 1) {
    if (first === path.basename(paths.registry) || first === path.basename(paths.removedLog)) return { kind: 'sessions' };
    if (first === path.basename(paths.settings)) return { kind: 'settings' };
    if (first === path.basename(paths.queue)) return { kind: 'queue' };
    // The message log (issue 15), and the inboxes folder appearing (as reviews, below).
    if (first === path.basename(paths.messages) || first === path.basename(paths.inbox)) return { kind: 'messages' };
    // The reviews folder appearing (the repository's first review): chokidar reads a new folder,
    // then watches it, and a file renamed into it between the two is not reported; a change naming
    // no session has every review read again.
    if (first === path.basename(paths.reviews)) return { kind: 'review' };
    return null;
  }
  if (!second || second.endsWith('.tmp') || second.endsWith('.mutex') || !second.endsWith('.json')) return null;
  if (first === 'locks') return { kind: 'locks' };
  if (first === path.basename(paths.contextDir)) return { kind: 'context', sessionId: path.basename(second, '.json') };
  if (first === path.basename(paths.runs)) return { kind: 'runs', sessionId: second.split('.')[0] ?? '' };
  if (first === path.basename(paths.reviews)) return { kind: 'review', sessionId: path.basename(second, '.json') };
  // A session's inbox: a message to it was typed in, read or resumed with (its delivery changed).
  if (first === path.basename(paths.inbox)) return { kind: 'messages', sessionId: path.basename(second, '.json') };
  return null;
}

/**
 * Tells `onChange` when another process (the CLI, an agent's hook, a second window) changes the
 * shared state. Changes are coalesced for `debounceMs`: a burst of lock writes is one event per
 * kind (and per session for context). Returns a function that stops watching.
 */
export async function watchState(
  paths: StatePaths,
  onChange: (changes: StateChange[]) => void,
  options: { debounceMs?: number } = {},
): Promise<() => Promise<void>> {
  // Loaded on first use: CLI calls never watch, and chokidar pulls in fs/promises and streams.
  const { watch } = await import('chokidar');
  const debounceMs = options.debounceMs ?? 30;
  const pending = new Map<string, StateChange>();
  let timer: NodeJS.Timeout | null = null;
  const flush = (): void => {
    timer = null;
    const changes = [...pending.values()];
    pending.clear();
    if (changes.length) onChange(changes);
  };
  const note = (file: string): void => {
    const change = classifyStatePath(paths, file);
    if (!change) return;
    pending.set(`${change.kind}:${change.sessionId ?? ''}`, change);
    timer ??= setTimeout(flush, debounceMs);
  };
  mkdirSync(paths.dir, { recursive: true });
  const watcher: FSWatcher = watch(paths.dir, {
    ignoreInitial: true,
    depth: 1,
    // Mutex folders and temp files come and go on every write; they are never interesting.
    ignored: (p: string) => p.endsWith('.mutex') || p.includes('.mutex' + path.sep) || p.endsWith('.tmp'),
  });
  watcher.on('add', note).on('change', note).on('unlink', note).on('addDir', note);
  // Only once chokidar has set up its watches is a change guaranteed to be seen: a caller told
  // "watching" earlier could miss the very next change.
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return async () => {
    if (timer) clearTimeout(timer);
    await watcher.close();
  };
}
