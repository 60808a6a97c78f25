import { mkdirSync, statSync } from 'node:fs';
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
/** How long after a reported change its files are looked at again (see flush). */
const ECHO_MS = 120;

/** A file as it stands (another rename over it is another inode); '-' when it is not there. */
function fileVersion(file: string): string {
  try {
    const s = statSync(file, { bigint: true });
    return `${s.ino}:${s.size}:${s.mtimeNs}`;
  } catch {
    return '-';
  }
}

export async function watchState(
  paths: StatePaths,
  onChange: (changes: StateChange[]) => void,
  options: { debounceMs?: number } = {},
): Promise<() => Promise<void>> {
  // Loaded on first use: CLI calls never watch, and chokidar pulls in fs/promises and streams.
  const { watch } = await import('chokidar');
  const debounceMs = options.debounceMs ?? 30;
  const pending = new Map<string, StateChange>();
  /** The files behind each pending change, to look at again after it was told (see flush). */
  const pendingFiles = new Map<string, Set<string>>();
  let timer: NodeJS.Timeout | null = null;
  const echoes = new Set<NodeJS.Timeout>();
  const flush = (): void => {
    timer = null;
    const changes = [...pending.entries()];
    const files = new Map(pendingFiles);
    pending.clear();
    pendingFiles.clear();
    if (!changes.length) return;
    onChange(changes.map(([, change]) => change));
    // chokidar reports no second change of a file written again within ~35 ms of the one it just
    // reported (measured: 10 of 10 lost at a 35 ms gap, none at 50 ms): a reader that re-read at
    // the first would keep the older state for good (an unread count that never cleared). So the
    // files are looked at once more a little later, and a change is told again if one of its files
    // differs from what it was when it was told.
    const seen = new Map([...files].map(([key, set]) => [key, [...set].map(fileVersion).join('|')]));
    const echo = setTimeout(() => {
      echoes.delete(echo);
      const again = changes.filter(([key]) => [...(files.get(key) ?? [])].map(fileVersion).join('|') !== seen.get(key)).map(([, change]) => change);
      if (again.length) onChange(again);
    }, ECHO_MS);
    echoes.add(echo);
  };
  const note = (file: string): void => {
    const change = classifyStatePath(paths, file);
    if (!change) return;
    const key = `${change.kind}:${change.sessionId ?? ''}`;
    pending.set(key, change);
    let set = pendingFiles.get(key);
    if (set === undefined) pendingFiles.set(key, (set = new Set()));
    set.add(file);
    timer ??= setTimeout(flush, debounceMs);
  };
  mkdirSync(paths.dir, { recursive: true });
  const watcher: FSWatcher = watch(paths.dir, {
    ignoreInitial: true,
    depth: 1,
    // Every state file is written by rename over the old one. chokidar's `atomic` mode folds an
    // unlink followed by an add within 100 ms into one change and drops a second write in that
    // window (4 of 20 pairs 40–100 ms apart lost). Off: each rename is seen (unlink + add, coalesced).
    atomic: false,
    // Mutex folders and temp files come and go on every write; they are never interesting.
    ignored: (p: string) => p.endsWith('.mutex') || p.includes('.mutex' + path.sep) || p.endsWith('.tmp'),
  });
  watcher.on('add', note).on('change', note).on('unlink', note).on('addDir', note);
  // Only once chokidar has set up its watches is a change guaranteed to be seen: a caller told
  // "watching" earlier could miss the very next change.
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return async () => {
    if (timer) clearTimeout(timer);
    for (const echo of echoes) clearTimeout(echo);
    await watcher.close();
  };
}
