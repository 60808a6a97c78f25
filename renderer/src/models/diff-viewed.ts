/**
 * "Viewed" marks of the diff (issue 14, item 3): a file is viewed while the mark's content identity
 * (the file's hash, which follows its change) is the file's current one. The file changing again
 * makes the mark stale: it no longer counts, and is dropped when the marks are next saved.
 */

/** Per file path: the hash the person marked viewed. */
export type ViewedMarks = Readonly<Record<string, string>>;

export interface HashedFile {
  path: string;
  hash: string;
}

export const isViewed = (marks: ViewedMarks, file: HashedFile): boolean => marks[file.path] === file.hash;

export function toggleViewed(marks: ViewedMarks, file: HashedFile): ViewedMarks {
  const next = { ...marks };
  if (isViewed(marks, file)) delete next[file.path];
  else next[file.path] = file.hash;
  return next;
}

/** Marks of files that are still in the list with the same content; the others are gone. */
export function currentMarks(marks: ViewedMarks, files: readonly HashedFile[]): ViewedMarks {
  const kept: Record<string, string> = {};
  for (const file of files) if (isViewed(marks, file)) kept[file.path] = file.hash;
  return kept;
}

export function viewedCount(marks: ViewedMarks, files: readonly HashedFile[]): number {
  return files.reduce((n, file) => n + (isViewed(marks, file) ? 1 : 0), 0);
}

/** The storage key of a session's marks, per view kind (a commit's files are other content). */
export const viewedKey = (repo: string, sessionId: string): string => `council.viewed:${repo}:${sessionId}`;

export function parseMarks(text: string | null): ViewedMarks {
  if (text === null) return {};
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
    return Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    return {};
  }
}
