import path from 'node:path';
import type { FSWatcher } from 'chokidar';

/**
 * Folders never watched inside a worktree: git's own, and dependency and build folders that hold
 * thousands of files nobody reviews (each watched folder costs an OS watch; see issue 4's count).
 * The diff itself always comes from git, so nothing is missed in what the UI shows.
 */
export const UNWATCHED_DIRS = new Set(['.git', 'node_modules', '.venv', 'venv', '__pycache__', 'target', 'dist', 'build', 'out', '.next', '.cache', '.turbo', 'coverage']);

/** Calls `onChange` with repo-relative paths (forward slashes) of files that changed in `root`. */
export async function watchWorktree(root: string, onChange: (paths: string[]) => void): Promise<() => Promise<void>> {
  const { watch } = await import('chokidar');
  const watcher: FSWatcher = watch(root, {
    ignoreInitial: true,
    ignored: (p: string) => {
      const rel = path.relative(root, p);
      if (!rel) return false;
      return rel.split(path.sep).some((part) => UNWATCHED_DIRS.has(part));
    },
  });
  const note = (p: string): void => onChange([path.relative(root, p).split(path.sep).join('/')]);
  watcher.on('add', note).on('change', note).on('unlink', note).on('unlinkDir', note);
  watcher.on('error', () => undefined);
  // Ready means the watches are in place: the snapshot a subscriber gets is followed by every change.
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return () => watcher.close();
}
