import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { copyIncludedFiles } from '../sessions/bootstrap';
import { runSetupCommand } from '../sessions/setup-command';
import type { Workspace } from '../workspace';
import { gateLogFile } from './queue-store';
import { gateFailureLine } from './gate-summary';

/**
 * The gate: the user's command (tests, a build, a linter) run on the merged result before the base
 * moves, in a scratch worktree checked out at the candidate commit. It goes through the same runner
 * as the setup command (a shell, the settings' timeout, the whole process tree stopped on timeout).
 * Its whole output is kept in `gate-logs/<entry>.log`, written as it arrives, so the log of a gate
 * that hangs or a process that dies is there to read.
 */

export interface GateOutcome {
  passed: boolean;
  exitCode: number | null;
  timedOut: boolean;
  log: string;
  /** Why it did not pass, in words (null when it passed). */
  reason: string | null;
  durationMs: number;
}

export interface GateRun {
  ws: Workspace;
  entryId: string;
  sessionId: string;
  command: string;
  baseBranch: string;
  candidate: string;
  /** The scratch worktree at the candidate. */
  worktree: string;
  onOutput?: (text: string) => void;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;

export async function runGate(run: GateRun): Promise<GateOutcome> {
  const { ws } = run;
  const settings = ws.settings();
  const log = gateLogFile(ws, run.entryId);
  mkdirSync(ws.paths.gateLogs, { recursive: true });
  writeFileSync(log, `$ ${run.command}\n# merge queue entry ${run.entryId}, session ${run.sessionId}: candidate ${run.candidate} for ${run.baseBranch}, in ${run.worktree}\n`);
  // The same untracked files a new session gets (.env and friends); best effort.
  try {
    await copyIncludedFiles(ws.repo.mainRoot, run.worktree, settings.worktreeInclude);
  } catch (err) {
    appendFileSync(log, `# could not copy the .worktreeinclude files: ${err instanceof Error ? err.message : String(err)}\n`);
  }
  const timeoutMs = settings.gateTimeoutSeconds * 1000;
  const result = await runSetupCommand({
    command: run.command,
    cwd: run.worktree,
    timeoutMs,
    env: {
      COUNCIL_MERGE_ENTRY: run.entryId,
      COUNCIL_MERGE_SESSION: run.sessionId,
      COUNCIL_MERGE_BASE: run.baseBranch,
      COUNCIL_MERGE_CANDIDATE: run.candidate,
    },
    onOutput: (text) => {
      appendFileSync(log, text);
      run.onOutput?.(text);
    },
  });
  const passed = !result.timedOut && result.exitCode === 0;
  const how = result.timedOut
    ? `timed out after ${seconds(result.timeoutMs)} and was stopped, with everything it started`
    : result.exitCode !== null
      ? `exited with code ${result.exitCode} after ${seconds(result.durationMs)}`
      : `was killed by ${result.signal ?? 'a signal'} after ${seconds(result.durationMs)}`;
  appendFileSync(log, `\n# the gate ${how}\n`);
  const failure = passed ? '' : gateFailureLine(result.output);
  const reason = passed ? null : `the gate "${run.command}" ${how}${failure ? `: ${failure.slice(0, 300)}` : ''}; its log is ${log}`;
  return { passed, exitCode: result.exitCode, timedOut: result.timedOut, log, reason, durationMs: result.durationMs };
}
