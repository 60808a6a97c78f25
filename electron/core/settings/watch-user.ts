import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { FSWatcher } from 'chokidar';

/**
 * Tells `onChange` when the user's settings file changes (`council settings set --user` from a
 * terminal, another window): the repository's own state watcher sees only its git common dir, and
 * a screen showing the user's values, or what they add up to, must follow them. Changes are
 * coalesced for `debounceMs`. Returns a function that stops watching.
 */
export async function watchUserSettings(file: string, onChange: () => void, options: { debounceMs?: number } = {}): Promise<() => Promise<void>> {
  const { watch } = await import('chokidar');
  const dir = path.dirname(file);
  // The folder is watched (the file may not exist yet, and each write replaces it by a rename).
  mkdirSync(dir, { recursive: true });
  let timer: NodeJS.Timeout | null = null;
  const note = (changed: string): void => {
    if (path.resolve(changed) !== path.resolve(file)) return;
    timer ??= setTimeout(() => {
      timer = null;
      onChange();
    }, options.debounceMs ?? 30);
  };
  const watcher: FSWatcher = watch(dir, { ignoreInitial: true, depth: 0, ignored: (p: string) => p.endsWith('.tmp') || p.includes('.mutex') });
  watcher.on('add', note).on('change', note).on('unlink', note);
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return async () => {
    if (timer) clearTimeout(timer);
    await watcher.close();
  };
}
