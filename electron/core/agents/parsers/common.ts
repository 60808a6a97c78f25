import path from 'node:path';

/**
 * Small helpers the output parsers share: reading loosely typed JSON lines without trusting their
 * shape, and turning the paths a CLI reports into repo-relative ones.
 */

export type Json = Record<string, unknown>;

/** One line as a JSON object, or null for anything else (blank, plain text, a JSON array, broken JSON). */
export function jsonLine(text: string): Json | null {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{')) return null;
  try {
    return record(JSON.parse(trimmed));
  } catch {
    return null;
  }
}

/** The value when it is a JSON object, else null. */
export function record(value: unknown): Json | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : null;
}

/** The value when it is a non-empty string, else null. */
export function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** The value when it is a finite number, else null. */
export function number(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** The value when it is an array, else an empty one. */
export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** The JSON objects of an array (other elements are skipped); empty when it is not an array. */
export function records(value: unknown): Json[] {
  return list(value).flatMap((element): Json[] => {
    const object = record(element);
    return object ? [object] : [];
  });
}

/** The sum of the numbers among `values`, or null when none of them is a number. */
export function sum(...values: unknown[]): number | null {
  const numbers = values.map(number).filter((n): n is number => n !== null);
  return numbers.length === 0 ? null : numbers.reduce((a, b) => a + b, 0);
}

/**
 * A path as the events carry it: repo-relative (with `/`) when it is inside the worktree, else as
 * given (absolute). A relative path is taken to be relative to the worktree already.
 */
export function repoPath(file: string, worktree: string): string {
  const absolute = path.resolve(worktree, file);
  const relative = path.relative(path.resolve(worktree), absolute);
  if (relative === '') return '.';
  if (relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) return file;
  return relative.split(path.sep).join('/');
}
