import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Session } from '../shared/models';
import { Council } from '../electron/core/council';
import { DIGEST_CHAR_BUDGET, DIGEST_TOKEN_BUDGET, CHARS_PER_TOKEN } from '../electron/core/coordination/digest';
import { saveRadar } from '../electron/core/radar/stored';
import { COUNCIL_BIN } from '../tests/helpers/cli';
import { CLI_RATIO_TARGET } from './measure-lock-cli';
import { generateRepo } from './repo-gen';
import type { BenchConfig, SummaryRow } from './result';
import { runStandaloneIfMain } from './standalone';
import { median, summarize } from './stats';
import { formatMs, formatRatio, renderTable } from './table';

/**
 * The digest hook (`council hook digest`, run by the agent CLIs when a conversation starts and
 * before every prompt) as a whole process against `node -e 0`, at 100 sessions, in its two cases:
 * nothing changed since the conversation was last told (it prints nothing: the usual case), and a
 * conversation not told yet (it renders and prints the digest). Interleaved round by round, like
 * measurement 3 (measure-lock-cli.ts). And the digest's size at 100 sessions against its budget.
 */

export interface DigestHookCounts {
  warmup: number;
  iterations: number;
}
export const DIGEST_HOOK_FULL: DigestHookCounts = { warmup: 2, iterations: 20 };
export const DIGEST_HOOK_QUICK: DigestHookCounts = { warmup: 1, iterations: 6 };

const STATUSES = ['working', 'done', 'idle', 'needs-input', 'blocked'] as const;

/** 100 sessions at work: statuses, current files, locks, and a stored radar with conflicts involving the first. */
export async function digestWorld(cfg: BenchConfig): Promise<{ council: Council; me: Session; sessions: Session[] }> {
  const repo = generateRepo(cfg.tmp, 'repo-digest', 200);
  const council = Council.open(repo.root);
  const sessions: Session[] = [];
  for (let i = 0; i < 100; i += 20) sessions.push(...(await council.createSessions({ task: `bench digest: improve module ${i} and its tests`, agent: 'claude', count: 20 })));
  const files = repo.samplePaths;
  for (const [i, s] of sessions.entries()) {
    const file = files[i % files.length] as string;
    await council.context.update(s.id, { status: STATUSES[i % STATUSES.length], currentFile: file }, { cwd: repo.root });
    if (i % 3 === 0 && i > 0) await council.locks.acquire(file, s.id, { cwd: repo.root });
  }
  const me = sessions[0] as Session;
  const mine = files.slice(0, 6);
  saveRadar(
    council.ws.paths,
    {
      computedAt: new Date().toISOString(),
      base: { branch: 'main', commit: '0'.repeat(40) },
      sessions: sessions.map((s, i) => ({ sessionId: s.id, snapshot: '1'.repeat(40), files: i === 0 ? mine : [files[i % files.length] as string], merged: false })),
      pairs: [
        ...sessions.slice(1, 6).map((s, i) => ({ a: me.id, b: s.id, overlap: [mine[i] as string], conflicts: [{ path: mine[i] as string, kind: 'content' as const, message: `CONFLICT (content): Merge conflict in ${mine[i]}` }] })),
        { a: me.id, b: 'base', overlap: [mine[5] as string], conflicts: [{ path: mine[5] as string, kind: 'content' as const, message: `CONFLICT (content): Merge conflict in ${mine[5]}` }] },
      ],
      lockOwners: {},
      durationMs: 1,
      computedPairs: 6,
    },
    Object.fromEntries(sessions.map((s) => [s.id, {}])),
  );
  return { council, me, sessions };
}

function runHook(worktree: string, env: NodeJS.ProcessEnv, conversation: string): { ms: number; stdout: string } {
  const input = JSON.stringify({ session_id: conversation, cwd: worktree, hook_event_name: 'UserPromptSubmit', prompt: 'go on' });
  const start = performance.now();
  const r = spawnSync(process.execPath, [COUNCIL_BIN, 'hook', 'digest', '--agent', 'claude'], { cwd: worktree, env, input, encoding: 'utf8' });
  const ms = performance.now() - start;
  if (r.status !== 0 || r.stderr) throw new Error(`council hook digest exited ${String(r.status)}: ${r.stderr}`);
  return { ms, stdout: r.stdout };
}

export function measureDigestHook(cfg: BenchConfig, me: Session, counts: DigestHookCounts): SummaryRow[] {
  const cacheDir = path.join(cfg.tmp, 'v8-compile-cache-digest');
  mkdirSync(cacheDir, { recursive: true });
  const env: NodeJS.ProcessEnv = { ...process.env, V8_COMPILE_CACHE_CACHE_DIR: cacheDir, COUNCIL_SESSION_ID: me.id, COUNCIL_HOOK_DEBUG: '1' };
  delete env.DISABLE_V8_COMPILE_CACHE;
  const bare = (): number => {
    const start = performance.now();
    spawnSync(process.execPath, ['-e', '0'], { env });
    return performance.now() - start;
  };
  let conversation = 0;
  // The conversation told once and then asked again unchanged. A session's state keeps its
  // DIGEST_CONVERSATIONS_KEPT most recently told conversations, so after that many new ones it
  // would be forgotten (and told again): a new one is told, untimed, every 10 rounds.
  let unchanged = 'unchanged-0';
  const told = runHook(me.worktreePath, env, unchanged);
  if (!told.stdout) throw new Error('the first digest hook printed nothing');
  const digest = (JSON.parse(told.stdout) as { hookSpecificOutput: { additionalContext: string } }).hookSpecificOutput.additionalContext;
  let rounds = 0;
  const round = () => {
    if (++rounds % 10 === 0) {
      unchanged = `unchanged-${rounds}`;
      if (!runHook(me.worktreePath, env, unchanged).stdout) throw new Error('a new conversation was not told');
    }
    const b = bare();
    const same = runHook(me.worktreePath, env, unchanged);
    if (same.stdout !== '') throw new Error('the digest was sent again with nothing changed');
    const fresh = runHook(me.worktreePath, env, `new-${++conversation}`);
    if (!fresh.stdout.includes('additionalContext')) throw new Error('a new conversation was not told');
    return { bare: b, same: same.ms, fresh: fresh.ms };
  };
  for (let i = 0; i < counts.warmup; i++) round();
  const samples = { bare: [] as number[], same: [] as number[], fresh: [] as number[] };
  for (let i = 0; i < counts.iterations; i++) {
    const r = round();
    samples.bare.push(r.bare);
    samples.same.push(r.same);
    samples.fresh.push(r.fresh);
  }
  const b = summarize(samples.bare);
  const same = summarize(samples.same);
  const fresh = summarize(samples.fresh);
  const paired = (xs: readonly number[]): number => median(xs.map((x, i) => x / (samples.bare[i] ?? Number.NaN)));
  const tokens = Math.ceil(digest.length / CHARS_PER_TOKEN);
  const row = (name: string, s: ReturnType<typeof summarize>, ratio = ''): (string | number)[] => [name, s.n, formatMs(s.p50), formatMs(s.p95), formatMs(s.min), formatMs(s.max), ratio];
  cfg.print(
    renderTable(
      '14. The digest hook as a whole process vs node -e 0, 100 sessions',
      ['process', 'n', 'p50', 'p95', 'min', 'max', 'ratio of medians to node -e 0'],
      [
        row('node -e 0', b),
        row('council hook digest, nothing changed (prints nothing)', same, formatRatio(same.p50 / b.p50)),
        row('council hook digest, a new conversation (prints the digest)', fresh, formatRatio(fresh.p50 / b.p50)),
      ],
      [
        `interleaved round by round, ${counts.warmup} warm-up round(s) discarded; median of per-round ratios: unchanged ${formatRatio(paired(samples.same))}, new ${formatRatio(paired(samples.fresh))}`,
        `digest at 100 sessions (5 conflicts with peers, 1 with the base, 33 locks): ${digest.length} characters ≈ ${tokens} tokens (chars/${CHARS_PER_TOKEN}); budget ${DIGEST_TOKEN_BUDGET} tokens = ${DIGEST_CHAR_BUDGET} characters`,
      ],
    ),
  );
  return [
    { measurement: 'CLI `council hook digest` process, nothing changed', ours: `p50 ${formatMs(same.p50)}`, baseline: `node -e 0 p50 ${formatMs(b.p50)}`, value: formatRatio(same.p50 / b.p50), target: `≤ ${formatRatio(CLI_RATIO_TARGET)}`, pass: same.p50 / b.p50 <= CLI_RATIO_TARGET },
    { measurement: 'CLI `council hook digest` process, digest printed', ours: `p50 ${formatMs(fresh.p50)}`, baseline: `node -e 0 p50 ${formatMs(b.p50)}`, value: formatRatio(fresh.p50 / b.p50), target: `≤ ${formatRatio(CLI_RATIO_TARGET)}`, pass: fresh.p50 / b.p50 <= CLI_RATIO_TARGET },
    { measurement: 'digest size at 100 sessions', ours: `${digest.length} chars`, baseline: `budget ${DIGEST_CHAR_BUDGET} chars`, value: `≈ ${tokens} tokens`, target: `≤ ${DIGEST_TOKEN_BUDGET} tokens`, pass: tokens <= DIGEST_TOKEN_BUDGET },
  ];
}

/** Standalone (`npx tsx bench/measure-digest-hook.ts [--quick] [--idle-only]`). */
async function standalone(cfg: BenchConfig): Promise<SummaryRow[]> {
  const { me } = await digestWorld(cfg);
  return measureDigestHook(cfg, me, cfg.quick ? DIGEST_HOOK_QUICK : DIGEST_HOOK_FULL);
}

runStandaloneIfMain(import.meta.url, 'digest-hook', standalone);
