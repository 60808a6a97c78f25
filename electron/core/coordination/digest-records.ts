import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import type { FileLock } from '../../../shared/models';
import { writeFileAtomicSync } from '../state/json-store';
import type { StatePaths } from '../state/paths';

/**
 * The records a digest is made of (every session's context record, the lock list), as the digest
 * hooks last read them, kept in one file of the shared state (`council/digests/records.json`) with
 * each file's version: a digest hook reads that one file and then only the records that changed
 * since, instead of a hundred context files and every lock file. Nothing in it is trusted beyond
 * its version: a context record is taken from it only when its file's version (inode, change and
 * modification times, size: every record is replaced by a rename) is the one read with it, and the
 * lock list only under the same settled lock folder version and registry version (the folder
 * changes with every lock taken, replaced or released). Any hook may rewrite it (by a rename: a
 * reader sees one whole file); a missing, corrupt or older file reads as empty, and losing a
 * write only costs the next hook the reads it would have spared.
 */

/** What the digest takes of a context record (digest-input.ts contextRecord). */
export interface ContextPick {
  sessionId: string;
  agent: string | null;
  task: string;
  status: string;
  currentFile: string | null;
}

const FORMAT = 1;

export const digestRecordsFile = (paths: StatePaths): string => path.join(paths.digests, 'records.json');

/** A file's version as digestInputsKey hashes it (its numbers, written out). */
export const statVersion = (s: Stats): string => `${s.ino}:${s.ctimeMs}:${s.mtimeMs}:${s.size}`;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isPick = (v: unknown): v is ContextPick =>
  isObject(v) &&
  typeof v.sessionId === 'string' &&
  (v.agent === null || typeof v.agent === 'string') &&
  typeof v.task === 'string' &&
  typeof v.status === 'string' &&
  (v.currentFile === null || typeof v.currentFile === 'string');
const isLock = (v: unknown): v is FileLock => isObject(v) && typeof v.path === 'string' && typeof v.sessionId === 'string' && typeof v.acquiredAt === 'string';

/** A file's text and the version of exactly that text (fstat of the descriptor it was read from); null when it cannot be read. */
export function readVersioned(file: string): { text: string; version: string } | null {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return null;
  }
  try {
    const s = fstatSync(fd);
    const buffer = Buffer.allocUnsafe(s.size);
    let read = 0;
    while (read < s.size) {
      const n = readSync(fd, buffer, read, s.size - read, read);
      if (n === 0) break;
      read += n;
    }
    return { text: buffer.toString('utf8', 0, read), version: statVersion(s) };
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

export class DigestRecords {
  private readonly contexts = new Map<string, [string, ContextPick | null]>();
  private readonly used = new Set<string>();
  private locks: { key: string; list: FileLock[] } | null = null;
  private changed = false;

  private constructor(private readonly file: string) {}

  /** The records kept for this state (none when missing, corrupt or of another format). */
  static read(paths: StatePaths): DigestRecords {
    const records = new DigestRecords(digestRecordsFile(paths));
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(records.file, 'utf8'));
    } catch {
      return records;
    }
    if (!isObject(raw) || raw.format !== FORMAT) return records;
    if (isObject(raw.contexts)) {
      for (const [name, entry] of Object.entries(raw.contexts)) {
        if (Array.isArray(entry) && entry.length === 2 && typeof entry[0] === 'string' && (entry[1] === null || isPick(entry[1]))) records.contexts.set(name, [entry[0], entry[1]]);
      }
    }
    const locks = raw.locks;
    if (isObject(locks) && typeof locks.key === 'string' && Array.isArray(locks.list) && locks.list.every(isLock)) records.locks = { key: locks.key, list: locks.list };
    return records;
  }

  /**
   * The record of context file `name` in `folder` (with its trailing separator): the one kept when
   * `version` (the file's version, from digestInputsKey's stat; undefined: stat it now) is the one kept with it, else
   * read now through `pick` (null: missing or bad) and kept with the version of what was read.
   */
  context(folder: string, name: string, version: string | undefined, pick: (text: string) => ContextPick | null): ContextPick | null {
    this.used.add(name);
    const kept = this.contexts.get(name);
    if (kept) {
      let now = version;
      if (now === undefined) {
        try {
          now = statVersion(statSync(folder + name));
        } catch {
          now = undefined;
        }
      }
      if (kept[0] === now) return kept[1];
    }
    const read = readVersioned(folder + name);
    if (read === null) {
      if (kept) {
        this.contexts.delete(name);
        this.changed = true;
      }
      return null;
    }
    const record = pick(read.text);
    this.contexts.set(name, [read.version, record]);
    this.changed = true;
    return record;
  }

  /** The lock list kept under `key` (the settled lock folder and registry versions), else `list()`'s, kept under it; null key: nothing kept or used. */
  lockList(key: string | null, list: () => FileLock[]): FileLock[] {
    if (key !== null && this.locks?.key === key) return this.locks.list.map((l) => ({ ...l }));
    const fresh = list();
    if (key !== null) {
      this.locks = { key, list: fresh.map((l) => ({ ...l })) };
      this.changed = true;
    }
    return fresh;
  }

  /** Writes the records back when any was read anew (or one of a removed session dropped); never fails. */
  save(): void {
    for (const name of this.contexts.keys()) {
      if (this.used.has(name)) continue;
      this.contexts.delete(name);
      this.changed = true;
    }
    if (!this.changed) return;
    const contexts: Record<string, [string, ContextPick | null]> = {};
    for (const [name, entry] of this.contexts) contexts[name] = entry;
    const text = JSON.stringify({ format: FORMAT, contexts, locks: this.locks });
    try {
      try {
        writeFileAtomicSync(this.file, text, 'rename-only');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        mkdirSync(path.dirname(this.file), { recursive: true }); // no digest told in this repository yet
        writeFileAtomicSync(this.file, text, 'rename-only');
      }
      this.changed = false;
    } catch {
      // a speed-up only: the next hook reads the records again
    }
  }
}
