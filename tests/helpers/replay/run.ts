import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { BASE_SIDE, type MergeStrategy, type Radar } from '../../../shared/merge';
import type { Session } from '../../../shared/models';
import { Council } from '../../../electron/core/council';
import { MergeQueue, processQueue, type MergeEvent } from '../../../electron/core/merge/index';
import { RadarService } from '../../../electron/core/radar/radar';
import { council as runCli, councilJson } from '../cli';
import { racyEdit } from '../racy';
import { gitSync, tempDir, writeIn } from '../repo';
import { blob, loadHistory, treeOfCommit, type History } from './history';
import type { ReplayCase } from './cases';
import { gitAnswer, gitLine, type Answer } from './reference';

/*
 * One replay case through CLI Council's real core — sessions (Council), the conflict radar
 * (RadarService) and the merge queue (MergeQueue + processQueue, the main checkout on the base
 * branch and brought along) — each answer checked against git's own (reference.ts).
 *
 * Checks, each a line in the result:
 *  - radar: each session × base, and each pair of sessions: conflict or not, and exactly the files
 *    git leaves conflicted;
 *  - queue: each entry merged where git merges cleanly, parked where git conflicts, naming exactly
 *    git's conflicted files (rebase of a topic with merge commits: parked, as designed);
 *  - the base: the tree git's merges end with (not moved at all when nothing merged), the main
 *    checkout on it and clean;
 *  - nothing lost: every session's worktree clean afterwards (its pending work committed) and its
 *    branch holding the topic's tree; a racy edit committed (the event names its commit).
 */

export interface Check {
  what: string;
  ok: boolean;
  /** git's answer and CLI Council's, when they differ. */
  detail: string;
}

export interface CaseRun {
  name: string;
  strategy: MergeStrategy;
  racy: boolean;
  /** git's merge of the case conflicts (for pairs: the two topics, or either with the base). */
  conflicting: boolean;
  checks: Check[];
  ms: number;
}

export const mismatches = (run: CaseRun): Check[] => run.checks.filter((c) => !c.ok);

/** The repository CLI Council works on: the history's objects, `main` checked out. */
export interface Replayer {
  h: History;
  council: Council;
  root: string;
}

export function openReplayer(h: History): Replayer {
  const root = path.join(tempDir('council-replay-'), 'flask');
  loadHistory(root, h.bundle, h.ref, h.tip);
  gitSync(root, 'checkout', '-q', '-B', 'main', h.tip);
  return { h, council: Council.open(root), root };
}

const list = (files: readonly string[]): string => (files.length ? files.join(', ') : 'none');

/** Two file lists compared as sets: "" when equal, else what one has and the other lacks. */
function fileDiff(git: readonly string[], ours: readonly string[]): string {
  const g = new Set(git);
  const o = new Set(ours);
  const missing = [...g].filter((f) => !o.has(f));
  const extra = [...o].filter((f) => !g.has(f));
  if (missing.length === 0 && extra.length === 0) return '';
  return `git: ${g.size} file(s), council: ${o.size}${missing.length ? `; missing ${list(missing)}` : ''}${extra.length ? `; extra ${list(extra)}` : ''}`;
}

const conflictFiles = (a: Answer): string[] => (a.kind === 'conflict' ? a.files : []);

function radarFiles(radar: Radar, a: string, b: string): string[] {
  const pair = radar.pairs.find((p) => (p.a === a && p.b === b) || (p.a === b && p.b === a));
  return [...new Set((pair?.conflicts ?? []).map((c) => c.path))].sort();
}

/**
 * The first session's branch: its topic, then a change to `file`, then that change undone by an
 * uncommitted, racily clean edit (the worktree then holds exactly the topic's tree). racyEdit needs
 * two steps in one second; on a machine too loaded for that it is tried again from the start.
 */
async function racyTopic(r: Replayer, worktree: string, tip: string, file: string, tries = 3): Promise<void> {
  const real = blob(r.h, tip, file);
  for (let attempt = 1; ; attempt++) {
    gitSync(worktree, 'reset', '-q', '--hard', tip);
    writeIn(worktree, file, 'x'.repeat(real.length - 1) + '\n');
    gitSync(worktree, 'commit', '-q', '-a', '-m', `replay: a change of ${file} that the racy edit undoes`);
    const changed = gitSync(worktree, 'rev-parse', 'HEAD');
    gitSync(worktree, 'reset', '-q', '--hard', tip);
    try {
      await racyEdit(worktree, changed, file, real.toString('utf8'));
      return;
    } catch (err) {
      if (attempt >= tries || !(err instanceof Error && /different seconds/.test(err.message))) throw err;
    }
  }
}

/** `council conflicts --json`, the built CLI as its own process. */
function radarByCli(root: string): Radar {
  const out = councilJson<Radar>(['conflicts'], { cwd: root });
  if (!out.result.ok) throw new Error(`council conflicts failed (exit ${out.code}): ${out.result.error.message}`);
  return out.result.value;
}

/** `council merge <id> --wait --strategy <s>` for each session in turn; the entries as the CLI left
 * them on disk, and what it printed on stderr. Exit 0 is merged, 3 parked; anything else throws. */
function mergeByCli(r: Replayer, sessions: readonly Session[], strategy: MergeStrategy): { ids: string[]; stderr: string[] } {
  const ids: string[] = [];
  const stderr: string[] = [];
  for (const s of sessions) {
    const out = runCli(['merge', s.id, '--wait', '--strategy', strategy], { cwd: r.root });
    if (out.code !== 0 && out.code !== 3) throw new Error(`council merge ${s.id} --wait exited ${out.code}: ${out.stderr.trim()}`);
    const entry = new MergeQueue(r.council.ws).list().filter((e) => e.sessionId === s.id).pop();
    if (!entry) throw new Error(`council merge ${s.id} left no queue entry`);
    ids.push(entry.id);
    stderr.push(out.stderr);
  }
  return { ids, stderr };
}

/** Through the core API (in this process) or the built `council` CLI (its own processes). */
export type ReplayVia = 'core' | 'cli';

/** Whether two commits hold the same files (same paths, modes and contents). */
function sameContent(cwd: string, a: string, b: string): boolean {
  return spawnSync('git', ['diff', '--quiet', '--no-ext-diff', '--no-textconv', a, b], { cwd }).status === 0;
}

export async function replayCase(r: Replayer, c: ReplayCase, strategy: MergeStrategy, via: ReplayVia = 'core'): Promise<CaseRun> {
  const started = Date.now();
  const { council, root, h } = r;
  const checks: Check[] = [];
  const check = (what: string, detail: string): void => {
    checks.push({ what, ok: detail === '', detail });
  };

  // Sessions start where the case starts; each gets its topic; the base moves on.
  gitSync(root, 'reset', '-q', '--hard', c.start);
  const sessions: Session[] = [];
  for (const [i, tip] of c.tips.entries()) {
    const [s] = await council.createSessions({ task: `replay ${c.name}, topic ${i + 1} (${strategy})` });
    if (!s) throw new Error('no session was created');
    sessions.push(s);
    if (i === 0 && c.racyFile) await racyTopic(r, s.worktreePath, tip, c.racyFile);
    else gitSync(s.worktreePath, 'reset', '-q', '--hard', tip);
  }
  gitSync(root, 'reset', '-q', '--hard', c.base);

  // The radar, against git's merge of the same two sides.
  const radar = via === 'cli' ? radarByCli(root) : await new RadarService(council).compute();
  let conflicting = false;
  for (const [i, s] of sessions.entries()) {
    const git = gitAnswer(h, 'merge', c.base, c.tips[i] as string);
    conflicting ||= git.kind === 'conflict';
    check(`radar session ${i + 1} × base`, fileDiff(conflictFiles(git), radarFiles(radar, s.id, BASE_SIDE)));
  }
  for (let i = 0; i < sessions.length; i++) {
    for (let j = i + 1; j < sessions.length; j++) {
      const git = gitAnswer(h, 'merge', c.tips[i] as string, c.tips[j] as string);
      conflicting ||= git.kind === 'conflict';
      check(`radar pair ${i + 1} × ${j + 1}`, fileDiff(conflictFiles(git), radarFiles(radar, (sessions[i] as Session).id, (sessions[j] as Session).id)));
    }
  }

  // The queue, against git's merges of the topics in turn.
  const expected = gitLine(h, strategy, c.base, c.tips);
  const queue = new MergeQueue(council.ws);
  const entries: string[] = [];
  /** What the queue said it did with the first session's pending work. */
  let committed: string | undefined;
  if (via === 'cli') {
    const merged = mergeByCli(r, sessions, strategy);
    entries.push(...merged.ids);
    committed = /committed the session's pending work.*/.exec(merged.stderr[0] ?? '')?.[0];
  } else {
    for (const s of sessions) entries.push((await queue.enqueue(s.id, { strategy, gate: null })).id);
    const events: MergeEvent[] = [];
    await processQueue(council, { onEvent: (e) => events.push(e) });
    committed = events.find((e) => e.step === 'committed' && e.sessionId === (sessions[0] as Session).id)?.message;
  }
  for (const [i, id] of entries.entries()) {
    const entry = queue.get(id);
    const git = expected[i] as Answer;
    const what = `queue ${strategy} entry ${i + 1}`;
    if (git.kind === 'clean') check(what, entry.state === 'merged' ? '' : `git merges cleanly; the entry is ${entry.state}: ${entry.reason ?? ''}`);
    else if (git.kind === 'refused') check(what, entry.state === 'parked' && /merge commit/.test(entry.reason ?? '') ? '' : `the topic has ${git.merges} merge commit(s), which a rebase must refuse; the entry is ${entry.state}: ${entry.reason ?? ''}`);
    else if (entry.state !== 'parked') check(what, `git conflicts in ${list(git.files)}; the entry is ${entry.state}`);
    else check(what, fileDiff(git.files, entry.files));
  }
  const landed = [...expected].reverse().find((a): a is Extract<Answer, { kind: 'clean' }> => a.kind === 'clean');
  const baseNow = gitSync(root, 'rev-parse', 'main');
  if (landed) check('base tree', treeOfCommit(root, baseNow) === landed.tree ? '' : `git's tree ${landed.tree}, the base's ${treeOfCommit(root, baseNow)}`);
  else check('base not moved', baseNow === c.base ? '' : `nothing merges, yet main moved from ${c.base} to ${baseNow}`);
  const status = gitSync(root, 'status', '--porcelain');
  const onMain = gitSync(root, 'rev-parse', '--abbrev-ref', 'HEAD');
  check('main checkout', status === '' && onMain === 'main' ? '' : `the main checkout is on ${onMain} with ${status ? `changes: ${status.split('\n').slice(0, 5).join('; ')}` : 'no changes'}`);

  // Nothing lost: the work is committed on the session's branch, whatever happened to the entry.
  for (const [i, s] of sessions.entries()) {
    const left = gitSync(s.worktreePath, 'status', '--porcelain');
    // By content: old trees of the history have zero-padded modes ("040000"), which any commit made
    // through an index writes normalised — another tree id for the same files (flask a5325686).
    const same = sameContent(root, c.tips[i] as string, s.branch);
    check(`session ${i + 1} work kept`, left === '' && same ? '' : `${left ? `uncommitted: ${left.split('\n').slice(0, 5).join('; ')}; ` : ''}${same ? '' : `its branch ${s.branch} differs from the topic: ${gitSync(root, 'diff', '--stat', c.tips[i] as string, s.branch).split('\n').pop() ?? ''}`}`);
  }
  if (c.racyFile) {
    check('racy edit committed', committed && / as [0-9a-f]{12}$/.test(committed) ? '' : `the queue said: ${committed ?? 'nothing about committing it'}`);
  }

  // Removed: without --force where the merge strategy merged it with a merge commit (the base has
  // all of its commits), which also proves no work hides in its worktree; with --force otherwise
  // (its tip is archived) — also where the base already had the same changes under other commits
  // (the queue merged "nothing": removal then rightly counts the session's commits as unmerged).
  for (const [i, s] of sessions.entries()) {
    const entry = queue.get(entries[i] as string);
    const merged = strategy === 'merge' && entry.state === 'merged' && entry.resultCommit !== entry.baseBefore;
    if (merged) {
      try {
        await council.removeSession(s.id);
        check(`session ${i + 1} removed`, '');
        continue;
      } catch (err) {
        check(`session ${i + 1} removed`, `merged, yet removal refused: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    await council.removeSession(s.id, { force: true });
  }
  return { name: c.name, strategy, racy: c.racyFile !== null, conflicting, checks, ms: Date.now() - started };
}
