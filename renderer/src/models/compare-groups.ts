import type { AgentRun, CompareRow } from '../../../shared/agents';
import type { SessionCard } from '../../../shared/contract';
import type { Session } from '../../../shared/models';
import { plural } from '../lib/format';

/**
 * Best-of-N, pure: which sessions were started together on one task (the same task, created within
 * a few seconds of each other — `sessions.create` with count > 1 makes them one after another),
 * and what keeping one of them means.
 */
export interface BestOfGroup {
  task: string;
  /** Oldest first (creation order). */
  ids: string[];
  createdAt: string;
}

export const GROUP_WINDOW_MS = 10_000;

export function bestOfGroups(cards: readonly SessionCard[], windowMs = GROUP_WINDOW_MS): BestOfGroup[] {
  const byTask = new Map<string, Session[]>();
  for (const { session } of cards) {
    const list = byTask.get(session.task) ?? [];
    list.push(session);
    byTask.set(session.task, list);
  }
  const groups: BestOfGroup[] = [];
  for (const [task, sessions] of byTask) {
    if (sessions.length < 2) continue;
    const sorted = [...sessions].sort((a, b) => time(a) - time(b) || (a.id < b.id ? -1 : 1));
    let current: Session[] = [];
    const close = () => {
      if (current.length >= 2) groups.push({ task, ids: current.map((s) => s.id), createdAt: current[0]!.createdAt });
      current = [];
    };
    for (const session of sorted) {
      const last = current[current.length - 1];
      // Chained: each one within the window of the one before (fifty worktrees take a while).
      if (last !== undefined && time(session) - time(last) > windowMs) close();
      current.push(session);
    }
    close();
  }
  return groups.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
}

const time = (session: Session): number => Date.parse(session.createdAt) || 0;

/** The row's run, or the runs store's when it is newer (rows are a snapshot, runs are live). */
export function liveRun(row: CompareRow, latest: AgentRun | undefined): AgentRun | null {
  if (latest === undefined) return row.run;
  if (row.run === null || latest.id !== row.run.id) return latest.startedAt >= (row.run?.startedAt ?? '') ? latest : row.run;
  return latest;
}

export interface PickWording {
  title: string;
  lead: string;
  archive: string;
  /** Sessions whose agent is still running (the removal stops it). */
  running: string[];
}

export interface PickTarget {
  id: string;
  task: string;
  branch: string | null;
  live: boolean;
  /** What it did, so nothing is thrown away unseen: "2 files, +20 −1, 1 commit, check failed". */
  work: string;
}

export function describeWork(row: CompareRow): string {
  const parts = [plural(row.filesChanged, 'file'), `+${row.insertions} −${row.deletions}`, plural(row.commits, 'commit')];
  if (row.check !== null) parts.push(row.check.passed ? 'check passed' : 'check failed');
  return parts.join(', ');
}

/** What the confirmation says before `compare.pick`: which sessions go, and where their work is kept. */
export function describePick(keep: string, discard: readonly PickTarget[]): PickWording {
  return {
    title: `Keep ${keep}`,
    lead: `Keep session ${keep} and remove ${plural(discard.length, 'other session')}:`,
    archive:
      'Their worktrees and branches are deleted and their file locks released. Their work (commits and uncommitted changes) is archived under refs/council/archive/ first, so it can be restored with git.',
    running: discard.filter((target) => target.live).map((target) => target.id),
  };
}

/** Check results summed up for the comparison's header: "2 of 3 pass the check". */
export function checkSummary(rows: readonly CompareRow[]): string | null {
  const checked = rows.filter((row) => row.check !== null);
  if (checked.length === 0) return null;
  const passed = checked.filter((row) => row.check!.passed).length;
  return `${passed} of ${checked.length} pass the check`;
}
