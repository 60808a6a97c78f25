/** Inputs several verbs share, checked before anything is opened. */
import { invalidInput } from '../core/errors';

/**
 * Where to look for the repository: `--repo`, else this folder. An empty `--repo` (say
 * `--repo "$REPO"` with REPO unset) is refused: taken literally it would resolve to this folder,
 * and act on whatever repository that is.
 */
export function repoStart(repo: string | undefined): string {
  if (repo === undefined) return process.cwd();
  if (!repo.trim()) throw invalidInput('--repo is empty: name the repository folder, or leave --repo out to use the one this folder is in');
  return repo;
}

/** The session a verb acts for: `--session`, else $COUNCIL_SESSION_ID (commander reads both). */
export function requireSession(value: string | undefined): string {
  if (!value) throw invalidInput('which session? pass --session ID (or set COUNCIL_SESSION_ID)');
  return value;
}
