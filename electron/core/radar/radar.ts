import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { BASE_SIDE, type PredictedConflict, type Radar, type RadarFileDetail, type RadarPair, type RadarSession } from '../../../shared/merge';
import type { Session } from '../../../shared/models';
import { byText } from '../../../shared/order';
import type { Council } from '../council';
import { invalidInput, notFound } from '../errors';
import { describeFile, type ComparedCommits } from './file-detail';
import { branchCommit, currentBranch, readBranchCommit, resolveCommit } from '../git/refs';
import { mergeTree } from '../git/merge-tree';
import { mapLimit } from './limit';
import { changedFilesMany, type DiffRequest } from '../git/diff';
import type { NameStatus } from '../git/parse';
import { mergeBasesMany } from './merge-bases';
import { MergedSessions } from './merged';
import { commonBase, Transplants } from './own-changes';
import { mayConflict, overlapOf } from './predict';
import { readWorktreeHead, SnapshotStore, type Snapshot } from './snapshot';
import { fileChanges, saveRadar, type StoredRadar } from './stored';
import { statusWithHeadMany, type StatusWithHead } from '../git/status';
import { worktreeGitDir } from '../git/worktree-dir';

/**
 * The conflict radar: which sessions would collide if merged, with each other and with the base
 * branch as it is now, computed incrementally.
 *
 * Each session is one commit (its snapshot: the branch tip, or a commit of the uncommitted work,
 * see snapshot.ts). Every pair of sessions, and every session with the base, is a "pair". A pair's
 * answer depends only on its two commits, so it is cached by them; after one edit in one session
 * only that session's pairs (N-1 with the others, 1 with the base) are evaluated again. For a pair
 * that is evaluated, the files each side changed since the two meet (merge-base) decide whether
 * git needs to merge at all (`mayConflict`, predict.ts); only then does `git merge-tree` run.
 *
 * Which sessions are looked at again: those `invalidate()` named since the last compute, those not
 * seen before, and those whose HEAD moved or whose index was rewritten (read from git's files: a
 * commit, a `git add`, a reset or a checkout by any process is noticed without being told). One
 * `git status` each; the others cost nothing — no process at all. The base branch's tip is read
 * every time. Edits to files are what the caller reports (`invalidate(id)`, from a worktree
 * watcher); `invalidateUnwatched` re-reads the sessions no watcher covers.
 */

export interface RadarOptions {
  /** The branch sessions are compared with. Default: the base branch most sessions were made from
   * (ties: the main checkout's branch), or the main checkout's branch when there are none. */
  baseBranch?: string;
  /** git processes at a time (default 4; the machine's cores do the work, this keeps them busy). */
  concurrency?: number;
}

/** What the last compute did, for the bench and for tests. */
export interface RadarRunStats {
  /** Sessions whose worktree was read again (one `git status` each). */
  sessionsChecked: number;
  /** Snapshot commits built (uncommitted work that changed). */
  snapshotsBuilt: number;
  /** Pairs of distinct commits whose merge base was not known (found with mergeBasesMany: two git
   * processes, more only for criss-cross histories). */
  mergeBases: number;
  /** Diffs asked of the one `git diff-tree --stdin` process (0: no process). */
  diffs: number;
  /** Pairs evaluated (not from the cache), and of those, how many needed `git merge-tree`. */
  computedPairs: number;
  /** Sessions' own changes replayed on a newer base commit, for pairs from different fork points
   * (own-changes.ts): one `git merge-tree` and one `git commit-tree` each. */
  transplants: number;
  mergeTrees: number;
  durationMs: number;
  /** Wall time of each step: snapshots, merge-bases, the diffs, own changes replayed for pairs
   * from different fork points, merge-trees (ms). */
  phases: { snapshots: number; mergeBases: number; diffs: number; transplants: number; mergeTrees: number };
}

export interface Side {
  /** Session id, or "base". */
  id: string;
  /** The name in git's messages: the session's branch, or the base branch. */
  label: string;
  tip: string;
  commit: string;
  /** The commit the session started from (the base's own tip for the base). */
  start: string;
}

interface PairAnswer {
  overlap: string[];
  /** As git said them, the sides named by their branches. */
  conflicts: PredictedConflict[];
  /** Set when the two sessions' own changes were compared on the base's tip (fork points that do
   * not descend from one another): the answer holds only while the base is there. */
  onBaseTip?: string;
  /** The two commits git merged and where they meet (what `fileDetail` merges again); absent when
   * the sides never met or one has no change of its own. */
  compared?: ComparedCommits;
}

interface SessionState {
  snapshot: Snapshot;
  /** HEAD and the index file's identity as read from git's files when the snapshot was taken
   * (null: could not be read). */
  marker: string | null;
  /** When the read began (Date.now()). */
  readAt: number;
}

type Invalidation = Set<string> | 'all';

const DEFAULT_CONCURRENCY = 4;
/** Worktrees whose `git status` one git process gives (statusOutputsMany). */
const STATUS_BATCH = 16;

/** The base branch most sessions were made from; ties go to the main checkout's branch, then by name. */
export function defaultBaseBranch(sessions: readonly Session[], checkedOut: string | null): string | null {
  const counts = new Map<string, number>();
  for (const s of sessions) counts.set(s.baseBranch, (counts.get(s.baseBranch) ?? 0) + 1);
  const best = Math.max(0, ...counts.values());
  const tied = [...counts.entries()].filter(([, n]) => n === best).map(([b]) => b).sort(byText);
  if (tied.length === 0) return checkedOut;
  return checkedOut !== null && tied.includes(checkedOut) ? checkedOut : (tied[0] as string);
}

const tipsKey = (a: string, b: string): string => (a < b ? `${a} ${b}` : `${b} ${a}`);
const diffKey = (from: string, to: string): string => `${from} ${to}`;

export class RadarService {
  private readonly snapshots: SnapshotStore;
  private readonly sessions = new Map<string, SessionState>();
  private readonly mergeBases = new Map<string, string | null>();
  private readonly diffs = new Map<string, NameStatus[]>();
  private readonly transplants: Transplants;
  private pairs = new Map<string, PairAnswer>();
  /** The last compute's pairs by their sides' ids ("<a> <b>"), for `fileDetail`. */
  private byIds = new Map<string, PairAnswer>();
  private readonly merged: MergedSessions;
  private pending: Invalidation = 'all';
  private queue: Promise<unknown> = Promise.resolve();
  private readonly concurrency: number;
  /** What the last compute did (null before the first). */
  lastStats: RadarRunStats | null = null;

  constructor(
    private readonly council: Pick<Council, 'ws' | 'locks' | 'queue'>,
    private readonly options: RadarOptions = {},
  ) {
    this.snapshots = new SnapshotStore(council.ws.repo.commonDir, council.ws.repo.mainRoot);
    this.concurrency = Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY);
    this.transplants = new Transplants(council.ws.repo.mainRoot);
    this.merged = new MergedSessions(council.ws, council.queue, this.concurrency);
  }

  /** Marks one session's worktree (or, without an id, every session) as possibly changed: the next
   * compute reads it again. Call it when a worktree watcher sees files change. */
  invalidate(sessionId?: string): void {
    if (sessionId === undefined) this.pending = 'all';
    else if (this.pending !== 'all') this.pending.add(sessionId);
  }

  /** Brings the radar up to date. Calls are serialized: one computes while the next waits. */
  compute(): Promise<Radar> {
    const run = this.queue.then(
      () => this.run(),
      () => this.run(),
    );
    this.queue = run.catch(() => undefined);
    return run;
  }

  private get cwd(): string {
    return this.council.ws.repo.mainRoot;
  }

  /**
   * Marks for a fresh read every ready session whose worktree no watcher covers, or whose watcher
   * began after its last read (an edit in between would have gone unseen). `watchedSince`: when the
   * session's worktree watcher was in place (Date.now()), or null when there is none (or it lost
   * part of the tree). The live radar's slow sweep calls this, so it costs no process while every
   * worktree is watched and nothing changed. `limit`: at most this many, those read longest ago
   * first (a `git status` of a large worktree is tens of milliseconds of CPU).
   */
  invalidateUnwatched(watchedSince: (sessionId: string) => number | null, limit = Number.POSITIVE_INFINITY): void {
    if (this.pending === 'all') return;
    const due: { id: string; readAt: number }[] = [];
    for (const s of this.council.ws.registry.all()) {
      if (s.state !== 'ready') continue;
      const since = watchedSince(s.id);
      const known = this.sessions.get(s.id);
      if (since === null || !known || known.readAt < since) due.push({ id: s.id, readAt: known?.readAt ?? 0 });
    }
    // At most `limit`, those read longest ago first: every uncovered session comes round in turn.
    due.sort((a, b) => a.readAt - b.readAt);
    for (const { id } of due.slice(0, limit)) this.pending.add(id);
  }

  private needsCheck(s: Session, pending: Invalidation): boolean {
    if (pending === 'all' || pending.has(s.id)) return true;
    const known = this.sessions.get(s.id);
    if (!known) return true;
    const marker = this.currentMarker(s);
    return marker === null || marker !== known.marker;
  }

  /** HEAD and the identity of the worktree's index file (a commit, `git add`, reset or checkout
   * rewrites it), from git's files; null when they cannot be read. */
  private currentMarker(s: Session): string | null {
    const head = this.currentHead(s);
    if (head === null) return null;
    try {
      const index = statSync(path.join(worktreeGitDir(s.worktreePath), 'index'), { bigint: true });
      return `${head} ${index.ino}:${index.size}:${index.mtimeNs}:${index.ctimeNs}`;
    } catch {
      return `${head} -`;
    }
  }

  /** HEAD of the session's worktree, or its branch tip when the worktree is gone, from git's files. */
  private currentHead(s: Session): string | null {
    const { commonDir } = this.council.ws.repo;
    if (existsSync(path.join(s.worktreePath, '.git'))) return readWorktreeHead(s.worktreePath, commonDir);
    return readBranchCommit(commonDir, s.branch) ?? null;
  }

  private async run(): Promise<Radar> {
    const started = performance.now();
    const pending = this.pending;
    this.pending = new Set();
    const stats: RadarRunStats = {
      sessionsChecked: 0,
      snapshotsBuilt: 0,
      mergeBases: 0,
      diffs: 0,
      computedPairs: 0,
      transplants: 0,
      mergeTrees: 0,
      durationMs: 0,
      phases: { snapshots: 0, mergeBases: 0, diffs: 0, transplants: 0, mergeTrees: 0 },
    };
    try {
      return await this.evaluate(pending, stats, started);
    } catch (err) {
      // Whatever was not finished is looked at again next time.
      if (pending === 'all') this.invalidate();
      else for (const id of pending) this.invalidate(id);
      throw err;
    }
  }

  private async evaluate(pending: Invalidation, stats: RadarRunStats, started: number): Promise<Radar> {
    const { ws } = this.council;
    const all = ws.registry.all().filter((s) => s.state === 'ready');
    const baseBranch = this.options.baseBranch ?? defaultBaseBranch(all, currentBranch(ws.repo.commonDir));
    const baseTip = baseBranch === null ? await resolveCommit(this.cwd, 'HEAD') : await branchCommit(ws.repo.commonDir, this.cwd, baseBranch);
    if (baseTip === null) {
      if (all.length === 0) return this.finish({ branch: baseBranch ?? 'HEAD', commit: '' }, [], [], {}, stats, started);
      throw notFound(`the base branch ${baseBranch ?? 'HEAD'} does not exist: pick another base`);
    }
    const base: Side = { id: BASE_SIDE, label: baseBranch ?? 'HEAD', tip: baseTip, commit: baseTip, start: baseTip };

    // 1. Snapshots of the sessions that may have changed.
    const toCheck = all.filter((s) => this.needsCheck(s, pending));
    stats.sessionsChecked = toCheck.length;
    const builtBefore = this.snapshots.built;
    let mark = performance.now();
    const lap = (): number => {
      const now = performance.now();
      const ms = now - mark;
      mark = now;
      return ms;
    };
    // Their `git status`, STATUS_BATCH worktrees per git process (for-each-repo): starting a process
    // from a large main process costs it 5–10 ms under load, and at 500 sessions the first compute
    // started 500 of them while the window opening the repository waited behind them.
    const read = new Map<string, { status: StatusWithHead; at: number; marker: string | null }>();
    const withTree = toCheck.filter((s) => existsSync(path.join(s.worktreePath, '.git')));
    const batches: Session[][] = [];
    for (let i = 0; i < withTree.length; i += STATUS_BATCH) batches.push(withTree.slice(i, i + STATUS_BATCH));
    await mapLimit(batches, this.concurrency, async (batch) => {
      const at = Date.now();
      const markers = batch.map((s) => this.currentMarker(s));
      const outputs = await statusWithHeadMany(this.cwd, batch.map((s) => s.worktreePath)).catch(() => batch.map(() => null));
      batch.forEach((s, i) => {
        const status = outputs[i];
        if (status != null) read.set(s.id, { status, at, marker: markers[i] ?? null });
      });
    });
    await mapLimit(toCheck, this.concurrency, async (s) => {
      const known = read.get(s.id);
      const readAt = known?.at ?? Date.now();
      const marker = known ? known.marker : this.currentMarker(s);
      const snapshot = await this.snapshots.take(s, known);
      if (snapshot) this.sessions.set(s.id, { snapshot, marker, readAt });
      else this.sessions.delete(s.id);
    });
    stats.snapshotsBuilt = this.snapshots.built - builtBefore;
    stats.phases.snapshots = lap();
    const live = new Set(all.map((s) => s.id));
    for (const id of this.sessions.keys()) if (!live.has(id)) this.sessions.delete(id);
    this.snapshots.retain(live);
    const sides: Side[] = [];
    for (const s of all) {
      const state = this.sessions.get(s.id);
      if (state) sides.push({ id: s.id, label: s.branch, tip: state.snapshot.tip, commit: state.snapshot.commit, start: s.baseCommit });
    }

    // 2. Where each session meets the base: its fork point, from which its own change is counted.
    const missingForks = sides.map((s): [string, string] => [s.tip, base.tip]).filter(([x, y]) => !this.mergeBases.has(tipsKey(x, y)));
    await this.findMergeBases(missingForks, stats);
    const meet = (x: string, y: string): string | null => (x === y ? x : (this.mergeBases.get(tipsKey(x, y)) ?? null));
    const fork = (s: Side): string | null => meet(s.tip, base.tip);
    stats.phases.mergeBases = lap();

    // 3. What each session changed itself (fork point → snapshot), in one diff-tree process. A
    // session with no change of its own is in no pair with another session: at 500 sessions at rest
    // (none with work yet) that is 125,000 pairs not built, keyed and looked up at every compute.
    const wantedOwn = new Map<string, DiffRequest>();
    for (const s of sides) {
      const from = fork(s);
      if (from !== null && from !== s.commit) wantedOwn.set(diffKey(from, s.commit), { from, to: s.commit });
    }
    await this.findDiffs(wantedOwn, stats);
    const changed = (from: string | null, to: string): NameStatus[] => (from === null || from === to ? [] : (this.diffs.get(diffKey(from, to)) ?? []));
    const ownless = new Set(sides.filter((s) => fork(s) !== null && changed(fork(s), s.commit).length === 0).map((s) => s.id));
    const owning = sides.filter((s) => !ownless.has(s.id));
    stats.phases.diffs = lap();

    // 4. Every pair: sessions with work of their own with each other (in registry order), each
    // session with the base. A pair's answer depends on its two commits and, for two sessions, on
    // their fork points (see own-changes.ts); one compared on the base's tip (unrelated fork points)
    // also on that tip.
    const pairs: [Side, Side][] = [];
    const owningAt = new Map(owning.map((s, i) => [s.id, i]));
    for (const a of sides) {
      pairs.push([a, base]);
      const i = owningAt.get(a.id);
      if (i !== undefined) for (let j = i + 1; j < owning.length; j++) pairs.push([a, owning[j] as Side]);
    }
    const keyOf = ([a, b]: [Side, Side]): string => (b === base ? `${a.commit} ${b.commit}` : `${a.commit} ${b.commit} ${fork(a)} ${fork(b)}`);
    const nextPairs = new Map<string, PairAnswer>();
    for (const pair of pairs) {
      const known = this.pairs.get(keyOf(pair));
      if (known && (known.onBaseTip === undefined || known.onBaseTip === base.tip)) nextPairs.set(keyOf(pair), known);
    }
    const fresh = pairs.filter((pair) => !nextPairs.has(keyOf(pair)));
    stats.computedPairs = fresh.length;
    // Two sessions from the same fork point meet where git says; from different ones, the fork
    // points' own meeting decides the common base (own-changes.ts).
    const sameFork = ([a, b]: [Side, Side]): boolean => b === base || fork(a) === null || fork(b) === null || fork(a) === fork(b);
    const wantedTips = fresh.map(([a, b]): [string, string] => (sameFork([a, b]) ? [a.tip, b.tip] : [fork(a) as string, fork(b) as string]));
    await this.findMergeBases(wantedTips.filter(([x, y]) => x !== y && !this.mergeBases.has(tipsKey(x, y))), stats);
    stats.phases.mergeBases += lap();

    // 5. For new pairs of sessions from the same fork point, each side since the two meet. One
    // diff-tree process.
    const wantedDiffs = new Map<string, DiffRequest>();
    const want = (from: string | null, to: string): void => {
      if (from !== null && from !== to) wantedDiffs.set(diffKey(from, to), { from, to });
    };
    for (const [a, b] of fresh.filter(sameFork)) {
      const mb = meet(a.tip, b.tip);
      want(mb, a.commit);
      want(mb, b.commit);
    }
    await this.findDiffs(wantedDiffs, stats);
    stats.phases.diffs += lap();

    // 6. Pairs from different fork points: each side's own change on their common base, and what
    // changed there (one more diff-tree process).
    const compared = new Map<string, { a: string; b: string; onto: string; onBaseTip?: string }>();
    const transplantsBefore = this.transplants.made;
    await mapLimit(
      fresh.filter((pair) => !sameFork(pair) && !ownless.has(pair[0].id) && !ownless.has(pair[1].id)),
      this.concurrency,
      async ([a, b]) => {
        const fa = fork(a) as string;
        const fb = fork(b) as string;
        const { onto, related } = commonBase(fa, fb, meet(fa, fb), base.tip);
        const [ca, cb] = await Promise.all([this.transplants.onto(onto, fa, a.commit), this.transplants.onto(onto, fb, b.commit)]);
        compared.set(keyOf([a, b]), { a: ca, b: cb, onto, onBaseTip: related ? undefined : base.tip });
      },
    );
    stats.transplants = this.transplants.made - transplantsBefore;
    stats.phases.transplants = lap();
    const moreDiffs = new Map<string, DiffRequest>();
    for (const c of compared.values()) {
      if (c.onto !== c.a) moreDiffs.set(diffKey(c.onto, c.a), { from: c.onto, to: c.a });
      if (c.onto !== c.b) moreDiffs.set(diffKey(c.onto, c.b), { from: c.onto, to: c.b });
    }
    await this.findDiffs(moreDiffs, stats);
    stats.phases.diffs += lap();

    // 7. The new pairs: overlap, and git's merge where a conflict is possible.
    await mapLimit(fresh, this.concurrency, async ([a, b]) => {
      if (b !== base && (ownless.has(a.id) || ownless.has(b.id))) {
        nextPairs.set(keyOf([a, b]), { overlap: [], conflicts: [] });
        return;
      }
      const other = compared.get(keyOf([a, b]));
      const from = other ? other.onto : meet(a.tip, b.tip);
      const [ca, cb] = other ? [other.a, other.b] : [a.commit, b.commit];
      const filesA = changed(from, ca);
      const filesB = changed(from, cb);
      let conflicts: PredictedConflict[] = [];
      if (from !== null && mayConflict(filesA, filesB)) {
        stats.mergeTrees++;
        const names = new Map([[a.commit, a.label], [ca, a.label], [b.commit, b.label], [cb, b.label]]);
        conflicts = (await mergeTree(this.cwd, ca, cb)).conflicts.map((c) => ({ ...c, message: labelled(c.message, names) }));
      }
      nextPairs.set(keyOf([a, b]), { overlap: overlapOf(filesA, filesB), conflicts, onBaseTip: other?.onBaseTip, compared: from === null ? undefined : { from, a: ca, b: cb } });
    });
    stats.phases.mergeTrees = lap();

    // Keep only what the current sessions and base can ask for again: pairs of current commits,
    // merge bases of current tips and fork points, diffs to current commits, transplants onto
    // current fork points.
    this.pairs = nextPairs;
    this.byIds = new Map();
    for (const pair of pairs) {
      const answer = nextPairs.get(keyOf(pair));
      if (answer) this.byIds.set(`${pair[0].id} ${pair[1].id}`, answer);
    }
    const forks = new Set(sides.map(fork).filter((f): f is string => f !== null));
    const tips = new Set([base.tip, ...sides.map((s) => s.tip), ...forks]);
    const commits = new Set([base.commit, ...sides.map((s) => s.commit), ...[...compared.values()].flatMap((c) => [c.a, c.b])]);
    for (const key of this.mergeBases.keys()) if (!key.split(' ').every((t) => tips.has(t))) this.mergeBases.delete(key);
    this.transplants.retain(new Set([...forks, base.tip]), commits);
    for (const key of this.diffs.keys()) if (!commits.has(key.split(' ')[1] ?? '')) this.diffs.delete(key);

    // Sessions the base already has entirely (merged) are shown in no pair.
    const merged = await this.merged.find(sides, base, fork);
    const sessions: RadarSession[] = sides.map((s) => ({
      sessionId: s.id,
      snapshot: s.commit,
      files: merged.has(s.id) ? [] : [...new Set(changed(fork(s), s.commit).map((f) => f.path))].sort(),
      merged: merged.has(s.id),
    }));
    const result: RadarPair[] = [];
    for (const [a, b] of pairs) {
      const answer = nextPairs.get(keyOf([a, b]));
      if (!answer || (answer.overlap.length === 0 && answer.conflicts.length === 0) || merged.has(a.id) || merged.has(b.id)) continue;
      result.push({ a: a.id, b: b.id, overlap: answer.overlap, conflicts: answer.conflicts });
    }
    const radar = this.finish({ branch: base.label, commit: base.commit }, sessions, result, this.lockOwners(result), stats, started);
    // The default-base radar is kept for other processes (the peers view reads it, stored.ts).
    if (this.options.baseBranch === undefined) {
      const changes: StoredRadar['changes'] = {};
      for (const s of sides) if (!merged.has(s.id)) changes[s.id] = fileChanges(changed(fork(s), s.commit));
      saveRadar(ws.paths, radar, changes);
    }
    return radar;
  }

  /**
   * One file of one pair, closely (radar.fileDetail): each side's lines where they conflict, from
   * the commits the last compute merged (the radar the asker shows). `a` is a session (id or
   * prefix), `b` another or "base"; the file must be one the radar names for them.
   */
  async fileDetail(file: string, a: string, b: string): Promise<RadarFileDetail> {
    const { registry } = this.council.ws;
    const idA = registry.resolve(a).id;
    const idB = b === BASE_SIDE ? BASE_SIDE : registry.resolve(b).id;
    if (idA === idB) throw invalidInput(`a and b are both session ${idA}: name two different sessions, or a session and "base"`);
    // The radar as last computed (what the screen asking shows; a newer one makes it ask again);
    // computed now only when it has not been, or does not know the pair yet.
    const find = (): { forward: PairAnswer | undefined; answer: PairAnswer | undefined } => {
      const forward = this.byIds.get(`${idA} ${idB}`);
      return { forward, answer: forward ?? this.byIds.get(`${idB} ${idA}`) };
    };
    if (this.lastStats === null || find().answer === undefined) await this.compute();
    const { forward, answer } = find();
    const conflict = answer?.conflicts.find((c) => c.path === file) ?? null;
    const sideB = idB === BASE_SIDE ? 'the base' : `session ${idB}`;
    if (!answer || !answer.compared || (conflict === null && !answer.overlap.includes(file))) {
      throw notFound(`session ${idA} and ${sideB} do not both change ${file} (any more): refresh the radar`);
    }
    const { from, a: ca, b: cb } = answer.compared;
    // Oriented as asked: side a is the session named first.
    const [ours, theirs] = forward ? [ca, cb] : [cb, ca];
    return { path: file, a: idA, b: idB, ...(await describeFile(this.cwd, file, from, ours, theirs, conflict)) };
  }

  /** Merge bases of these pairs of commits (distinct, not known yet) into the cache. */
  private async findMergeBases(pairs: readonly (readonly [string, string])[], stats: RadarRunStats): Promise<void> {
    const missing = new Map<string, [string, string]>();
    for (const [x, y] of pairs) if (x !== y && !this.mergeBases.has(tipsKey(x, y))) missing.set(tipsKey(x, y), [x, y]);
    if (missing.size === 0) return;
    stats.mergeBases += missing.size;
    const found = await mergeBasesMany(this.cwd, [...missing.values()], this.concurrency);
    [...missing.keys()].forEach((key, i) => this.mergeBases.set(key, found[i] ?? null));
  }

  /** These diffs (those not known yet) into the cache, in one diff-tree process. */
  private async findDiffs(wanted: ReadonlyMap<string, DiffRequest>, stats: RadarRunStats): Promise<void> {
    const missing = [...wanted].filter(([key]) => !this.diffs.has(key));
    if (missing.length === 0) return;
    stats.diffs += missing.length;
    const answers = await changedFilesMany(this.cwd, missing.map(([, r]) => r));
    missing.forEach(([key], i) => this.diffs.set(key, answers[i] ?? []));
  }

  /** The current lock owner of every file in an overlap or a conflict. */
  private lockOwners(pairs: readonly RadarPair[]): Record<string, string> {
    const files = new Set<string>();
    for (const p of pairs) {
      for (const f of p.overlap) files.add(f);
      for (const c of p.conflicts) files.add(c.path);
    }
    const owners: Record<string, string> = {};
    if (files.size === 0) return owners;
    for (const lock of this.council.locks.list()) if (files.has(lock.path)) owners[lock.path] = lock.sessionId;
    return owners;
  }

  private finish(base: Radar['base'], sessions: RadarSession[], pairs: RadarPair[], lockOwners: Record<string, string>, stats: RadarRunStats, started: number): Radar {
    const durationMs = performance.now() - started;
    this.lastStats = { ...stats, durationMs };
    return { computedAt: new Date().toISOString(), base, sessions, pairs, lockOwners, durationMs, computedPairs: stats.computedPairs };
  }
}

/** git names the sides of a merge by what it was given (here, commit ids); put the branch names
 * back, so the line reads as `git merge` would print it for those branches. */
function labelled(message: string, names: ReadonlyMap<string, string>): string {
  let text = message;
  for (const [commit, label] of names) text = text.split(commit).join(label);
  return text;
}
