import { describe, expect, it } from 'vitest';
import { runLifecycleCrashLoop } from '../helpers/lifecycle-loop';
import { formatLoopReport } from '../helpers/lifecycle-report';
import { OP_KINDS } from '../helpers/lifecycle-world';

/**
 * Layer 2, the lifecycle crash loop (issue 6, item 1), small: real `council` commands — session
 * create (--count 1–3), remove (refusing when there is work), remove --force (archiving it),
 * cleanup, merge --wait — each SIGKILLed with its process group at a random moment inside it. After
 * every run the crash checker (tests/helpers/crash-checker.ts) recovers the repository as a
 * restarted app does and proves: the base is the old or a recorded new commit, git fsck is clean,
 * every session commit and every piece of uncommitted work is kept, the registry matches `git
 * worktree list` exactly, and no lock is wedged or owned by a session that is gone.
 *
 * COUNCIL_CRASH_KILLS (default 10) sets the number of kills; the full count runs from
 * `npx tsx scripts/reliability/crash-loop.ts --kills 120`. COUNCIL_CRASH_TRACE=1 logs every run.
 */

const KILLS = Number(process.env.COUNCIL_CRASH_KILLS ?? 10);

describe('session lifecycle commands killed at random moments', () => {
  it(`survive ${KILLS} SIGKILLs: nothing lost, wedged or left behind after each`, async () => {
    const result = await runLifecycleCrashLoop({
      kills: KILLS,
      files: 200,
      calibrationRuns: 1,
      stopOnFailure: true,
      log: process.env.COUNCIL_CRASH_TRACE ? (line) => process.stderr.write(`${line}\n`) : undefined,
    });
    console.log(formatLoopReport(result));
    const failed = result.runs.filter((r) => r.violations.length > 0).map((r) => ({ run: r.index, op: r.op, note: r.note, killed: r.killed, ranMs: r.ranMs, violations: r.violations }));
    expect(failed).toEqual([]);
    const killed = result.runs.filter((r) => r.killed);
    expect(killed.length).toBeGreaterThanOrEqual(KILLS);
    // Every kind of command was killed (the loop picks the kind killed least so far).
    const perKind = Object.fromEntries(OP_KINDS.map((k) => [k, killed.filter((r) => r.op === k).length]));
    const floor = Math.max(0, Math.floor(KILLS / OP_KINDS.length) - 1);
    for (const kind of OP_KINDS) expect(perKind[kind], `kills during ${kind}`).toBeGreaterThanOrEqual(floor);
  }, 30_000 + KILLS * 15_000);
});
