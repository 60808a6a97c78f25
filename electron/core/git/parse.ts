/**
 * Pure parsers of git's machine-readable output (`-z`, porcelain). No I/O; each has its own tests.
 */
import { CouncilError } from '../errors';

export interface WorktreeEntry {
  path: string;
  head: string | null;
  /** Full ref name (refs/heads/…) or null when detached or bare. */
  branch: string | null;
  bare: boolean;
  detached: boolean;
  locked: boolean;
  /** Git considers the entry prunable: its folder is gone. */
  prunable: boolean;
}

/** `git worktree list --porcelain -z`: NUL-terminated lines, an empty line between entries. */
export function parseWorktreeList(output: string): WorktreeEntry[] {
  const entries: WorktreeEntry[] = [];
  let current: WorktreeEntry | null = null;
  for (const line of output.split('\0')) {
    if (line === '') {
      if (current) entries.push(current);
      current = null;
      continue;
    }
    const space = line.indexOf(' ');
    const key = space === -1 ? line : line.slice(0, space);
    const value = space === -1 ? '' : line.slice(space + 1);
    if (key === 'worktree') {
      if (current) entries.push(current);
      current = { path: value, head: null, branch: null, bare: false, detached: false, locked: false, prunable: false };
      continue;
    }
    if (!current) continue;
    if (key === 'HEAD') current.head = value;
    else if (key === 'branch') current.branch = value;
    else if (key === 'bare') current.bare = true;
    else if (key === 'detached') current.detached = true;
    else if (key === 'locked') current.locked = true;
    else if (key === 'prunable') current.prunable = true;
  }
  if (current) entries.push(current);
  // git always lists the main worktree: an empty list is a lost answer, never "no worktrees" (which
  // the crash repair would read as every session's worktree gone).
  if (entries.length === 0) throw new CouncilError('git-failed', `git worktree list printed ${JSON.stringify(output.slice(0, 80))}, not even the main worktree`);
  return entries;
}

export interface StatusEntry {
  /** 'changed' (ordinary), 'renamed' (rename or copy), 'unmerged', 'untracked', 'ignored'. */
  kind: 'changed' | 'renamed' | 'unmerged' | 'untracked' | 'ignored';
  /** Two-letter XY status ('.' for unchanged), '??' for untracked, '!!' for ignored. */
  xy: string;
  path: string;
  origPath: string | null;
}

export interface StatusV2 {
  /** `# branch.oid` (with --branch): the commit HEAD is on; null when unborn or without --branch. */
  head: string | null;
  entries: StatusEntry[];
}

/** `git status --porcelain=v2 -z`, with or without --branch (the one status parser). */
export function parseStatusV2(output: string): StatusV2 {
  const fields = output.split('\0');
  const entries: StatusEntry[] = [];
  let head: string | null = null;
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i];
    if (!field) continue;
    const type = field[0];
    if (type === '#') {
      const oid = /^# branch\.oid (\S+)$/.exec(field)?.[1];
      if (oid) head = /^[0-9a-f]{40,64}$/.test(oid) ? oid : null;
    } else if (type === '1') {
      // 1 XY sub mH mI mW hH hI path
      const parts = splitN(field, 9);
      entries.push({ kind: 'changed', xy: parts[1] ?? '', path: parts[8] ?? '', origPath: null });
    } else if (type === '2') {
      // 2 XY sub mH mI mW hH hI Xscore path \0 origPath
      const parts = splitN(field, 10);
      entries.push({ kind: 'renamed', xy: parts[1] ?? '', path: parts[9] ?? '', origPath: fields[i + 1] ?? null });
      i++;
    } else if (type === 'u') {
      // u XY sub m1 m2 m3 mW h1 h2 h3 path
      const parts = splitN(field, 11);
      entries.push({ kind: 'unmerged', xy: parts[1] ?? '', path: parts[10] ?? '', origPath: null });
    } else if (type === '?') {
      entries.push({ kind: 'untracked', xy: '??', path: field.slice(2), origPath: null });
    } else if (type === '!') {
      entries.push({ kind: 'ignored', xy: '!!', path: field.slice(2), origPath: null });
    }
  }
  return { head, entries };
}

/** Splits on the first n-1 spaces; the last part keeps its spaces (paths may contain them). */
function splitN(text: string, n: number): string[] {
  const parts: string[] = [];
  let rest = text;
  for (let k = 0; k < n - 1; k++) {
    const space = rest.indexOf(' ');
    if (space === -1) break;
    parts.push(rest.slice(0, space));
    rest = rest.slice(space + 1);
  }
  parts.push(rest);
  return parts;
}

export interface NumstatEntry {
  path: string;
  origPath: string | null;
  /** null for binary files. */
  insertions: number | null;
  deletions: number | null;
}

/** `git diff --numstat -z`: `added\tdeleted\tpath\0`, or for renames `added\tdeleted\t\0from\0to\0`. */
export function parseNumstat(output: string): NumstatEntry[] {
  const fields = output.split('\0');
  const entries: NumstatEntry[] = [];
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i];
    if (!field) continue;
    const [added, deleted, ...rest] = field.split('\t');
    const inlinePath = rest.join('\t');
    const count = (value: string | undefined): number | null => (value === '-' || value === undefined ? null : Number(value));
    if (inlinePath === '') {
      const from = fields[i + 1] ?? '';
      const to = fields[i + 2] ?? '';
      entries.push({ path: to, origPath: from, insertions: count(added), deletions: count(deleted) });
      i += 2;
    } else {
      entries.push({ path: inlinePath, origPath: null, insertions: count(added), deletions: count(deleted) });
    }
  }
  return entries;
}

/** `git rev-list --left-right --count A...B` → [left, right]. */
export function parseLeftRight(output: string): [number, number] {
  const [left, right, ...rest] = output.trim().split(/\s+/);
  // git always prints two counts: anything else is not an answer, never "0 ahead, 0 behind".
  if (rest.length > 0 || !isCount(left) || !isCount(right)) throw new CouncilError('git-failed', `git rev-list --left-right --count printed ${JSON.stringify(output.slice(0, 80))}, not two counts`);
  return [Number(left), Number(right)];
}

/** A count git printed: digits only (an empty answer is not 0). */
export function isCount(text: string | undefined): text is string {
  return text !== undefined && /^\d+$/.test(text);
}

/** One object id git printed (rev-parse --verify): 40 or 64 hex digits; an empty or garbled answer throws. */
export function parseObjectId(output: string, what: string): string {
  const text = output.trim();
  if (!/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(text)) throw new CouncilError('git-failed', `git ${what} printed ${JSON.stringify(output.slice(0, 80))}, not an object id`);
  return text;
}

/** One count git printed (rev-list --count, cat-file -s); an empty or garbled answer throws. */
export function parseCount(output: string, what: string): number {
  const text = output.trim();
  if (!isCount(text)) throw new CouncilError('git-failed', `git ${what} printed ${JSON.stringify(output.slice(0, 80))}, not a count`);
  return Number(text);
}

export interface RawNumstatEntry {
  path: string;
  origPath: string | null;
  /** git's status letter: A, M, D, R, C, T. */
  status: string;
  /** null for binary files. */
  insertions: number | null;
  deletions: number | null;
}

/**
 * `git diff --raw --numstat -z`: the raw records (`:modes shas STATUS\0path\0`, or for renames and
 * copies `…R100\0from\0to\0`) then the numstat records for the same files; joined by path.
 * One git process instead of two (`--name-status` and `--numstat` separately).
 */
export function parseRawNumstat(output: string): RawNumstatEntry[] {
  const fields = output.split('\0');
  const entries: RawNumstatEntry[] = [];
  const byPath = new Map<string, RawNumstatEntry>();
  let i = 0;
  for (; i < fields.length && fields[i]?.startsWith(':'); i++) {
    const status = (fields[i] ?? '').split(' ')[4]?.[0] ?? 'M';
    const renamed = status === 'R' || status === 'C';
    const entry: RawNumstatEntry = {
      path: (renamed ? fields[i + 2] : fields[i + 1]) ?? '',
      origPath: renamed ? (fields[i + 1] ?? null) : null,
      status,
      insertions: null,
      deletions: null,
    };
    i += renamed ? 2 : 1;
    entries.push(entry);
    byPath.set(entry.path, entry);
  }
  for (const stat of parseNumstat(fields.slice(i).join('\0'))) {
    const entry = byPath.get(stat.path);
    if (!entry) continue;
    entry.insertions = stat.insertions;
    entry.deletions = stat.deletions;
  }
  return entries;
}

/** NUL-separated names (`-z` name lists: ls-files, check-ignore, diff --name-only), empty ones dropped. */
export function parseNulList(output: string): string[] {
  return output.split('\0').filter(Boolean);
}

export interface TreeChange {
  path: string;
  /** Mode and blob on each side; null where the path does not exist on that side. */
  before: { mode: string; oid: string } | null;
  after: { mode: string; oid: string } | null;
}

const ZERO_OID = /^0+$/;

/** `git diff-tree -r -z --no-renames <a> <b>`: `:<mode a> <mode b> <oid a> <oid b> <status>\0<path>\0`. */
export function parseDiffTree(stdout: string): TreeChange[] {
  const fields = stdout.split('\0');
  const changes: TreeChange[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const meta = fields[i] as string;
    const file = fields[i + 1] as string;
    if (!meta.startsWith(':')) break;
    const [modeA, modeB, oidA, oidB] = meta.slice(1).split(' ');
    if (!modeA || !modeB || !oidA || !oidB) continue;
    changes.push({
      path: file,
      before: ZERO_OID.test(oidA) || /^0+$/.test(modeA) ? null : { mode: modeA, oid: oidA },
      after: ZERO_OID.test(oidB) || /^0+$/.test(modeB) ? null : { mode: modeB, oid: oidB },
    });
  }
  return changes;
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

/** `git rev-list --parents`: one line per commit, `<commit> <parent>…` (in git's order). */
export function parseRevListParents(output: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const line of output.split('\n')) {
    const [commit, ...parents] = line.trim().split(' ');
    if (commit) graph.set(commit, parents);
  }
  return graph;
}

export interface IndexEntry {
  mode: string;
  oid: string;
}

/** The stage-0 entries of `git ls-files -s -z` (`<mode> <oid> <stage>\t<path>\0`), by path. */
export function parseStagedEntries(output: string): Map<string, IndexEntry> {
  const map = new Map<string, IndexEntry>();
  for (const record of output.split('\0')) {
    const tab = record.indexOf('\t');
    if (tab === -1) continue;
    const [mode, oid, stage] = record.slice(0, tab).split(' ');
    if (!mode || !oid || stage !== '0') continue;
    map.set(record.slice(tab + 1), { mode, oid });
  }
  return map;
}
