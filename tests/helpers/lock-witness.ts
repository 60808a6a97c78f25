import { createHash } from 'node:crypto';
import { linkSync, mkdirSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The lock soak's witness of who owns a path, kept apart from the lock code so that it can see
 * the lock fail: a session that believes it now holds path P creates `<dir>/<sha1 of P>.json`
 * exclusively, and deletes it just before it gives P back. An EEXIST on that create is two owners
 * at the same moment, whatever the lock manager says. The create is a `link()` of a complete temp
 * file, not an O_EXCL open then a write: a SIGKILL between those two left an empty witness that
 * named no one, and every later claim of P then reported a violation that was not one.
 *
 * A witness belongs to a session, not to a process, because a lock does (file-locks.ts: a lock
 * outlives the process that took it). A SIGKILLed worker's witnesses therefore stay valid: its
 * session still holds those paths, and its restarted process adopts them. Replacing a witness
 * because its writer's pid is dead would hide exactly the bug worth catching, another session
 * being handed a lock its owner never gave back. Only the session's supervisor (the soak driver,
 * once that session's process is dead) drops them, before it removes the session.
 *
 * Order is what makes the witness sound: created after the lock was taken, deleted before it is
 * released, so a witness of session S always means S holds the lock (a SIGKILL in between can only
 * leave a lock without a witness, never the reverse).
 */

export interface WitnessRecord {
  path: string;
  session: string;
  pid: number;
}

let tempCounter = 0;

export type ClaimResult = { claimed: true } | { claimed: false; holder: WitnessRecord | null };

export class LockWitness {
  private readonly tempDir: string;

  constructor(readonly dir: string) {
    this.tempDir = path.join(dir, 'tmp');
    mkdirSync(this.tempDir, { recursive: true });
  }

  private fileOf(p: string): string {
    return path.join(this.dir, `${createHash('sha1').update(p).digest('hex')}.json`);
  }

  /** Claims `p` for `session`; when someone's witness is already there, says whose. */
  claim(p: string, session: string): ClaimResult {
    // Temp files live in their own folder: one a SIGKILL leaves behind is never taken for a witness.
    const temp = path.join(this.tempDir, `${process.pid}-${++tempCounter}`);
    writeFileSync(temp, JSON.stringify({ path: p, session, pid: process.pid } satisfies WitnessRecord));
    try {
      linkSync(temp, this.fileOf(p));
      return { claimed: true };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      return { claimed: false, holder: this.read(this.fileOf(p)) };
    } finally {
      unlinkSync(temp);
    }
  }

  /** Deletes the witness of `p` if it is `session`'s; says whether it did. */
  drop(p: string, session: string): boolean {
    const file = this.fileOf(p);
    if (this.read(file)?.session !== session) return false;
    unlinkSync(file);
    return true;
  }

  /** Deletes every witness of `session` (its process is dead); returns their paths. */
  dropSession(session: string): string[] {
    const dropped = this.all().filter((w) => w.session === session);
    for (const w of dropped) unlinkSync(this.fileOf(w.path));
    return dropped.map((w) => w.path).sort();
  }

  all(): WitnessRecord[] {
    return readdirSync(this.dir)
      .filter((name) => name.endsWith('.json'))
      .map((name) => this.read(path.join(this.dir, name)))
      .filter((w): w is WitnessRecord => w !== null);
  }

  /** Witness files, readable or not. */
  count(): number {
    return readdirSync(this.dir).filter((name) => name.endsWith('.json')).length;
  }

  /** Null only if the witness was deleted in between (or someone broke the file). */
  private read(file: string): WitnessRecord | null {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as WitnessRecord;
    } catch {
      return null;
    }
  }
}
