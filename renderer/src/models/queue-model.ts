import type { CommandInput } from '../../../shared/contract';
import { MERGE_STRATEGIES, type MergeStrategy, type QueueEntry, type QueueState } from '../../../shared/merge';
import type { Settings } from '../../../shared/models';
import { byText } from '../../../shared/order';
import { plural } from '../lib/format';
import { resolveRefusal } from '../../../shared/merge-policy';

/**
 * The merge queue as the screens show it, pure: the sections, what each entry's state allows,
 * reordering the line (buttons, keys, drag and drop), which changes deserve a notice, and the
 * enqueue form.
 *
 * The line is the entries waiting their turn (`queued`), in the order the core returns them; a
 * `queue.move` index is a place in that line, 0 being next.
 */

export const QUEUE_STATE_LABEL: Record<QueueState, string> = {
  queued: 'queued',
  checking: 'checking',
  merging: 'merging',
  merged: 'merged',
  parked: 'parked',
};

export const QUEUE_STATE_HELP: Record<QueueState, string> = {
  queued: 'Waiting its turn.',
  checking: 'Being merged on a scratch copy of the base, and the gate run on the result.',
  merging: 'The base is moving to the merged result.',
  merged: 'In the base.',
  parked: 'Stopped: needs you (a conflict, a failing gate…). Retry puts it back in line.',
};

export const STRATEGY_HELP: Record<MergeStrategy, string> = {
  merge: "A merge commit on the base; the session's commits stay as they are.",
  squash: "One new commit on the base with all of the session's changes.",
  rebase: "The session's commits replayed on top of the base, then a fast-forward.",
};

/** An entry still in the queue's hands (not merged): at most one per session. */
export const isOpen = (entry: QueueEntry): boolean => entry.state !== 'merged';
/** In line or being merged: the core refuses to queue its session again (a parked one can be). */
export const isInLine = (entry: QueueEntry): boolean => entry.state === 'queued' || isActive(entry);
export const isActive = (entry: QueueEntry): boolean => entry.state === 'checking' || entry.state === 'merging';

export interface EntryActions {
  retry: boolean;
  remove: boolean;
  /** Re-run the session's agent to bring in the base and resolve the conflicting files. */
  resolve: boolean;
  /** Reorder (up/down, drag): only while waiting. */
  move: boolean;
}

/**
 * Retry a parked entry; remove anything but a merge in progress; resolve a conflict park with the
 * session's agent, only where the core would (shared/merge-policy.ts); move a waiting one.
 */
export function entryActions(entry: QueueEntry, session: { agent: string | null } | undefined): EntryActions {
  return {
    retry: entry.state === 'parked',
    remove: entry.state !== 'merging',
    resolve: resolveRefusal(entry, session) === null,
    move: entry.state === 'queued',
  };
}

export interface QueueSections {
  /** Checking or merging now. */
  active: QueueEntry[];
  /** The line, in order (next first). */
  waiting: QueueEntry[];
  parked: QueueEntry[];
  /** Most recent first. */
  merged: QueueEntry[];
}

export function queueSections(entries: readonly QueueEntry[]): QueueSections {
  const sections: QueueSections = { active: [], waiting: [], parked: [], merged: [] };
  for (const entry of entries) {
    if (isActive(entry)) sections.active.push(entry);
    else if (entry.state === 'queued') sections.waiting.push(entry);
    else if (entry.state === 'parked') sections.parked.push(entry);
    else sections.merged.push(entry);
  }
  sections.merged.sort((x, y) => byText(y.updatedAt, x.updatedAt) || byText(x.id, y.id));
  return sections;
}

/** The waiting entries' ids, in order. */
export const waitingLine = (entries: readonly QueueEntry[]): string[] => entries.filter((e) => e.state === 'queued').map((e) => e.id);

/** 1-based place in the line, or null when the entry is not waiting. */
export function linePosition(entries: readonly QueueEntry[], entryId: string): number | null {
  const index = waitingLine(entries).indexOf(entryId);
  return index === -1 ? null : index + 1;
}

/** The index one step up (-1) or down (+1) the line; null at the ends or when not waiting. */
export function stepIndex(line: readonly string[], entryId: string, delta: -1 | 1): number | null {
  const index = line.indexOf(entryId);
  if (index === -1) return null;
  const next = index + delta;
  return next < 0 || next >= line.length ? null : next;
}

/**
 * Dropping `dragged` on `target` (before it, or after it when the pointer is in its lower half):
 * the index to ask `queue.move` for, or null when nothing would change.
 */
export function dropIndex(line: readonly string[], dragged: string, target: string, after: boolean): number | null {
  const from = line.indexOf(dragged);
  if (from === -1 || !line.includes(target)) return null;
  const without = line.filter((id) => id !== dragged);
  const at = dragged === target ? from : without.indexOf(target) + (after ? 1 : 0);
  return at === from ? null : at;
}

/** `ids` with `id` moved to `index` (clamped), as `queue.move` would order the line. */
export function moveInLine(line: readonly string[], id: string, index: number): string[] {
  if (!line.includes(id)) return [...line];
  const without = line.filter((each) => each !== id);
  const at = Math.max(0, Math.min(index, without.length));
  return [...without.slice(0, at), id, ...without.slice(at)];
}

/** The optimistic answer of `queue.move`: the waiting entries reordered within their slots, the others in place. */
export function applyMove(entries: readonly QueueEntry[], entryId: string, index: number): QueueEntry[] {
  const byId = new Map(entries.map((e) => [e.id, e]));
  const order = moveInLine(waitingLine(entries), entryId, index);
  let next = 0;
  return entries.map((entry) => (entry.state === 'queued' ? byId.get(order[next++]!)! : entry));
}

/**
 * `queue.move` answers with the line only (the waiting entries, in their new order): the full list
 * with that order in the waiting slots. Null when the line is not the set of entries waiting here
 * (the queue changed meanwhile): then the list is fetched again.
 */
export function applyLine(entries: readonly QueueEntry[], line: readonly QueueEntry[]): QueueEntry[] | null {
  const waiting = waitingLine(entries);
  if (waiting.length !== line.length || !line.every((entry) => entry.state === 'queued' && waiting.includes(entry.id))) return null;
  let next = 0;
  return entries.map((entry) => (entry.state === 'queued' ? line[next++]! : entry));
}

/** An entry a command answered with (enqueue, retry): both put it at the end of the list, as the core does. */
export function appendEntry(entries: readonly QueueEntry[], entry: QueueEntry): QueueEntry[] {
  return [...entries.filter((each) => each.id !== entry.id), entry];
}

/** The entry a session's card and view show: its open one, else its latest merge. */
export function entryForSession(entries: readonly QueueEntry[], sessionId: string): QueueEntry | undefined {
  let found: QueueEntry | undefined;
  for (const entry of entries) {
    if (entry.sessionId !== sessionId) continue;
    if (found === undefined) found = entry;
    else if (isOpen(entry) !== isOpen(found)) found = isOpen(entry) ? entry : found;
    else if (entry.enqueuedAt > found.enqueuedAt) found = entry;
  }
  return found;
}

/** The chip on a card: "queued #2", "checking", "parked", "merged". */
export function entryChipText(entries: readonly QueueEntry[], entry: QueueEntry): string {
  const position = linePosition(entries, entry.id);
  return position !== null ? `queued #${position}` : QUEUE_STATE_LABEL[entry.state];
}

export interface QueueTransition {
  kind: 'parked' | 'merged';
  entry: QueueEntry;
}

/**
 * Entries that parked or merged between two lists. Only changes seen live count: nothing on the
 * first list (`previous` null), nothing for an entry already in that state before.
 */
export function queueTransitions(previous: readonly QueueEntry[] | null, next: readonly QueueEntry[]): QueueTransition[] {
  if (previous === null) return [];
  const before = new Map(previous.map((e) => [e.id, e]));
  const out: QueueTransition[] = [];
  for (const entry of next) {
    if (entry.state !== 'parked' && entry.state !== 'merged') continue;
    const was = before.get(entry.id);
    // A parked entry retried and parked again between two lists is a new attempt.
    if (was !== undefined && was.state === entry.state && was.attempts === entry.attempts) continue;
    out.push({ kind: entry.state, entry });
  }
  return out;
}

export interface NoticeText {
  tone: 'info' | 'success' | 'error';
  title: string;
  detail?: string;
}

const clip = (text: string, max = 80): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
export const shortCommit = (commit: string | null): string | null => (commit === null ? null : commit.slice(0, 7));

/** "src/a.ts, src/b.ts and 3 more" */
export function fileSummary(files: readonly string[], shown = 3): string {
  if (files.length <= shown) return files.join(', ');
  return `${files.slice(0, shown).join(', ')} and ${files.length - shown} more`;
}

export function parkedNotice(entry: QueueEntry, task: string | null): NoticeText {
  const parts = [clip(entry.reason ?? 'no reason given', 220)];
  if (entry.files.length > 0) parts.push(fileSummary(entry.files));
  parts.push(`session ${entry.sessionId}`);
  return { tone: 'error', title: `Merge parked: ${clip(task ?? entry.task ?? `session ${entry.sessionId}`)}`, detail: parts.join(' · ') };
}

export function mergedNotice(entry: QueueEntry, task: string | null, baseBranch: string | null): NoticeText {
  const commit = shortCommit(entry.resultCommit);
  const into = baseBranch !== null ? ` into ${baseBranch}` : '';
  return {
    tone: 'success',
    title: `Merged${into}: ${clip(task ?? entry.task ?? `session ${entry.sessionId}`)}`,
    detail: [`session ${entry.sessionId}`, entry.strategy, ...(commit !== null ? [`now at ${commit}`] : [])].join(' · '),
  };
}

/**
 * Several entries merged in one update (a train lands them together): one notice for all of them,
 * not a stack of toasts over the screen. `merged` in queue order, each with its task if known.
 */
export function mergedTogetherNotice(merged: readonly { entry: QueueEntry; task: string | null }[], baseBranch: string | null): NoticeText {
  const into = baseBranch !== null ? ` into ${baseBranch}` : '';
  const names = merged.map(({ entry, task }) => clip(task ?? entry.task ?? `session ${entry.sessionId}`, 40));
  const shown = names.length <= 3 ? names.join(', ') : `${names.slice(0, 2).join(', ')} and ${names.length - 2} more`;
  const commit = shortCommit(merged[merged.length - 1]?.entry.resultCommit ?? null);
  return { tone: 'success', title: `Merged ${merged.length} sessions${into}`, detail: [shown, ...(commit !== null ? [`now at ${commit}`] : [])].join(' · ') };
}

/** The enqueue dialog's form. */
export interface MergeForm {
  strategy: MergeStrategy;
  /** The gate command; empty for none. */
  gate: string;
}

export function mergeFormDefaults(settings: Settings | null): MergeForm {
  const strategy = settings !== null && (MERGE_STRATEGIES as readonly string[]).includes(settings.mergeStrategy) ? settings.mergeStrategy : 'merge';
  return { strategy, gate: settings?.gateCommand ?? '' };
}

export const GATE_MAX = 4000;

export const MERGE_MESSAGE_MAX = 20_000;

/**
 * The queue.enqueue input of the merge dialog. `message`: the merge commit's message as the person
 * edited it (undefined: not edited, the queue writes its own); not sent for a rebase, which makes no
 * merge commit.
 */
export function buildEnqueueInput(repo: string, sessionId: string, form: MergeForm, message?: string): { ok: true; input: CommandInput<'queue.enqueue'> } | { ok: false; error: string } {
  if (sessionId.trim() === '') return { ok: false, error: 'Choose the session to merge.' };
  const gate = form.gate.trim();
  if (gate.length > GATE_MAX) return { ok: false, error: `Gate command: at most ${GATE_MAX} characters.` };
  const input: CommandInput<'queue.enqueue'> = { repo, id: sessionId, strategy: form.strategy, gate: gate === '' ? null : gate };
  if (message === undefined || form.strategy === 'rebase') return { ok: true, input };
  if (message.trim() === '') return { ok: false, error: 'Merge message: write one (or undo your edit for the queue’s own).' };
  if (message.length > MERGE_MESSAGE_MAX) return { ok: false, error: `Merge message: at most ${MERGE_MESSAGE_MAX} characters.` };
  return { ok: true, input: { ...input, message } };
}

/** What one entry says under its title: "squash · gate npm test · attempt 2 · gate exit 1". */
export function entryFacts(entry: QueueEntry): string[] {
  const facts: string[] = [entry.strategy];
  if (entry.attempts > 1) facts.push(`attempt ${entry.attempts}`);
  if (entry.gateExitCode !== null && entry.gateExitCode !== 0) facts.push(`gate exit ${entry.gateExitCode}`);
  return facts;
}

/** For the nav: how many entries are in line or in progress, and how many are parked. */
export function queueCounts(entries: readonly QueueEntry[]): { open: number; parked: number } {
  let open = 0;
  let parked = 0;
  for (const entry of entries) {
    if (entry.state === 'parked') parked += 1;
    else if (entry.state !== 'merged') open += 1;
  }
  return { open, parked };
}

/** "2 waiting · 1 parked" for the screen's lead. */
export function queueSummary(sections: QueueSections): string {
  const parts: string[] = [];
  if (sections.active.length > 0) parts.push(`${sections.active.length} in progress`);
  parts.push(`${sections.waiting.length} waiting`);
  if (sections.parked.length > 0) parts.push(`${sections.parked.length} parked`);
  if (sections.merged.length > 0) parts.push(plural(sections.merged.length, 'merged entry', 'merged entries'));
  return parts.join(' · ');
}
