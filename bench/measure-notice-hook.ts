import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Session } from '../shared/models';
import { COUNCIL_BIN } from '../tests/helpers/cli';
import { CLI_RATIO_TARGET } from './measure-lock-cli';
import { digestWorld } from './measure-digest-hook';
import type { BenchConfig, SummaryRow } from './result';
import { runStandaloneIfMain } from './standalone';
import { median, summarize } from './stats';
import { formatMs, formatRatio, renderTable } from './table';

/**
 * The conflict notice (`council hook notice`, run by Claude Code and Gemini CLI after EVERY tool
 * call) as a whole process against `node -e 0`, at 100 sessions with a stored radar predicting 5
 * conflicts with the session: the usual call (the radar unchanged since this conversation was last
 * checked: it prints nothing) and a conversation not told yet (it reads the radar and prints the
 * new conflicts). Interleaved round by round, like the digest hook's (measure-digest-hook.ts).
 */

export interface NoticeHookCounts {
  warmup: number;
  iterations: number;
}
export const NOTICE_HOOK_FULL: NoticeHookCounts = { warmup: 2, iterations: 20 };
export const NOTICE_HOOK_QUICK: NoticeHookCounts = { warmup: 1, iterations: 6 };

function runHook(worktree: string, env: NodeJS.ProcessEnv, conversation: string): { ms: number; stdout: string } {
  const input = JSON.stringify({ session_id: conversation, cwd: worktree, hook_event_name: 'PostToolUse', tool_name: 'Read', tool_input: { file_path: path.join(worktree, 'README.md') }, tool_response: {} });
  const start = performance.now();
  const r = spawnSync(process.execPath, [COUNCIL_BIN, 'hook', 'notice', '--agent', 'claude'], { cwd: worktree, env, input, encoding: 'utf8' });
  const ms = performance.now() - start;
  if (r.status !== 0 || r.stderr) throw new Error(`council hook notice exited ${String(r.status)}: ${r.stderr}`);
  return { ms, stdout: r.stdout };
}

export function measureNoticeHook(cfg: BenchConfig, me: Session, counts: NoticeHookCounts): SummaryRow[] {
  const cacheDir = path.join(cfg.tmp, 'v8-compile-cache-notice');
  mkdirSync(cacheDir, { recursive: true });
  const env: NodeJS.ProcessEnv = { ...process.env, V8_COMPILE_CACHE_CACHE_DIR: cacheDir, COUNCIL_SESSION_ID: me.id, COUNCIL_HOOK_DEBUG: '1' };
  delete env.DISABLE_V8_COMPILE_CACHE;
  const bare = (): number => {
    const start = performance.now();
    spawnSync(process.execPath, ['-e', '0'], { env });
    return performance.now() - start;
  };
  // One conversation told once, then asked after each "tool call" with nothing new; a new one
  // every 10 rounds (the digest state keeps the 20 most recent conversations).
  let told = 0;
  let usual = '';
  const tellNew = (): string => {
    const id = `notice-${++told}`;
    const first = runHook(me.worktreePath, env, id);
    if (!first.stdout.includes('NEW predicted conflict')) throw new Error(`a new conversation was not told the conflicts: ${first.stdout}`);
    return id;
  };
  usual = tellNew();
  let rounds = 0;
  const round = () => {
    if (++rounds % 10 === 0) usual = tellNew();
    const b = bare();
    const same = runHook(me.worktreePath, env, usual);
    if (same.stdout !== '') throw new Error('the notice was told again with nothing new');
    const start = performance.now();
    tellNew();
    const fresh = performance.now() - start;
    return { bare: b, same: same.ms, fresh };
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
  const row = (name: string, s: ReturnType<typeof summarize>, ratio = ''): (string | number)[] => [name, s.n, formatMs(s.p50), formatMs(s.p95), formatMs(s.min), formatMs(s.max), ratio];
  cfg.print(
    renderTable(
      '15. The conflict notice hook (after every tool call) as a whole process vs node -e 0, 100 sessions',
      ['process', 'n', 'p50', 'p95', 'min', 'max', 'ratio of medians to node -e 0'],
      [
        row('node -e 0', b),
        row('council hook notice, nothing new (prints nothing)', same, formatRatio(same.p50 / b.p50)),
        row('council hook notice, 5 new conflicts (prints them)', fresh, formatRatio(fresh.p50 / b.p50)),
      ],
      [`interleaved round by round, ${counts.warmup} warm-up round(s) discarded; median of per-round ratios: nothing new ${formatRatio(paired(samples.same))}, new ${formatRatio(paired(samples.fresh))}`],
    ),
  );
  return [
    { measurement: 'CLI `council hook notice` process, nothing new', ours: `p50 ${formatMs(same.p50)}`, baseline: `node -e 0 p50 ${formatMs(b.p50)}`, value: formatRatio(same.p50 / b.p50), target: `≤ ${formatRatio(CLI_RATIO_TARGET)}`, pass: same.p50 / b.p50 <= CLI_RATIO_TARGET },
    { measurement: 'CLI `council hook notice` process, conflicts told', ours: `p50 ${formatMs(fresh.p50)}`, baseline: `node -e 0 p50 ${formatMs(b.p50)}`, value: formatRatio(fresh.p50 / b.p50), target: `≤ ${formatRatio(CLI_RATIO_TARGET)}`, pass: fresh.p50 / b.p50 <= CLI_RATIO_TARGET },
  ];
}

/** Standalone (`npx tsx bench/measure-notice-hook.ts [--quick] [--idle-only]`). */
async function standalone(cfg: BenchConfig): Promise<SummaryRow[]> {
  const { me } = await digestWorld(cfg);
  return measureNoticeHook(cfg, me, cfg.quick ? NOTICE_HOOK_QUICK : NOTICE_HOOK_FULL);
}

runStandaloneIfMain(import.meta.url, 'notice-hook', standalone);
