import { randomBytes } from 'node:crypto';
import { unlinkSync } from 'node:fs';
import path from 'node:path';
import { QueueFileSchema, type MergeStrategy, type QueueEntry, type QueueFile, MERGE_STRATEGIES } from '../../../shared/merge';
import { readLog } from '../agents/log-file';
import { conflict, invalidInput, notFound } from '../errors';
import { branchCommit } from '../git/refs';
import { readJson, updateJson, type Durability } from '../state/json-store';
import type { Workspace } from '../workspace';
import { inspectWork } from '../sessions/inspect';
import { mergeState } from '../sessions/merge-state';

/**
 * The merge queue on disk (`<git common dir>/council/queue.json`), shared by every process: the
 * app, `council merge`, a background `council queue run`. Every change is a read-modify-write
 * under the file's cross-process mutex, written atomically (temp file + rename).
 *
 * Order in `entries` is the order of the line: the first `queued` entry is next. Entries that
 * are not waiting (checking, merging, parked, merged) keep their place; `move` only reorders the
 * waiting ones among the places waiting ones occupy.
 *
 * A session has at most one open (not merged) entry: enqueueing a session whose entry is parked
 * puts that entry back in line (like retry, with the new strategy and gate) instead of adding a
 * second one. Merged entries are history; the newest MERGED_HISTORY of them are kept.
 */

export const MERGED_HISTORY = 200;

const empty = (): QueueFile => ({ version: 1, entries: [] });

export interface EnqueueOptions {
  /** Default: the setting `mergeStrategy`. */
  strategy?: MergeStrategy;
  /** A command to run on the merged result before the base moves; null: none; undefined: the
   * setting `gateCommand`. */
  gate?: string | null;
  /** The merge (or squash) commit's message; null: the queue's own; undefined: as before (a parked
   * entry keeps its message), else the queue's own. Refused with the rebase strategy (no such commit). */
  message?: string | null;
}

const OPEN_ACTIVE = new Set<QueueEntry['state']>(['queued', 'checking', 'merging']);

/** What the gate log tail returns at most. */
export const GATE_LOG_TAIL_BYTES = 256 * 1024;

export class MergeQueue {
  constructor(readonly ws: Workspace) {}

  get file(): string {
    return this.ws.paths.queue;
  }

  read(): QueueFile {
    return readJson(this.file, QueueFileSchema, empty);
  }

  /** Every entry, in queue order. */
  list(): QueueEntry[] {
    return this.read().entries;
  }

  /** The entries waiting their turn, next first. */
  waiting(): QueueEntry[] {
    return this.list().filter((e) => e.state === 'queued');
  }

  /** Something to do: an entry waiting, or one that a process is (or was, before it died) working on. */
  hasWork(): boolean {
    return this.list().some((e) => OPEN_ACTIVE.has(e.state));
  }

  /** An entry by id or unique prefix of one; failing that, the open entry of a session (id or prefix). */
  get(ref: string): QueueEntry {
    return resolveEntry(this.list(), ref);
  }

  find(id: string): QueueEntry | undefined {
    return this.list().find((e) => e.id === id);
  }

  /** Read-modify-write of the whole file under its mutex. */
  update<R>(change: (file: QueueFile) => { next: QueueFile | null; result: R }, durability: Durability = 'rename-only'): Promise<R> {
    return updateJson(this.file, QueueFileSchema, empty, durability, (current) => {
      const { next, result } = change(current);
      return { next: next ? prune(next) : null, result };
    });
  }

  /**
   * Changes one entry. `change` gets the stored entry and returns the new one, or null to leave the
   * file alone; the result is the stored entry after the change (null when the entry is gone).
   */
  patch(id: string, change: (entry: QueueEntry) => QueueEntry | null, durability: Durability = 'rename-only'): Promise<QueueEntry | null> {
    return this.update((file) => {
      const index = file.entries.findIndex((e) => e.id === id);
      const current = file.entries[index];
      if (!current) return { next: null, result: null };
      const changed = change(current);
      if (!changed) return { next: null, result: current };
      const next = { ...changed, updatedAt: new Date().toISOString() };
      const entries = [...file.entries];
      entries[index] = next;
      return { next: { ...file, entries }, result: next };
    }, durability);
  }

  /**
   * Puts a session in line. Refused: an unknown session, one not ready (being created or removed),
   * one already queued, checking or merging, a base branch that no longer exists, an unknown strategy,
   * an empty gate command.
   */
  async enqueue(sessionRef: string, options: EnqueueOptions = {}): Promise<QueueEntry> {
    const session = this.ws.registry.resolve(sessionRef);
    if (session.state !== 'ready') throw conflict(`session ${session.id} is ${session.state}; it cannot be merged now`);
    const settings = this.ws.settings();
    const strategy = options.strategy ?? settings.mergeStrategy;
    if (!MERGE_STRATEGIES.includes(strategy)) throw invalidInput(`the merge strategy must be one of ${MERGE_STRATEGIES.join(', ')}, not "${String(strategy)}"`);
    const gate = options.gate === undefined ? settings.gateCommand : options.gate;
    if (gate !== null && !gate.trim()) throw invalidInput('the gate command is empty: give a command, or none');
    const message = checkMergeMessage(options.message, strategy);
    const baseTip = await branchCommit(this.ws.repo.commonDir, this.ws.repo.mainRoot, session.baseBranch);
    if (!baseTip) throw notFound(`session ${session.id}'s base branch ${session.baseBranch} does not exist (any more); nothing to merge into`);
    // Nothing it could do: already merged by the queue (any strategy), or nothing of its own at all
    // (issue 12, item 8). Looked at only where it can be so — a session the queue merged before, or
    // one whose branch never left the commit it started from — so the usual enqueue costs no git
    // process (the merge bench counts it). A session merged by hand outside the queue is found at
    // merge time instead ("nothing to merge").
    const tip = await branchCommit(this.ws.repo.commonDir, this.ws.repo.mainRoot, session.branch);
    const mergedBefore = this.list().some((e) => e.sessionId === session.id && e.state === 'merged');
    if (mergedBefore || tip === session.baseCommit) {
      const work = await inspectWork(this.ws, session, { proveClean: false });
      const { blocked } = await mergeState(this.ws, session, { target: baseTip, ahead: work.unmergedCommits, dirty: work.uncommitted.length > 0 });
      if (blocked !== null) throw conflict(`session ${session.id} cannot be queued: ${blocked}`);
    }
    const now = new Date().toISOString();
    return this.update((file) => {
      const open = file.entries.find((e) => e.sessionId === session.id && e.state !== 'merged');
      if (open && open.state !== 'parked') {
        throw conflict(`session ${session.id} is already in the merge queue (entry ${open.id}, ${open.state})`, { entry: open.id, state: open.state });
      }
      if (open) {
        // Back in line, at the end, as a new attempt.
        const again: QueueEntry = { ...resetOutcome(open), task: session.task, strategy, gate, message: message === undefined ? strategy === 'rebase' ? null : (open.message ?? null) : message, state: 'queued', attempts: open.attempts + 1, updatedAt: now };
        return { next: { ...file, entries: [...file.entries.filter((e) => e.id !== open.id), again] }, result: again };
      }
      const entry: QueueEntry = {
        id: newEntryId(file.entries),
        sessionId: session.id,
        task: session.task,
        strategy,
        gate,
        ...(message ? { message } : {}),
        state: 'queued',
        enqueuedAt: now,
        updatedAt: now,
        attempts: 1,
        reason: null,
        files: [],
        gateLog: null,
        gateExitCode: null,
        baseBefore: null,
        resultCommit: null,
      };
      return { next: { ...file, entries: [...file.entries, entry] }, result: entry };
    });
  }

  /** Takes an entry out of the queue (any state but merging: the base is moving). Its gate log goes with it. */
  async remove(ref: string): Promise<QueueEntry> {
    const removed = await this.update((file) => {
      const entry = resolveEntry(file.entries, ref);
      if (entry.state === 'merging') throw conflict(`entry ${entry.id} is merging (the base branch is moving); it can be removed once that is over`);
      return { next: { ...file, entries: file.entries.filter((e) => e.id !== entry.id) }, result: entry };
    });
    try {
      unlinkSync(gateLogFile(this.ws, removed.id));
    } catch {
      // no gate log
    }
    return removed;
  }

  /** A parked entry goes back in line (at the end), as a new attempt. */
  retry(ref: string): Promise<QueueEntry> {
    return this.update((file) => {
      const entry = resolveEntry(file.entries, ref);
      if (entry.state !== 'parked') throw conflict(`entry ${entry.id} is ${entry.state}; only a parked entry can be retried`);
      const again: QueueEntry = { ...resetOutcome(entry), state: 'queued', attempts: entry.attempts + 1, updatedAt: new Date().toISOString() };
      return { next: { ...file, entries: [...file.entries.filter((e) => e.id !== entry.id), again] }, result: again };
    });
  }

  /** Moves a waiting entry to place `index` of the line (0 = next; past the end = last). Returns the line. */
  async move(ref: string, index: number): Promise<QueueEntry[]> {
    if (!Number.isInteger(index) || index < 0) throw invalidInput(`the place in line must be a whole number from 0, not ${index}`);
    return this.update((file) => {
      const entry = resolveEntry(file.entries, ref);
      if (entry.state !== 'queued') throw conflict(`entry ${entry.id} is ${entry.state}; only a waiting entry can be moved`);
      const line = file.entries.filter((e) => e.state === 'queued' && e.id !== entry.id);
      line.splice(Math.min(index, line.length), 0, entry);
      let k = 0;
      const entries = file.entries.map((e) => (e.state === 'queued' ? (line[k++] as QueueEntry) : e));
      return { next: { ...file, entries }, result: line };
    });
  }

  /**
   * The next waiting entry, now `checking` (the caller holds the merge lock). With `accept`, only
   * when the next one passes it (read and claimed in one step): otherwise nothing changes.
   */
  claimNext(accept?: (entry: QueueEntry) => boolean): Promise<QueueEntry | null> {
    return this.update((file) => {
      const index = file.entries.findIndex((e) => e.state === 'queued');
      const entry = file.entries[index];
      if (!entry || (accept && !accept(entry))) return { next: null, result: null };
      const claimed: QueueEntry = { ...resetOutcome(entry), state: 'checking', updatedAt: new Date().toISOString() };
      const entries = [...file.entries];
      entries[index] = claimed;
      return { next: { ...file, entries }, result: claimed };
    });
  }

  /**
   * Claimed entries that did not land after all (`checking`, or `merging` when the move did not
   * happen) go back in line where they were, first to be claimed again. The caller holds the merge lock.
   */
  unclaim(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return Promise.resolve();
    const wanted = new Set(ids);
    return this.update((file) => {
      let changed = false;
      const now = new Date().toISOString();
      const entries = file.entries.map((e) => {
        if (!wanted.has(e.id) || (e.state !== 'checking' && e.state !== 'merging')) return e;
        changed = true;
        return { ...resetOutcome(e), state: 'queued' as const, updatedAt: now };
      });
      return { next: changed ? { ...file, entries } : null, result: undefined };
    });
  }

  /** The end of an entry's gate log. */
  gateLog(ref: string, maxBytes = GATE_LOG_TAIL_BYTES): { log: string; truncated: boolean } {
    const entry = this.get(ref);
    const { text, truncated } = readLog(entry.gateLog ?? gateLogFile(this.ws, entry.id), 0, maxBytes);
    return { log: text, truncated };
  }
}

export const gateLogFile = (ws: Workspace, entryId: string): string => path.join(ws.paths.gateLogs, `${entryId}.log`);

/** An entry's outcome fields cleared (a new attempt starts from nothing). */
function resetOutcome(entry: QueueEntry): QueueEntry {
  return { ...entry, reason: null, files: [], gateExitCode: null, baseBefore: null, resultCommit: null };
}

function newEntryId(entries: readonly QueueEntry[]): string {
  for (;;) {
    const id = randomBytes(4).toString('hex');
    if (!entries.some((e) => e.id.startsWith(id) || id.startsWith(e.id))) return id;
  }
}

/** Keeps the newest MERGED_HISTORY merged entries; everything open stays. */
function prune(file: QueueFile): QueueFile {
  const merged = file.entries.filter((e) => e.state === 'merged');
  if (merged.length <= MERGED_HISTORY) return file;
  const keep = new Set(
    [...merged]
      .sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : 0))
      .slice(0, MERGED_HISTORY)
      .map((e) => e.id),
  );
  return { ...file, entries: file.entries.filter((e) => e.state !== 'merged' || keep.has(e.id)) };
}

/** By entry id or unique prefix; else the open entry of a session given by id or unique prefix. */
export function resolveEntry(entries: readonly QueueEntry[], ref: string): QueueEntry {
  const wanted = ref.trim().toLowerCase();
  if (!/^[0-9a-f]{1,16}$/.test(wanted)) throw invalidInput(`"${ref}" is not a queue entry id (ids are hex, like 3f2a1b9c)`);
  const exact = entries.find((e) => e.id === wanted);
  if (exact) return exact;
  const byId = entries.filter((e) => e.id.startsWith(wanted));
  if (byId.length === 1 && byId[0]) return byId[0];
  if (byId.length > 1) throw invalidInput(`entry id prefix ${ref} is ambiguous: ${byId.map((e) => e.id).join(', ')}`);
  const bySession = entries.filter((e) => e.state !== 'merged' && e.sessionId.startsWith(wanted));
  if (bySession.length === 1 && bySession[0]) return bySession[0];
  if (bySession.length > 1) throw invalidInput(`${ref} matches the entries of several sessions: ${bySession.map((e) => `${e.id} (session ${e.sessionId})`).join(', ')}`);
  throw notFound(`no merge queue entry ${ref}`);
}

/** An entry's own merge message, checked: words (not blank), at most 20,000 characters, no NUL, and
 * only where the strategy makes a commit of its own (a rebase replays the session's commits). */
export function checkMergeMessage(message: string | null | undefined, strategy: MergeStrategy): string | null | undefined {
  if (message === undefined || message === null) return message;
  if (!message.trim()) throw invalidInput('the merge message is empty: write one, or leave it out for the queue\'s own');
  if (message.includes('\0')) throw invalidInput('the merge message holds a NUL character');
  if (message.length > 20_000) throw invalidInput(`the merge message is ${message.length} characters long; at most 20000`);
  if (strategy === 'rebase') throw invalidInput('a rebase makes no merge commit (the session\'s own commits land): leave the message out, or choose merge or squash');
  return message;
}
