import path from 'node:path';
import type { OutputBuffer, OutputBufferOptions } from './output-buffer';
import { startPipeProcess } from './pipe-process';
import { startPtyProcess } from './pty-process';

/**
 * One agent program running in a session's worktree, in one of two ways:
 * - `pty`: in a pseudo-terminal (interactive runs; what the user sees and types into), via node-pty;
 * - `pipe`: with stdout and stderr as pipes (headless runs whose structured output we parse), and
 *   stdin closed unless asked for, like `</dev/null`: Codex waits for an open stdin to end.
 * Either way the agent leads its own session and process group, its output goes through an
 * OutputBuffer (and optionally a log file), and `stop()` ends it with everything it started.
 */

export type AgentProcessMode = 'pty' | 'pipe';

export interface AgentProcessOptions {
  /** A name looked up on `env.PATH`, or a path (relative ones from `cwd`). */
  command: string;
  args?: readonly string[];
  cwd: string;
  /** The agent's whole environment (nothing else is inherited). */
  env: Record<string, string>;
  mode: AgentProcessMode;
  /** pty: the terminal's size. Default 120 × 30. */
  cols?: number;
  rows?: number;
  /** pipe: `ignore` (default) gives the agent an empty, closed stdin; `pipe` lets `write` feed it. */
  stdin?: 'ignore' | 'pipe';
  /**
   * pipe: whether stdout and stderr text go into `output` (default true). With false, `output`
   * holds only what the caller appends: for headless runs that show events rendered from the
   * parsed lines instead of raw JSON.
   */
  rawOutput?: boolean;
  /** Batching and retention of the output (see OutputBuffer). */
  output?: Omit<OutputBufferOptions, 'logFile'>;
  /** A file that gets all output as it is flushed, for other processes to show or follow. */
  logFile?: string;
}

export interface AgentExit {
  /** The exit status; null when a signal ended it. */
  code: number | null;
  /** The signal's name (`SIGKILL`, …) when one ended it. */
  signal: string | null;
}

export interface StopOptions {
  /** Time between SIGTERM and SIGKILL for the whole process tree. Default 3000 ms. */
  graceMs?: number;
}

export interface AgentProcess {
  readonly mode: AgentProcessMode;
  /** The agent's pid, which is also its process group and session id. */
  readonly pid: number;
  /** The absolute path of the program that was started. */
  readonly program: string;
  /** pty: what the terminal shows; pipe: stdout and stderr text as they arrive (unless `rawOutput: false`). */
  readonly output: OutputBuffer;
  /**
   * pipe only: complete lines of stdout / stderr without their newline; the unfinished last line
   * comes at exit. Lines are not kept: subscribe right after start, before awaiting anything else.
   * Throws in pty mode (a terminal has neither, only what it shows).
   */
  onStdoutLine(fn: (line: string) => void): () => void;
  onStderrLine(fn: (line: string) => void): () => void;
  /** pty: keystrokes; pipe: stdin when opened with `stdin: 'pipe'`. False when there is nowhere to write. */
  write(data: string): boolean;
  /** pipe with `stdin: 'pipe'`: closes stdin (end of input). False when there was nothing to close. */
  endInput(): boolean;
  /** pty: resizes the terminal (the agent gets SIGWINCH). False in pipe mode or after exit. */
  resize(cols: number, rows: number): boolean;
  /** Ends the agent and every process it started (SIGTERM, then SIGKILL after the grace period). */
  stop(options?: StopOptions): Promise<AgentExit>;
  /**
   * Settles when the agent has exited and its output is complete: the last chunk flushed, the last
   * lines passed, the log file written. Never rejects.
   */
  readonly exited: Promise<AgentExit>;
}

export const DEFAULT_COLS = 120;
export const DEFAULT_ROWS = 30;

/**
 * Starts the agent. Rejects with a not-found error naming the program when it is not there (or
 * naming the working folder when that is missing), before anything is spawned.
 */
export function startAgentProcess(options: AgentProcessOptions): Promise<AgentProcess> {
  const started = { ...options, env: withPwd(options.env, options.cwd) };
  return started.mode === 'pty' ? startPtyProcess(started) : startPipeProcess(started);
}

/**
 * The environment with `PWD` set to the folder the program starts in. A shell sets PWD for what it
 * runs; a spawn does not, so a child would inherit the parent's PWD (the folder council was started
 * from, often the main checkout) — and opencode takes its working folder from PWD, not from its
 * process's cwd: it wrote into the main checkout (issue 12, item 10).
 */
export function withPwd(env: Record<string, string>, cwd: string): Record<string, string> {
  return { ...env, PWD: path.resolve(cwd) };
}
