/**
 * Pure parsers for the radar's git output (merge-tree's is git/merge-tree.ts, shared with the merge
 * queue). No I/O; tested on their own (tests/core/radar-parse.test.ts).
 */

export interface StatusSnapshotInput {
  /** `# branch.oid`: the commit HEAD is on, or null when unborn. */
  head: string | null;
  /** Paths to bring from the worktree into a snapshot: every path git status reports (tracked
   * changes staged or not, deletions, untracked files; a rename's both sides). */
  paths: string[];
  /** Those of `paths` that are untracked files. */
  untracked: string[];
}

/**
 * `git status --porcelain=v2 -z --branch --untracked-files=all` → HEAD and the paths that differ
 * from it anywhere (index or worktree). Ignored entries (`!`) are skipped.
 */
export function parseStatusForSnapshot(output: string): StatusSnapshotInput {
  const fields = output.split('\0');
  let head: string | null = null;
  const paths: string[] = [];
  const untracked: string[] = [];
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i];
    if (!field) continue;
    const type = field[0];
    if (type === '#') {
      const match = /^# branch\.oid (\S+)$/.exec(field);
      if (match?.[1]) head = /^[0-9a-f]{40,64}$/.test(match[1]) ? match[1] : null;
    } else if (type === '1') {
      paths.push(nthRest(field, 8));
    } else if (type === '2') {
      paths.push(nthRest(field, 9));
      const orig = fields[i + 1];
      if (orig) paths.push(orig);
      i++;
    } else if (type === 'u') {
      paths.push(nthRest(field, 10));
    } else if (type === '?') {
      paths.push(field.slice(2));
      untracked.push(field.slice(2));
    }
  }
  return { head, paths, untracked };
}

/** The text after the first n spaces (the path: it may itself contain spaces). */
function nthRest(text: string, n: number): string {
  let at = 0;
  for (let k = 0; k < n; k++) {
    const space = text.indexOf(' ', at);
    if (space === -1) return '';
    at = space + 1;
  }
  return text.slice(at);
}

export interface NameStatus {
  /** git's letter: A, M, D, T (renames are off: a rename is a D and an A). */
  status: string;
  path: string;
}

/**
 * `git diff-tree --stdin --always -r -z --name-status --no-renames --format=>%H` fed one
 * `<to> <from>` line per request: every request prints a header (`>sha`, thanks to --always even
 * when nothing changed), then `<status>\0<path>\0` pairs; the first status after a header carries a
 * leading newline. Returns one list per request, in order.
 */
export function parseDiffTreeStdin(output: string, requests: number): NameStatus[][] {
  const fields = output.split('\0');
  const result: NameStatus[][] = [];
  let current: NameStatus[] | null = null;
  for (let i = 0; i < fields.length; i++) {
    const field = (fields[i] as string).replace(/^\n/, '');
    if (field === '') continue;
    if (field.startsWith('>')) {
      current = [];
      result.push(current);
      continue;
    }
    if (!current) continue;
    const path = fields[i + 1];
    i++;
    if (path === undefined) break;
    current.push({ status: field[0] ?? 'M', path });
  }
  if (result.length !== requests) {
    throw new Error(`git diff-tree answered ${result.length} of ${requests} requests`);
  }
  return result;
}
