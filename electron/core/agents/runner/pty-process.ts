import { closeSync, constants, openSync } from 'node:fs';
import type { IPty } from 'node-pty';
import { DEFAULT_COLS, DEFAULT_ROWS, type AgentExit, type AgentProcess, type AgentProcessOptions, type StopOptions } from './agent-process';
import { signalName } from './exit-status';
import { findProgram } from './find-program';
import { OutputBuffer } from './output-buffer';
import { killTree } from './process-tree';

type NodePty = typeof import('node-pty');

let nodePty: Promise<NodePty> | null = null;

/**
 * node-pty is a native module: loaded on first use, so the CLI (which mostly takes locks and answers
 * hooks) never pays for it, and a missing or mis-built binary is an error of the interactive runner
 * only, not of everything that imports the core.
 */
function loadNodePty(): Promise<NodePty> {
  nodePty ??= import('node-pty').then(
    (mod: NodePty & { default?: NodePty }) => (typeof mod.spawn === 'function' ? mod : (mod.default as NodePty)),
    (err: unknown) => {
      nodePty = null;
      const reason = err instanceof Error ? err.message : String(err);
      throw new Error(`The terminal runner needs node-pty, which failed to load (reinstall or rebuild it: npm rebuild node-pty): ${reason}`);
    },
  );
  return nodePty;
}

export async function startPtyProcess(options: AgentProcessOptions): Promise<AgentProcess> {
  const program = findProgram(options.command, options.cwd, options.env);
  const pty = await loadNodePty();
  const output = new OutputBuffer({ ...options.output, ...(options.logFile === undefined ? {} : { logFile: options.logFile }) });
  let term: IPty;
  try {
    term = pty.spawn(program, [...(options.args ?? [])], {
      name: options.env.TERM ?? 'xterm-256color',
      cols: options.cols ?? DEFAULT_COLS,
      rows: options.rows ?? DEFAULT_ROWS,
      cwd: options.cwd,
      env: options.env,
      encoding: 'utf8',
    });
  } catch (err) {
    await output.close();
    throw err;
  }

  const slave = holdTerminalOpen(term);
  let running = true;
  term.onData((data) => {
    if (!output.isClosed) output.append(data);
  });
  // node-pty reports exit once the terminal is closed, or 200 ms after the process ended when
  // something (here: us, see holdTerminalOpen) still holds it; what was left has been read by then.
  const exited = new Promise<AgentExit>((resolve) => {
    term.onExit(({ exitCode, signal }) => {
      running = false;
      if (slave !== null) closeQuietly(slave);
      const status: AgentExit = signal ? { code: null, signal: signalName(signal) } : { code: exitCode, signal: null };
      void output.close().then(() => resolve(status));
    });
  });

  const linesUnsupported = (): never => {
    throw new Error('stdout and stderr lines exist only in pipe mode: a terminal merges them into what it shows');
  };
  return {
    mode: 'pty',
    pid: term.pid,
    program,
    output,
    exited,
    onStdoutLine: linesUnsupported,
    onStderrLine: linesUnsupported,
    write(data: string): boolean {
      if (!running) return false;
      term.write(data);
      return true;
    },
    endInput: () => false,
    resize(cols: number, rows: number): boolean {
      if (!running) return false;
      if (!isSize(cols) || !isSize(rows)) throw new Error(`a terminal size is two positive integers, got ${cols} × ${rows}`);
      term.resize(cols, rows);
      return true;
    },
    async stop(stop: StopOptions = {}): Promise<AgentExit> {
      await killTree(term.pid, stop.graceMs === undefined ? {} : { graceMs: stop.graceMs });
      return exited;
    },
  };
}

/**
 * Keeps the terminal's other end (the agent's side) open in this process until node-pty reports
 * the exit. Without it, on Linux, the last output of an agent that exits right after printing a lot
 * can be lost: measured under CPU load, 5 to 9 KB missing at the end of a 5 MB burst in 6 runs out
 * of 15, the stream having ended normally (an end of file, not an error) with output still unread.
 * The likely cause: when the agent closes its side the master reports POLLHUP while the kernel
 * still holds output behind the terminal's 4 KB read buffer, and libuv takes POLLHUP after a short
 * read for the end of the stream (uv__stream_io). With our copy open there is no hang-up, reading
 * goes on, and node-pty ends the stream 200 ms after the process exited (its own fallback for a
 * terminal something else still holds). Returns the descriptor to close at exit, or null where
 * this is not done (other platforms: not measured there) or not possible.
 */
function holdTerminalOpen(term: IPty): number | null {
  const name = (term as IPty & { ptsName?: unknown }).ptsName;
  if (process.platform !== 'linux' || typeof name !== 'string') return null;
  try {
    // Write-only, so it never takes keystrokes meant for the agent; no controlling terminal for us.
    return openSync(name, constants.O_WRONLY | constants.O_NOCTTY);
  } catch {
    return null;
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Already closed: nothing is held any more, which is all we want.
  }
}

const isSize = (n: number): boolean => Number.isInteger(n) && n > 0 && n <= 0xffff;
