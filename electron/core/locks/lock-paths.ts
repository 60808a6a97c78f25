import { realpathSync } from 'node:fs';
import path from 'node:path';
import { invalidInput } from '../errors';

/** Resolves the deepest part of `p` that exists through symlinks, and keeps the rest as written. */
export function realpathOfExisting(p: string): string {
  const rest: string[] = [];
  let current = p;
  for (;;) {
    try {
      return path.join(realpathSync.native(current), ...rest.reverse());
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return p;
      rest.push(path.basename(current));
      current = parent;
    }
  }
}

/** The real path of a checkout root (a missing one as written): roots are compared with real paths. */
export function safeRealpath(p: string): string {
  try {
    return realpathSync.native(p);
  } catch {
    return path.resolve(p);
  }
}

const inside = (root: string, target: string): string | null => {
  const rel = path.relative(root, target);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return null;
  return rel;
};

/**
 * Turns a path as a user or an agent gives it (relative to `cwd`, or absolute, inside the main
 * checkout or any session worktree) into the repo-relative form locks are keyed by, with forward
 * slashes. Refuses anything that is, or resolves through a symlink to, a place outside every
 * checkout of the repository, the checkout's root itself, and git's own folder.
 * `realRoots`: every checkout root as a real path, longest first (see FileLocks.realRoots).
 */
export function normalizeLockPath(input: string, cwd: string, realRoots: readonly string[]): string {
  if (!input.trim()) throw invalidInput('the path is empty');
  if (input.includes('\0')) throw invalidInput('the path contains a NUL character');
  const absolute = path.resolve(cwd, input);
  const real = realpathOfExisting(absolute);
  // `realRoots` are real paths, longest first: a session worktree inside the main checkout must win.
  for (const root of realRoots) {
    const rel = inside(root, real);
    if (rel === null) continue;
    const posix = rel.split(path.sep).join('/');
    if (posix === '.git' || posix.startsWith('.git/')) {
      throw invalidInput(`${input} is inside git's own folder; only files of the working tree can be locked`);
    }
    return posix;
  }
  if (realRoots.some((root) => root === real)) throw invalidInput(`${input} is the repository's root folder, not a file in it`);
  const lexicallyInside = realRoots.some((root) => inside(root, path.resolve(absolute)) !== null);
  throw invalidInput(
    lexicallyInside
      ? `${input} resolves through a symlink to ${real}, which is outside the repository`
      : `${input} is outside the repository (${realRoots[realRoots.length - 1] ?? cwd})`,
  );
}
