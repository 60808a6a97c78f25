import path from 'node:path';
import type { Council } from '../electron/core/council';
import { timed } from './clock';
import { lockRoundTrips } from './measure-lock-inprocess';
import type { BenchConfig, SummaryRow } from './result';
import { summarize, type Summary } from './stats';
import { formatMs, renderTable } from './table';

export const CONTEXT_UPDATE_P50_TARGET_MS = 1;
export const CONTEXT_ALL_P50_TARGET_MS = 5;
export const SESSIONS = 100;
/** Making the sessions is set-up, but it should not take the whole run. */
const CREATE_BUDGET_MS = 60_000;

/**
 * Brings the repository up to `SESSIONS` real sessions (worktrees and all), one at a time: a batch
 * (`count` > 1) runs its `git worktree add`s concurrently, and git 2.39 then sometimes fails with
 * "failed to read .git/worktrees/<other>/commondir" (one add reads another's half-made folder).
 */
async function ensureSessions(council: Council): Promise<number> {
  const { ms } = await timed(async () => {
    while (council.listSessions().length < SESSIONS) await council.createSessions({ task: 'bench context', count: 1 });
  });
  return ms;
}

async function timeEach<T>(items: readonly T[], fn: (item: T, i: number) => Promise<unknown> | unknown): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < items.length; i++) {
    const start = performance.now();
    await fn(items[i] as T, i);
    samples.push(performance.now() - start);
  }
  return samples;
}

const times = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/**
 * Measurement 5: shared context with 100 live sessions. `context.update` (status, current file,
 * progress) on every session in turn, and `context.all()`. Also, for information: the lock round
 * trip at 100 sessions, and `context.all()` while every session holds a lock.
 */
export async function measureContext(
  cfg: BenchConfig,
  council: Council,
  files: readonly string[],
  counts: { updateRounds: number; allIterations: number; lockIterations: number },
): Promise<SummaryRow[]> {
  const createMs = await ensureSessions(council);
  const sessions = council.listSessions().slice(0, SESSIONS);
  const repo = council.ws.repo.mainRoot;
  const update = (round: number) => (s: { id: string }, i: number) =>
    council.context.update(s.id, { status: 'working', currentFile: files[i % files.length], progress: `round ${round}: step ${i}` }, { cwd: repo });

  await timeEach(sessions, update(0)); // warm-up round
  const updateMs: number[] = [];
  for (let r = 1; r <= counts.updateRounds; r++) updateMs.push(...(await timeEach(sessions, update(r))));
  await timeEach(times(5), () => council.context.all());
  const allMs = await timeEach(times(counts.allIterations), () => council.context.all());

  const lockPaths = files.slice(0, 4).map((f) => path.join(repo, f));
  const firstId = sessions[0]?.id as string;
  await lockRoundTrips(council, firstId, lockPaths, 50);
  const lockMs = await lockRoundTrips(council, firstId, lockPaths, counts.lockIterations);

  // Every session holds one lock, as 100 busy agents would.
  const lockedFiles = sessions.map((s, i) => ({ id: s.id, file: path.join(repo, files[i % files.length] as string) }));
  const distinct = lockedFiles.filter((l, i) => lockedFiles.findIndex((x) => x.file === l.file) === i);
  for (const l of distinct) await council.locks.acquire(l.file, l.id);
  await timeEach(times(5), () => council.context.all());
  const allLockedMs = await timeEach(times(counts.allIterations), () => council.context.all());
  for (const l of distinct) await council.locks.release(l.file, l.id);

  const u = summarize(updateMs);
  const a = summarize(allMs);
  const l = summarize(lockMs);
  const al = summarize(allLockedMs);
  const row = (name: string, s: Summary): (string | number)[] => [name, s.n, formatMs(s.p50), formatMs(s.p95), formatMs(s.p99), formatMs(s.max)];
  cfg.print(
    renderTable(
      `5. Shared context at ${sessions.length} sessions`,
      ['operation', 'n', 'p50', 'p95', 'p99', 'max'],
      [
        row("context.update(id, {status: 'working', currentFile, progress})", u),
        row('context.all()', a),
        row(`context.all() while ${distinct.length} locks are held (info)`, al),
        row(`lock acquire+release at ${sessions.length} sessions (info)`, l),
      ],
      [
        `set-up: ${sessions.length} real sessions (worktrees of the 700-file repo, created one at a time); creating the missing ones took ${formatMs(createMs)}`,
        'one warm-up round of updates and 5 warm-up all() calls discarded',
      ],
    ),
  );
  return [
    {
      measurement: `context.update p50 (${sessions.length} sessions)`,
      ours: formatMs(u.p50),
      baseline: '-',
      value: `${formatMs(u.p50)} (p99 ${formatMs(u.p99)})`,
      target: `≤ ${formatMs(CONTEXT_UPDATE_P50_TARGET_MS)}`,
      pass: u.p50 <= CONTEXT_UPDATE_P50_TARGET_MS,
    },
    {
      measurement: `context.all() p50 (${sessions.length} sessions)`,
      ours: formatMs(a.p50),
      baseline: '-',
      value: `${formatMs(a.p50)} (p99 ${formatMs(a.p99)})`,
      target: `≤ ${formatMs(CONTEXT_ALL_P50_TARGET_MS)}`,
      pass: a.p50 <= CONTEXT_ALL_P50_TARGET_MS,
    },
    {
      measurement: `context.all() p50, ${distinct.length} locks held`,
      ours: formatMs(al.p50),
      baseline: `no locks held: ${formatMs(a.p50)}`,
      value: formatMs(al.p50),
      target: '-',
      pass: null,
    },
    {
      measurement: `lock acquire+release p50 at ${sessions.length} sessions`,
      ours: `p50 ${formatMs(l.p50)}, p99 ${formatMs(l.p99)}`,
      baseline: 'one session: see measurement 2',
      value: formatMs(l.p50),
      target: '-',
      pass: null,
    },
    {
      measurement: `create ${SESSIONS} sessions (set-up)`,
      ours: formatMs(createMs),
      baseline: '-',
      value: formatMs(createMs),
      target: `< ${formatMs(CREATE_BUDGET_MS)} (set-up budget)`,
      pass: null,
    },
  ];
}
