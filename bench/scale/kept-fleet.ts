import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Council } from '../../electron/core/council';
import { COUNT_MAX } from '../../electron/core/sessions/create';
import { rawGit } from '../git-exec';
import { generateRepo } from '../repo-gen';

/**
 * For the scripts that iterate on one cost at scale (board-fleet.ts, rest-profile.ts): a repository
 * of `files` files with `sessions` sessions, made once in `dir` and kept (a file `ready` says it is
 * complete), as scale-500.ts makes it: each worktree's index refreshed after the second it was made
 * in, as an agent's own git would. Sets COUNCIL_WORKTREE_ROOT to `dir`/worktrees. Returns the root.
 */
export async function keptFleet(dir: string, sessions: number, files: number, task: string): Promise<string> {
  process.env.COUNCIL_WORKTREE_ROOT = path.join(dir, 'worktrees');
  const root = path.join(dir, `repo-scale-${files}`);
  if (existsSync(path.join(dir, 'ready'))) return root;
  mkdirSync(dir, { recursive: true });
  const repo = generateRepo(dir, `repo-scale-${files}`, files);
  const council = Council.open(repo.root);
  for (let left = sessions; left > 0; left -= COUNT_MAX) await council.createSessions({ task, count: Math.min(COUNT_MAX, left) });
  await new Promise((r) => setTimeout(r, 1100));
  for (const s of council.listSessions()) await rawGit(s.worktreePath, ['update-index', '-q', '--refresh']);
  writeFileSync(path.join(dir, 'ready'), `${sessions}\n`);
  return repo.root;
}

/** `--name value` from the command line, or `fallback`. */
export const argOf = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};

/** Runs a script's main: exit 0 when it resolves, 1 with the stack when it throws. */
export function runScript(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(1);
    },
  );
}
