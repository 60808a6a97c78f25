import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Radar } from '../shared/merge';
import type { Session } from '../shared/models';
import { Council } from '../electron/core/council';
import { RadarService, type RadarRunStats } from '../electron/core/radar/radar';
import { timed } from './clock';
import { rawGit } from './git-exec';
import { generateRepo } from './repo-gen';
import type { BenchConfig, SummaryRow } from './result';
import { runStandaloneIfMain } from './standalone';
import { summarize, type Summary } from './stats';
import { formatMs, formatRatio, renderTable } from './table';

/**
 * Measurement 10 (issue 5): the conflict radar on a big repository with many sessions at work.
 *
 * N sessions on a generated repository, each editing a few files of its own spread over the tree,
 * half committed and half left uncommitted (one with an untracked file too), plus planted
 * collisions: three pairs of sessions change the same line of a shared file (conflicts), one pair
 * changes the same file in different places (overlap only), and the base branch moves on with a
 * change to a line one session also changed (a conflict with the base).
 *
 * Figures, each beside a baseline measured in the same run:
 *   - a full compute (cold: a new RadarService, every session read, all N(N-1)/2 + N pairs), against
 *     raw `git merge-tree --write-tree` of one pair × the number of pairs, run one at a time;
 *   - a recompute after one edit in one session (invalidate(it) + compute: its N-1 pairs and its
 *     base pair), against one raw `git status` + raw merge-tree × those N pairs;
 *   - a compute with nothing changed, and one with every session re-read (`invalidate()`), for
 *     information.
 * The radar's answer is checked against what was planted: a fast wrong answer fails.
 *
 * Run on its own: `npx tsx bench/radar.ts [--quick]` (full: 20 sessions on 10,000 files; --quick:
 * 8 sessions on 2,000 files).
 */

export const RADAR_FULL_TARGET_MS = 2_000;
export const RADAR_EDIT_TARGET_MS = 200;

export interface RadarBenchOptions {
  sessions: number;
  files: number;
  fullRuns: number;
  editRuns: number;
}

export const RADAR_FULL: RadarBenchOptions = { sessions: 20, files: 10_000, fullRuns: 5, editRuns: 20 };
export const RADAR_QUICK: RadarBenchOptions = { sessions: 8, files: 2_000, fullRuns: 2, editRuns: 6 };

const OWN_FILES = 3;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Replaces line `n` (1-based) of a file. */
function editLine(file: string, n: number, text: string): void {
  const lines = readFileSync(file, 'utf8').split('\n');
  lines[n - 1] = text;
  writeFileSync(file, lines.join('\n'));
}

interface Plan {
  /** Session index pairs that must conflict, the pair that must only overlap, the session that
   * must conflict with the base. */
  conflicting: [number, number][];
  overlapping: [number, number];
  baseConflict: number;
  /** Per session: its own files (the first is edited again in the incremental runs). */
  own: string[][];
  shared: string[];
}

/** Which files each session edits: own files spread over the tree, shared ones for the collisions. */
function plan(paths: readonly string[], sessions: number): Plan {
  const step = Math.floor(paths.length / (sessions * OWN_FILES + 8));
  const pick = (k: number): string => paths[(k * step + 7) % paths.length] as string;
  const shared = [pick(0), pick(1), pick(2), pick(3)];
  const own = Array.from({ length: sessions }, (_, i) => Array.from({ length: OWN_FILES }, (_, k) => pick(4 + i * OWN_FILES + k)));
  const pairs = Math.min(3, Math.floor(sessions / 2) - 1);
  return {
    conflicting: Array.from({ length: pairs }, (_, g): [number, number] => [2 * g, 2 * g + 1]),
    overlapping: [2 * pairs, 2 * pairs + 1],
    baseConflict: Math.min(2 * pairs + 2, sessions - 1),
    own,
    shared,
  };
}

function statsCells(s: RadarRunStats | null): string[] {
  if (!s) return ['', '', '', '', '', ''];
  return [String(s.sessionsChecked), String(s.snapshotsBuilt), String(s.mergeBases), String(s.diffs), String(s.computedPairs), String(s.mergeTrees)];
}

const phases = (s: RadarRunStats | null): string =>
  s ? `snapshots ${formatMs(s.phases.snapshots)}, merge-bases ${formatMs(s.phases.mergeBases)}, diff ${formatMs(s.phases.diffs)}, own changes replayed ${formatMs(s.phases.transplants)}, merge-trees ${formatMs(s.phases.mergeTrees)}` : '-';

/** What the radar found, as unordered pair names: "3×5", "2×base". */
function found(radar: Radar, ids: readonly string[]): { conflicts: string[]; overlapsOnly: string[] } {
  const name = (id: string): string => (id === 'base' ? 'base' : String(ids.indexOf(id)));
  const conflicts = radar.pairs.filter((p) => p.conflicts.length > 0).map((p) => `${name(p.a)}×${name(p.b)}`).sort();
  const overlapsOnly = radar.pairs.filter((p) => p.conflicts.length === 0).map((p) => `${name(p.a)}×${name(p.b)}`).sort();
  return { conflicts, overlapsOnly };
}

export async function measureRadar(cfg: BenchConfig, options: RadarBenchOptions): Promise<SummaryRow[]> {
  const { sessions: n, files } = options;
  const repo = generateRepo(cfg.tmp, `repo-radar-${files}`, files);
  const council = Council.open(repo.root);
  cfg.log(`radar: creating ${n} sessions on ${files.toLocaleString('en-US')} files`);
  await council.createSessions({ task: 'bench radar', count: n });
  const sessions: Session[] = council.listSessions();
  const ids = sessions.map((s) => s.id);
  const paths = (await rawGit(repo.root, ['ls-files', '-z'])).split('\0').filter((p) => p.endsWith('.ts'));
  const p = plan(paths, n);

  // Sessions at work have had their index refreshed by their agent's own git; a worktree fresh from
  // `git worktree add` has every entry racily clean (written in the same second as the index) and
  // costs ~100 ms a `git status` on 10,000 files until something rewrites its index.
  await sleep(1_100);
  for (const s of sessions) await rawGit(s.worktreePath, ['status', '--porcelain']);

  // The work: own files (line 1), planted collisions, half of it committed.
  sessions.forEach((s, i) => {
    for (const file of p.own[i] ?? []) editLine(path.join(s.worktreePath, file), 1, `// session ${i} was here`);
  });
  p.conflicting.forEach(([x, y], g) => {
    const file = p.shared[g] as string;
    editLine(path.join((sessions[x] as Session).worktreePath, file), 2, `export const planted = ${x};`);
    editLine(path.join((sessions[y] as Session).worktreePath, file), 2, `export const planted = ${y};`);
  });
  const [ox, oy] = p.overlapping;
  editLine(path.join((sessions[ox] as Session).worktreePath, p.shared[3] as string), 1, '// top, one session');
  editLine(path.join((sessions[oy] as Session).worktreePath, p.shared[3] as string), 4, '  return x; // bottom, another');
  const baseFile = (p.own[p.baseConflict] as string[])[1] as string;
  editLine(path.join((sessions[p.baseConflict] as Session).worktreePath, baseFile), 2, 'export const planted = "session";');
  writeFileSync(path.join((sessions[n - 1] as Session).worktreePath, 'bench-untracked.ts'), 'export const untracked = true;\n');
  for (const [i, s] of sessions.entries()) {
    if (i % 2 === 1) continue;
    await rawGit(s.worktreePath, ['commit', '-q', '-a', '-m', `session ${i} work`]);
  }
  editLine(path.join(repo.root, baseFile), 2, 'export const planted = "main";');
  await rawGit(repo.root, ['commit', '-q', '-a', '-m', 'main moves on']);

  const allPairs = (n * (n - 1)) / 2 + n;
  const expected = {
    conflicts: [...p.conflicting.map(([x, y]) => `${x}×${y}`), `${p.baseConflict}×base`].sort(),
    overlapsOnly: [`${ox}×${oy}`],
  };

  // Full compute: a new service each time (cold caches), one warm-up discarded.
  cfg.log(`radar: full compute of ${allPairs} pairs × ${options.fullRuns}`);
  await new RadarService(council).compute();
  const fullMs: number[] = [];
  let fullStats: RadarRunStats | null = null;
  let radar: Radar | null = null;
  for (let i = 0; i < options.fullRuns; i++) {
    const service = new RadarService(council);
    const { ms, value } = await timed(() => service.compute());
    fullMs.push(ms);
    fullStats = service.lastStats;
    radar = value;
  }
  if (!radar) throw new Error('no full compute ran');
  const answer = found(radar, ids);
  const correct = JSON.stringify(answer) === JSON.stringify(expected);

  // Baselines: raw git, one process at a time, on the same commits the radar used.
  const snap = (i: number): string => radar?.sessions.find((s) => s.sessionId === ids[i])?.snapshot ?? '';
  const mergeTreeMs: number[] = [];
  const statusMs: number[] = [];
  const edited = sessions[0] as Session;
  for (let i = 0; i < 10; i++) {
    mergeTreeMs.push((await timed(() => rawGit(repo.root, ['merge-tree', '--write-tree', '-z', '--name-only', snap(0), snap(1)]).catch(() => ''))).ms);
    statusMs.push((await timed(() => rawGit(edited.worktreePath, ['status', '--porcelain=v2', '-z', '--untracked-files=all']))).ms);
  }
  const mt = summarize(mergeTreeMs);
  const st = summarize(statusMs);

  // Incremental: a warm service; one session edits its planted file again (uncommitted) each round.
  const service = new RadarService(council);
  await service.compute();
  const unchangedMs: number[] = [];
  for (let i = 0; i < 5; i++) unchangedMs.push((await timed(() => service.compute())).ms);
  const unchangedStats = service.lastStats;
  cfg.log(`radar: recompute after one edit × ${options.editRuns}`);
  const editMs: number[] = [];
  let editStats: RadarRunStats | null = null;
  const editFile = path.join(edited.worktreePath, p.shared[0] as string);
  for (let i = 0; i < options.editRuns; i++) {
    editLine(editFile, 2, `export const planted = ${1000 + i};`);
    service.invalidate(edited.id);
    const { ms } = await timed(() => service.compute());
    editMs.push(ms);
    editStats = service.lastStats;
  }
  const recheckMs: number[] = [];
  for (let i = 0; i < 3; i++) {
    service.invalidate();
    recheckMs.push((await timed(() => service.compute())).ms);
  }
  const recheckStats = service.lastStats;

  // Different fork points (issue 12, radar 1): the sessions with nothing committed take main in
  // (a fast-forward; not the one whose file main changed), so about half the sessions start from
  // main's new tip and half from the old one;
  // every pair across the two halves compares the sessions' own changes on a common base.
  cfg.log('radar: sessions from two fork points');
  for (const [i, s] of sessions.entries()) if (i % 2 === 1 && i !== p.baseConflict) await rawGit(s.worktreePath, ['merge', '-q', '--ff-only', 'main']);
  await new RadarService(council).compute();
  const forkFullMs: number[] = [];
  let forkFullStats: RadarRunStats | null = null;
  let forkRadar: Radar | null = null;
  for (let i = 0; i < options.fullRuns; i++) {
    const forkService = new RadarService(council);
    const { ms, value } = await timed(() => forkService.compute());
    forkFullMs.push(ms);
    forkFullStats = forkService.lastStats;
    forkRadar = value;
  }
  const forkAnswer = forkRadar ? found(forkRadar, ids) : null;
  const forkCorrect = JSON.stringify(forkAnswer) === JSON.stringify(expected);
  const forkService = new RadarService(council);
  await forkService.compute();
  const forkEditMs: number[] = [];
  let forkEditStats: RadarRunStats | null = null;
  for (let i = 0; i < options.editRuns; i++) {
    editLine(editFile, 2, `export const planted = ${2000 + i};`);
    forkService.invalidate(edited.id);
    forkEditMs.push((await timed(() => forkService.compute())).ms);
    forkEditStats = forkService.lastStats;
  }
  const forkFull = summarize(forkFullMs);
  const forkEdit = summarize(forkEditMs);

  const full = summarize(fullMs);
  const edit = summarize(editMs);
  const unchanged = summarize(unchangedMs);
  const recheck = summarize(recheckMs);
  const editPairs = editStats?.computedPairs ?? n;
  const fullBaseline = mt.p50 * allPairs;
  const editBaseline = st.p50 + mt.p50 * editPairs;
  const row = (label: string, s: Summary, stats: RadarRunStats | null): (string | number)[] => [label, s.n, formatMs(s.p50), formatMs(s.p95), formatMs(s.min), formatMs(s.max), ...statsCells(stats)];
  const label = `${n} sessions, ${files.toLocaleString('en-US')} files`;
  cfg.print(
    renderTable(
      `10. Conflict radar (${label}, ${allPairs} pairs)`,
      ['variant', 'n', 'p50', 'p95', 'min', 'max', 'read', 'built', 'merge-base', 'diffs', 'pairs', 'merge-tree'],
      [
        row('full compute (new service: every session, every pair)', full, fullStats),
        row('recompute after one edit (invalidate(session) + compute)', edit, editStats),
        row('compute, nothing changed', unchanged, unchangedStats),
        row('every session re-read (invalidate() + compute), nothing changed', recheck, recheckStats),
        row('two fork points: full compute (new service)', forkFull, forkFullStats),
        row('two fork points: recompute after one edit', forkEdit, forkEditStats),
        ['baseline: raw git merge-tree --write-tree, one pair', mt.n, formatMs(mt.p50), formatMs(mt.p95), formatMs(mt.min), formatMs(mt.max), '', '', '', '', '1', '1'],
        ['baseline: raw git status on one worktree', st.n, formatMs(st.p50), formatMs(st.p95), formatMs(st.min), formatMs(st.max), '1', '', '', '', '', ''],
      ],
      [
        'read: sessions re-read (one git status each); built: snapshot commits made of uncommitted work; diffs: asked of one git diff-tree --stdin;',
        'pairs: pairs evaluated (the rest came from the cache); merge-tree: pairs that needed git merge-tree (the others changed no common file)',
        `radar found: conflicts ${answer.conflicts.join(', ') || 'none'}; overlap only ${answer.overlapsOnly.join(', ') || 'none'} (planted: conflicts ${expected.conflicts.join(', ')}; overlap only ${expected.overlapsOnly.join(', ')})`,
        `half the sessions committed their work, half left it uncommitted (one with an untracked file); git processes at a time: 4`,
        `where the time went (last run): full ${phases(fullStats)}; one edit ${phases(editStats)}`,
        `two fork points (the uncommitted half fast-forwarded to main): own changes replayed on the newer fork point ${forkFullStats?.transplants ?? 0} (full), ${forkEditStats?.transplants ?? 0} (one edit); found conflicts ${forkAnswer?.conflicts.join(', ') || 'none'}, overlap only ${forkAnswer?.overlapsOnly.join(', ') || 'none'}`,
        `where the time went, two fork points: full ${phases(forkFullStats)}; one edit ${phases(forkEditStats)}`,
      ],
    ),
  );
  return [
    {
      measurement: `radar full compute, ${label} (${allPairs} pairs)`,
      ours: `p50 ${formatMs(full.p50)}`,
      baseline: `merge-tree × ${allPairs} pairs ${formatMs(fullBaseline)} (one ${formatMs(mt.p50)})`,
      value: formatRatio(full.p50 / fullBaseline),
      target: `≤ ${formatMs(RADAR_FULL_TARGET_MS)}`,
      pass: full.p50 <= RADAR_FULL_TARGET_MS,
    },
    {
      measurement: `radar recompute after one edit, ${label}`,
      ours: `p50 ${formatMs(edit.p50)}, p95 ${formatMs(edit.p95)}`,
      baseline: `status + merge-tree × ${editPairs} ${formatMs(editBaseline)}`,
      value: formatRatio(edit.p50 / editBaseline),
      target: `≤ ${formatMs(RADAR_EDIT_TARGET_MS)}`,
      pass: edit.p50 <= RADAR_EDIT_TARGET_MS,
    },
    {
      measurement: `radar finds the planted conflicts, ${label}`,
      ours: `${answer.conflicts.length} conflicting, ${answer.overlapsOnly.length} overlap-only pairs`,
      baseline: `planted ${expected.conflicts.length} and ${expected.overlapsOnly.length}`,
      value: correct ? 'same pairs' : 'DIFFERENT pairs',
      target: 'exactly the planted pairs',
      pass: correct,
    },
    {
      measurement: `radar full compute, sessions from two fork points, ${label}`,
      ours: `p50 ${formatMs(forkFull.p50)}`,
      baseline: `one fork point ${formatMs(full.p50)}`,
      value: formatRatio(forkFull.p50 / full.p50),
      target: `≤ ${formatMs(RADAR_FULL_TARGET_MS)}`,
      pass: forkFull.p50 <= RADAR_FULL_TARGET_MS,
    },
    {
      measurement: `radar recompute after one edit, sessions from two fork points, ${label}`,
      ours: `p50 ${formatMs(forkEdit.p50)}, p95 ${formatMs(forkEdit.p95)}`,
      baseline: `one fork point ${formatMs(edit.p50)}`,
      value: formatRatio(forkEdit.p50 / edit.p50),
      target: `≤ ${formatMs(RADAR_EDIT_TARGET_MS)}`,
      pass: forkEdit.p50 <= RADAR_EDIT_TARGET_MS,
    },
    {
      measurement: `radar finds the planted conflicts, sessions from two fork points, ${label}`,
      ours: `${forkAnswer?.conflicts.length ?? 0} conflicting, ${forkAnswer?.overlapsOnly.length ?? 0} overlap-only pairs`,
      baseline: `planted ${expected.conflicts.length} and ${expected.overlapsOnly.length}`,
      value: forkCorrect ? 'same pairs' : 'DIFFERENT pairs',
      target: 'exactly the planted pairs',
      pass: forkCorrect,
    },
    {
      measurement: `radar, every session re-read, nothing changed, ${label}`,
      ours: `p50 ${formatMs(recheck.p50)}`,
      baseline: `git status × ${n} ${formatMs(st.p50 * n)}`,
      value: formatRatio(recheck.p50 / (st.p50 * n)),
      target: 'info',
      pass: null,
    },
  ];
}

/** `npx tsx bench/radar.ts [--quick]`: this measurement alone, with its summary. */
runStandaloneIfMain(import.meta.url, 'radar', (cfg) => measureRadar(cfg, cfg.quick ? RADAR_QUICK : RADAR_FULL));
