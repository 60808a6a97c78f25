/**
 * Pure parsers of git's machine-readable output (`-z`, porcelain). No I/O; each has its own tests.
 */

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

/** `git status --porcelain=v2 -z` (without --branch headers). */
export function parseStatusV2(output: string): StatusEntry[] {
  const fields = output.split('\0');
  const entries: StatusEntry[] = [];
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i];
    if (!field) continue;
    const type = field[0];
    if (type === '1') {
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
  return entries;
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
  const [left, right] = output.trim().split(/\s+/).map(Number);
  return [left ?? 0, right ?? 0];
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
