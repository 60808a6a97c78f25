import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MERGE_STRATEGIES, type QueueEntry } from '../../shared/merge';
import { Council } from '../../electron/core/council';
import { MergeQueue } from '../../electron/core/merge/index';
import { readJournal } from '../../electron/core/merge/journal';
import { ageLocksOfDeadHolder, fsck, scratchWorktrees } from '../helpers/merge-crash';
import { mergeRepo, treeContents, workIn, type WorkedSession } from '../helpers/merge-fixtures';
import { groupGone } from '../helpers/lifecycle-loop';
import { gitSync } from '../helpers/repo';
import { workerPath } from '../helpers/workers';

/**
 * Layer 2, the crash loop: a real process runs the merge queue (sessions with every strategy, some
 * with a gate, the base checked out in the main checkout) and is killed with SIGKILL at random
 * moments, again and again; a new one takes over each time. The git commands it had started are
 * left to finish on their own, as they do when an app crashes. After EVERY kill: the repository is
 * sound (git fsck), the base is a commit the queue meant it to be (the old base or an entry's
 * result, along the recorded chain), and every commit any session ever had is reachable from its
 * branch or the base. At the end everything is merged, with exactly the expected content.
 *
 * COUNCIL_MERGE_CRASH_KILLS (default 20) sets how many kills; COUNCIL_MERGE_CRASH_MAX_MS (default
 * 400) the longest random delay after the process has started before it is killed.
 */

const KILLS = Number(process.env.COUNCIL_MERGE_CRASH_KILLS ?? 20);
const MAX_DELAY_MS = Number(process.env.COUNCIL_MERGE_CRASH_MAX_MS ?? 400);
const BATCH = 4;
const FILES = 200;

interface Running {
  child: ChildProcess;
  started: Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

const running: ChildProcess[] = [];
afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null && child.signalCode === null && child.pid) killGroup(child.pid);
});

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** The worker in a process group of its own, so that the git commands it leaves behind can be waited for. */
function startRunner(root: string): Running {
  const child = spawn(process.execPath, [workerPath('merge-queue-run'), root], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(child);
  let stdout = '';
  let stderr = '';
  let onStarted: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (onStarted = resolve));
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString();
    if (stdout.includes('started ')) onStarted();
  });
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => {
      onStarted();
      resolve({ code, signal, stdout, stderr });
    }),
  );
  return { child, started, exited };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('the merge queue killed at random moments', () => {
  it(`survives ${KILLS} SIGKILLs: after each the base is an expected commit and nothing is lost; in the end all is merged`, async () => {
    const repo = mergeRepo(FILES);
    const root = repo.root;
    const council = Council.open(root);
    const queue = new MergeQueue(council.ws);
    const base0 = gitSync(root, 'rev-parse', 'main');
    const expected = treeContents(root, 'main');
    const worked: WorkedSession[] = [];
    const addBatch = async (): Promise<void> => {
      for (let k = 0; k < BATCH; k++) {
        const i = worked.length;
        if (i >= FILES) throw new Error('the fixture ran out of files: raise FILES');
        const [session] = await council.createSessions({ task: `crash loop task ${i}` });
        if (!session) throw new Error('no session');
        const w = workIn(session, i, 1 + (i % 3));
        worked.push(w);
        Object.assign(expected, w.files);
        await queue.enqueue(session.id, { strategy: MERGE_STRATEGIES[i % 3], gate: i % 4 === 0 ? 'test -f README.md' : null });
      }
    };
    await addBatch();
    await addBatch();

    /** The base's history as the queue made it: base0, then each entry's result in turn. */
    const chain = [base0];
    const seen = new Set<string>();
    const check = (when: string): void => {
      expect(fsck(root), `git fsck after ${when}`).toBe('');
      const base = gitSync(root, 'rev-parse', 'main');
      const entries = queue.list();
      // Follow the recorded moves from the last base we saw to the current one.
      const byBefore = new Map<string, QueueEntry>();
      for (const e of entries) if ((e.state === 'merging' || e.state === 'merged') && e.baseBefore && e.resultCommit && e.baseBefore !== e.resultCommit) byBefore.set(e.baseBefore, e);
      while (chain[chain.length - 1] !== base) {
        const from = chain[chain.length - 1] as string;
        const edge = byBefore.get(from);
        expect(edge, `after ${when} the base is ${base}, which no recorded merge from ${from} leads to`).toBeDefined();
        if (!edge?.resultCommit) break;
        if (edge.strategy === 'rebase') {
          expect(gitSync(root, 'merge-base', from, edge.resultCommit)).toBe(from);
          expect(gitSync(root, 'rev-list', '--min-parents=2', `${from}..${edge.resultCommit}`)).toBe('');
        } else {
          expect(gitSync(root, 'rev-parse', `${edge.resultCommit}^1`)).toBe(from);
        }
        chain.push(edge.resultCommit);
      }
      // Nothing any session ever committed is lost: reachable from its branch or the base.
      const branches = worked.map((w) => w.session.branch);
      for (const sha of gitSync(root, 'rev-list', ...branches, '--not', base0).split('\n').filter(Boolean)) seen.add(sha);
      const reachable = new Set(gitSync(root, 'rev-list', 'main', ...branches).split('\n'));
      const lost = [...seen].filter((sha) => !reachable.has(sha));
      expect(lost, `commits lost after ${when}`).toEqual([]);
    };

    let kills = 0;
    let runs = 0;
    for (;;) {
      runs++;
      const runner = startRunner(root);
      if (kills < KILLS) {
        await runner.started;
        const delay = Math.floor(Math.random() * MAX_DELAY_MS);
        const outcome = await Promise.race([runner.exited.then(() => 'exited' as const), sleep(delay).then(() => 'timer' as const)]);
        if (outcome === 'timer') {
          runner.child.kill('SIGKILL');
          const exit = await runner.exited;
          // It may have finished on its own in the instant before the kill: then it must have succeeded.
          const killed = exit.signal === 'SIGKILL';
          expect(killed || exit.code === 0, `neither killed nor a clean exit (${exit.code} ${exit.signal}): ${exit.stderr}`).toBe(true);
          await groupGone(runner.child.pid as number);
          if (killed) kills++;
          if (process.env.COUNCIL_MERGE_CRASH_TRACE) process.stderr.write(`kill ${kills}: last ${/(step \S+)[^\n]*\n?$/.exec(exit.stdout)?.[1] ?? 'nothing'}\n`);
          check(`kill ${kills} (${delay} ms after start)`);
          ageLocksOfDeadHolder(council.ws);
        } else {
          const exit = await runner.exited;
          expect(exit.code, exit.stderr).toBe(0);
          check(`run ${runs}, which drained the queue`);
        }
        if (!queue.hasWork() && !readJournal(council.ws)) await addBatch();
        continue;
      }
      const exit = await runner.exited;
      expect(exit.code, exit.stderr).toBe(0);
      expect(exit.stdout).toContain('drained');
      check('the last run');
      break;
    }

    expect(kills).toBeGreaterThanOrEqual(KILLS);
    const entries = queue.list();
    expect(entries).toHaveLength(worked.length);
    expect(entries.filter((e) => e.state !== 'merged').map((e) => [e.id, e.state, e.reason])).toEqual([]);
    // One recorded move per entry, from base0 to the current base.
    expect(chain).toHaveLength(worked.length + 1);
    expect(chain[chain.length - 1]).toBe(gitSync(root, 'rev-parse', 'main'));
    expect(treeContents(root, 'main')).toEqual(expected);
    // The main checkout followed the base and holds nothing else.
    expect(gitSync(root, 'status', '--porcelain', '--untracked-files=all')).toBe('');
    for (const [file, content] of Object.entries(expected)) expect(readFileSync(path.join(root, file), 'utf8')).toBe(content);
    expect(readJournal(council.ws)).toBeNull();
    expect(scratchWorktrees(council.ws)).toEqual([]);
    expect(fsck(root)).toBe('');
  }, Math.max(240_000, KILLS * 8_000));
});
