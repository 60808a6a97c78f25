import { closeSync, fsyncSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import type { RecordCheck } from '../../../shared/record-checks';
import { CouncilError } from '../errors';
import { withMutex } from './file-mutex';

/**
 * JSON files shared by every process (app, CLI, agents' hooks): read with schema validation (a zod
 * schema, or a zod-free check of shared/record-checks.ts on the lock hook's path),
 * written atomically (temp file + rename, so a reader never sees half a file), and changed only
 * under a cross-process mutex (file-mutex.ts: a file created exclusively, taken over as stale when
 * its holder died).
 *
 * Critical sections are synchronous on purpose: a read-modify-write holds its mutex for a fraction
 * of a millisecond with no event-loop turn in between, which keeps the lock hot path inside its
 * budget (every agent edit goes through it) and means a frozen event loop can never hold a mutex.
 */

export { MUTEX_STALE_MS, withMutex } from './file-mutex';

export type Durability = 'fsync' | 'rename-only';

let tempCounter = 0;

/**
 * Writes a file so that readers see the old or the new content, never a mix. Not
 * write-file-atomic: its sync path costs 0.3–0.4 ms (realpath, stat, chmod, chown) where the whole
 * lock acquire+release budget is 0.5 ms; this is the same temp-then-rename with nothing else.
 */
export function writeFileAtomicSync(file: string, text: string, durability: Durability): void {
  const temp = `${file}.${process.pid}.${++tempCounter}.tmp`;
  const fd = openSync(temp, 'w', 0o644);
  try {
    writeSync(fd, text);
    if (durability === 'fsync') fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(temp, file);
  } catch (err) {
    try {
      unlinkSync(temp);
    } catch {
      // the temp file is already gone; nothing to clean
    }
    throw err;
  }
}

export function writeJson(file: string, value: unknown, durability: Durability): void {
  writeFileAtomicSync(file, JSON.stringify(value, null, 1) + '\n', durability);
}

function parse(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** Reads and validates a file; `fallback()` when it does not exist. A corrupt file is an error
 * (never silently replaced: it may be the only record of someone's sessions). */
export function readJson<T>(file: string, schema: RecordCheck<T>, fallback: () => T): T {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return fallback();
    throw err;
  }
  const parsed = parse(text);
  const checked = parsed.ok ? schema.safeParse(parsed.value) : null;
  if (!checked?.success) {
    throw new CouncilError(
      'internal',
      `${file} is corrupt (${parsed.ok ? 'it does not match its schema' : 'it is not JSON'}); it was left as it is for you to inspect`,
      { file },
    );
  }
  return checked.data;
}

/** For records where a bad file must not stop the reader (context, lock records): a missing,
 * corrupt or foreign file reads as null. */
export function readJsonOrNull<T>(file: string, schema: RecordCheck<T>): T | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  const parsed = parse(text);
  if (!parsed.ok) return null;
  const checked = schema.safeParse(parsed.value);
  return checked.success ? checked.data : null;
}

/**
 * A reader's cache for a file that is read far more often than written (the registry is read on
 * every lock call). Every write replaces the file through rename, so a new inode, change time and
 * size tell a changed file; an unchanged one is not parsed or validated again.
 */
/** A key that changes whenever a file does (inode, times, size), or 'missing': for caching what it holds. */
export function fileVersion(file: string): string {
  try {
    const s = statSync(file, { bigint: true });
    return `${s.ino}:${s.ctimeNs}:${s.mtimeNs}:${s.size}`;
  } catch {
    return 'missing';
  }
}

export class CachedJson<T> {
  private key = '';
  private value: T | undefined;

  constructor(
    readonly file: string,
    private readonly schema: RecordCheck<T>,
    private readonly fallback: () => T,
  ) {}

  /** Changes whenever the file does (after a read): lets derived values be cached with it. */
  get version(): string {
    return this.key;
  }

  read(): T {
    const key = fileVersion(this.file);
    if (key !== this.key || this.value === undefined) {
      this.value = readJson(this.file, this.schema, this.fallback);
      this.key = key;
    }
    return this.value;
  }

  /**
   * This process has just written `value` to the file, under the file's mutex (still held): keep
   * it as what the file holds now, so the next read need not parse and validate it again.
   */
  remember(value: T): void {
    this.value = value;
    this.key = fileVersion(this.file);
  }
}

/** Read-modify-write of one JSON file under its mutex. `change` returns the new value (or null to
 * leave the file alone) and the caller's result. */
export async function updateJson<T, R>(
  file: string,
  schema: RecordCheck<T>,
  fallback: () => T,
  durability: Durability,
  change: (current: T) => { next: T | null; result: R },
): Promise<R> {
  return withMutex(file, () => {
    const { next, result } = change(readJson(file, schema, fallback));
    if (next !== null) writeJson(file, next, durability);
    return result;
  });
}
