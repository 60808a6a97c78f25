// `npm run bench`: builds the CLI, then measures the core against its speed targets on generated
// repositories in a temp folder, with an isolated HOME and git config. Each measurement runs twice:
// on the machine as it is ("idle"), then under a fixed background load the bench starts and stops
// itself (load.ts: two processes spinning); the targets are judged on the loaded figures, each
// printed beside its idle one and both beside their baselines from the same run. Prints one table
// per measurement and condition and a summary. Exits 0 even when a target is missed, unless --strict.
//   --quick   fewer iterations (a fast look; p99s are then rough)
//   --strict  exit 1 when any target is missed
//   --keep    leave the temp folder (repos, worktrees) in place and print where it is
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Council } from '../electron/core/council';
import { isolateGitEnvironment } from '../tests/helpers/git-env';
import { AGENTS_SCALE_FULL, AGENTS_SCALE_QUICK, measureAgentsScale } from './agents-scale';
import { idleThenLoaded, LOAD_DESCRIPTION } from './load';
import { loadAverage, machineTable } from './machine';
import { measureContext } from './measure-context';
import { measureHandoff } from './measure-handoff';
import { FOLLOW_UP_FULL, FOLLOW_UP_QUICK, measureFollowUp } from './measure-follow-up';
import { MCP_FULL, MCP_QUICK, measureMcp } from './measure-mcp';
import { measureLockCli } from './measure-lock-cli';
import { DIGEST_HOOK_FULL, DIGEST_HOOK_QUICK, digestWorld, measureDigestHook } from './measure-digest-hook';
import { measureNoticeHook, NOTICE_HOOK_FULL, NOTICE_HOOK_QUICK } from './measure-notice-hook';
import { measureRemote, REMOTE_FULL, REMOTE_QUICK, remoteWorld } from './measure-remote';
import { measureLockInProcess } from './measure-lock-inprocess';
import { measureSessionCreate } from './measure-session-create';
import { measureUiBoard } from './measure-ui-board';
import { measureUiAttention } from './measure-ui-attention';
import { measureUiDiff } from './measure-ui-diff';
import { makeDiffSession, measureDiff, SCROLL_PASSES } from './measure-diff';
import { MERGE_FULL, MERGE_QUICK, measureMerge } from './merge';
import { measureOutputBurst } from './output-burst';
import { measureRadar, RADAR_FULL, RADAR_QUICK } from './radar';
import { generateRepo } from './repo-gen';
import { renderSummary, type BenchConfig, type SummaryRow } from './result';
import { formatMs, renderTable } from './table';
import { startUi, uiUnavailable } from './ui-harness';
import { sshdUnavailable } from '../tests/helpers/sshd';

const args = new Set(process.argv.slice(2));
const quick = args.has('--quick');
const strict = args.has('--strict');
const keep = args.has('--keep');
for (const a of args) {
  if (!['--quick', '--strict', '--keep'].includes(a)) {
    process.stderr.write(`bench: unknown option ${a} (use --quick, --strict, --keep)\n`);
    process.exit(2);
  }
}

/** Iterations per measurement: full runs aim for stable p50/p99 in a few minutes on 2 cores. */
const COUNTS = quick
  ? { createSmall: 3, createLarge: 2, lock: { warmup: 50, iterations: 300 }, cli: { warmup: 1, iterations: 6 }, handoff: { warmup: 1, rounds: 8 }, context: { updateRounds: 1, allIterations: 40, lockIterations: 200 }, uiBoardRounds: 3, uiDiff: { editsPerVariant: 20, rounds: 1 }, burstRounds: 3 }
  : { createSmall: 10, createLarge: 5, lock: { warmup: 200, iterations: 2000 }, cli: { warmup: 2, iterations: 20 }, handoff: { warmup: 2, rounds: 30 }, context: { updateRounds: 5, allIterations: 200, lockIterations: 1000 }, uiBoardRounds: 5, uiDiff: { editsPerVariant: 40, rounds: 2 }, burstRounds: 8 };

const SMALL_FILES = 700;
const LARGE_FILES = 10_000;

async function main(): Promise<number> {
  const home = isolateGitEnvironment();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'council-bench-'));
  const started = performance.now();
  const cfg: BenchConfig = {
    quick,
    tmp,
    log: (line) => process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(3)} s] ${line}\n`),
    print: (table) => process.stdout.write(`${table}\n`),
  };
  const rows: SummaryRow[] = [];
  try {
    cfg.print(machineTable());

    cfg.log(`generating repositories of ${SMALL_FILES} and ${LARGE_FILES} files in ${tmp}`);
    const small = generateRepo(tmp, `repo-${SMALL_FILES}`, SMALL_FILES);
    const large = generateRepo(tmp, `repo-${LARGE_FILES}`, LARGE_FILES);
    cfg.print(
      renderTable(
        'Generated repositories (one commit each)',
        ['repository', 'files', 'write + git add -A + commit'],
        [small, large].map((r) => [r.root, r.files, formatMs(r.generateMs)]),
        [`mode: ${quick ? '--quick (fewer iterations)' : 'full'}; HOME and git config isolated in ${home}`],
      ),
    );

    cfg.log(`1. session create vs git worktree add, ${SMALL_FILES} files`);
    rows.push(...(await idleThenLoaded(cfg, (c) => measureSessionCreate(c, small, COUNTS.createSmall))));
    cfg.log(`1. session create vs git worktree add, ${LARGE_FILES} files`);
    rows.push(...(await idleThenLoaded(cfg, (c) => measureSessionCreate(c, large, COUNTS.createLarge))));

    const council = Council.open(small.root);
    const [waiter, holder] = await council.createSessions({ task: 'bench locks', count: 2 });
    if (!waiter || !holder) throw new Error('could not create the lock sessions');

    cfg.log('2. in-process lock acquire + release');
    rows.push(...(await idleThenLoaded(cfg, async (c) => (await measureLockInProcess(c, council, waiter.id, small.samplePaths, COUNTS.lock)).rows)));
    cfg.log('3. council hook pre-tool, lock acquire and lock who as processes vs node -e 0');
    rows.push(...(await idleThenLoaded(cfg, async (c) => measureLockCli(c, small.root, waiter, small.samplePaths.slice(5, 60), COUNTS.cli))));
    cfg.log('4. contended hand-off between processes');
    rows.push(...(await idleThenLoaded(cfg, (c) => measureHandoff(c, council, holder.id, waiter.id, small.samplePaths[6] as string, COUNTS.handoff))));
    cfg.log('5. shared context at 100 sessions');
    rows.push(...(await idleThenLoaded(cfg, (c) => measureContext(c, council, small.samplePaths, COUNTS.context))));

    const noBrowser = uiUnavailable();
    if (noBrowser) cfg.log(`6–7. SKIPPED the UI measurements: ${noBrowser}`);
    else {
      const ui = await startUi(cfg);
      try {
        cfg.log('6. board with 100 sessions in the browser: time until usable');
        rows.push(...(await idleThenLoaded(cfg, (c) => measureUiBoard(c, ui, council, small, COUNTS.uiBoardRounds))));
        cfg.log('6b. the attention list beside a session re-sorting on a status change, 20 sessions');
        rows.push(...(await idleThenLoaded(cfg, (c) => measureUiAttention(c, ui, council, quick ? 5 : 20))));
        cfg.log('7. edit → diff visible while 20 sessions are edited');
        rows.push(...(await idleThenLoaded(cfg, (c) => measureUiDiff(c, ui, council, small, COUNTS.uiDiff))));
        cfg.log('7b. the review diff of a session changing 300 files (one of 5,000 lines): open, scroll, highlight');
        const reviewed = await makeDiffSession(cfg);
        rows.push(...(await idleThenLoaded(cfg, (c) => measureDiff(c, ui, reviewed.council, reviewed.session, quick ? 3 : 9, quick ? 1 : SCROLL_PASSES))));
      } finally {
        await ui.close();
      }
    }

    cfg.log('8. a 10 MB agent output burst through the pty and pipe runners');
    rows.push(...(await idleThenLoaded(cfg, (c) => measureOutputBurst(c, COUNTS.burstRounds))));

    const scale = quick ? AGENTS_SCALE_QUICK : AGENTS_SCALE_FULL;
    cfg.log(`9. ${scale.agents} fake-agent sessions on ${scale.files.toLocaleString('en-US')} files, the browser host as the main process`);
    rows.push(...(await idleThenLoaded(cfg, (c) => measureAgentsScale(c, scale))));

    const radar = quick ? RADAR_QUICK : RADAR_FULL;
    cfg.log(`10. conflict radar: ${radar.sessions} sessions on ${radar.files.toLocaleString('en-US')} files`);
    rows.push(...(await idleThenLoaded(cfg, (c) => measureRadar(c, radar))));

    const merges = quick ? MERGE_QUICK : MERGE_FULL;
    cfg.log(`11. merge queue: ${merges.merges} merges × ${merges.rounds} vs raw git merge --no-ff`);
    rows.push(...(await idleThenLoaded(cfg, (c) => measureMerge(c, merges))));

    cfg.log('12. follow-up → the interactive agent has it; resuming a finished headless agent with one');
    rows.push(...(await idleThenLoaded(cfg, (c) => measureFollowUp(c, quick ? FOLLOW_UP_QUICK : FOLLOW_UP_FULL))));

    cfg.log("13. an agent's MCP tool round trip (council mcp, peers) with 100 sessions vs the same command in process");
    rows.push(...(await idleThenLoaded(cfg, (c) => measureMcp(c, quick ? MCP_QUICK : MCP_FULL))));

    cfg.log('14. the digest hook as a process at 100 sessions vs node -e 0, and the digest size');
    const digest = await digestWorld(cfg);
    rows.push(...(await idleThenLoaded(cfg, async (c) => measureDigestHook(c, digest.me, quick ? DIGEST_HOOK_QUICK : DIGEST_HOOK_FULL))));

    cfg.log('15. the conflict notice hook (after every tool call) as a process at 100 sessions vs node -e 0');
    rows.push(...(await idleThenLoaded(cfg, async (c) => measureNoticeHook(c, digest.me, quick ? NOTICE_HOOK_QUICK : NOTICE_HOOK_FULL))));

    const noSshd = sshdUnavailable();
    if (noSshd) cfg.log(`16. SKIPPED the remote-session measurements (no real sshd to stand for the host): ${noSshd}`);
    else {
      cfg.log('16. remote sessions over a real sshd: create on the host vs local, edit on the host → diff at home, the lock hook from the host');
      const world = await remoteWorld();
      try {
        rows.push(...(await idleThenLoaded(cfg, (c) => measureRemote(c, world, quick ? REMOTE_QUICK : REMOTE_FULL))));
      } finally {
        await world.stop();
      }
    }

    cfg.print(renderSummary(rows, [
      'pass/fail applies the targets above to the LOADED figures; "info" rows have no target of their own; "(miss)" marks an idle figure that missed',
      `load: ${LOAD_DESCRIPTION}`,
      `load average at the end: ${loadAverage()} (1 / 5 / 15 min; ${os.cpus().length} cpus)`,
      `whole run: ${((performance.now() - started) / 1000).toFixed(1)} s${strict ? ' (--strict: a FAIL exits 1)' : ' (exit 0 even on FAIL; pass --strict to make misses fail the run)'}`,
    ]));
  } finally {
    if (keep) cfg.log(`kept ${tmp} and ${home}`);
    else {
      rmSync(tmp, { recursive: true, force: true });
      rmSync(home, { recursive: true, force: true });
    }
  }
  const missed = rows.filter((r) => r.pass === false).length;
  return strict && missed > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
