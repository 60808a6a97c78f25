/*
 * The error codes and the CLI's exit status for each, without zod: the lean `council lock …` and
 * hook processes exit with these, and must not build zod's schemas to do it (errors.ts, the
 * contract's error schema, builds on this list).
 */

/**
 * The closed set of error codes every command can fail with. Errors are values (Electron keeps only
 * an Error's message across `invoke`), so the renderer, the browser host and the CLI all see these.
 */
export const ERROR_CODES = [
  'invalid-input', // the caller's input is wrong: bad arguments, odd names, a path outside the repo
  'not-found', // an id, branch or file that does not exist
  'not-a-repo', // the folder is not a usable git repository (not a repo, bare, no commits)
  'conflict', // refused because of someone else's claim: unmerged work, a merge conflict
  'lock-busy', // a file lock or the merge lock is held by another session
  'git-failed', // git itself failed unexpectedly
  'command-failed', // a program the user configured failed: an agent, the setup or check command
  'internal', // a bug or an unexpected environment failure
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Exit status of the `council` CLI for each error code (0 is success). */
export const EXIT_CODE_BY_ERROR: Record<ErrorCode, 1 | 2 | 3> = {
  'invalid-input': 2,
  'not-found': 2,
  'not-a-repo': 2,
  conflict: 3,
  'lock-busy': 3,
  'git-failed': 1,
  'command-failed': 1,
  internal: 1,
};
