import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { AgentExit, AgentProcess, AgentProcessOptions, StopOptions } from './agent-process';
import { findProgram, ProgramNotFoundError } from './find-program';
import { LineSplitter } from './line-splitter';
import { OutputBuffer } from './output-buffer';
import { killTree } from './process-tree';

/**
 * After the agent exits we read its stdout and stderr to their end. Normally that comes at once,
 * but a background process it left behind may hold them open (and even keep printing), and the run
 * must still end: we stop once nothing came for DRAIN_IDLE_MS, or at the latest DRAIN_LIMIT_MS
 * after the exit. (node-pty does the same for a terminal, with 200 ms.)
 */
const DRAIN_IDLE_MS = 100;
const DRAIN_LIMIT_MS = 2000;

type LineListener = (line: string) => void;

export async function startPipeProcess(options: AgentProcessOptions): Promise<AgentProcess> {
  const program = findProgram(options.command, options.cwd, options.env);
  const child = spawn(program, [...(options.args ?? [])], {
    cwd: options.cwd,
    env: options.env,
    // Its own session and process group, so stopping it reaches everything it started.
    detached: true,
    stdio: [options.stdin === 'pipe' ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    // Also the listener for any later error (a failed kill, say), which must not crash the host.
    child.on('error', (err: NodeJS.ErrnoException) => {
      reject(err.code === 'ENOENT' ? new ProgramNotFoundError(options.command) : err);
    });
  });
  const { stdout, stderr } = child as ChildProcess & { stdout: Readable; stderr: Readable };
  const pid = child.pid as number;

  const output = new OutputBuffer({ ...options.output, ...(options.logFile === undefined ? {} : { logFile: options.logFile }) });
  const stdoutListeners = new Set<LineListener>();
  const stderrListeners = new Set<LineListener>();
  const stdoutLines = new LineSplitter((line) => stdoutListeners.forEach((fn) => fn(line)));
  const stderrLines = new LineSplitter((line) => stderrListeners.forEach((fn) => fn(line)));
  const raw = options.rawOutput ?? true;
  const read = (stream: Readable, lines: LineSplitter): Promise<void> => {
    // setEncoding keeps a character split across two reads whole.
    stream.setEncoding('utf8');
    stream.on('data', (text: string) => {
      if (raw) output.append(text);
      lines.push(text);
    });
    return new Promise((resolve) => {
      stream.once('end', resolve).once('close', resolve).once('error', () => resolve());
    });
  };
  const streamsEnded = Promise.all([read(stdout, stdoutLines), read(stderr, stderrLines)]);
  // Writing to an agent that has gone gives EPIPE: the exit tells that story, not a crash here.
  child.stdin?.on('error', () => {});

  let running = true;
  const exited = new Promise<AgentExit>((resolve) => {
    child.once('exit', (code, signal) => {
      running = false;
      void drain([stdout, stderr], streamsEnded).then(async () => {
        stdout.destroy();
        stderr.destroy();
        child.stdin?.destroy();
        try {
          stdoutLines.end();
          stderrLines.end();
        } finally {
          // Even when a line listener throws (its bug, left to surface), the run has ended.
          await output.close();
          resolve({ code, signal });
        }
      });
    });
  });

  const subscribe = (set: Set<LineListener>) => (fn: LineListener) => {
    set.add(fn);
    return () => {
      set.delete(fn);
    };
  };
  return {
    mode: 'pipe',
    pid,
    program,
    output,
    exited,
    onStdoutLine: subscribe(stdoutListeners),
    onStderrLine: subscribe(stderrListeners),
    write(data: string): boolean {
      const stdin = child.stdin;
      if (!running || !stdin || stdin.writableEnded || stdin.destroyed) return false;
      stdin.write(data);
      return true;
    },
    endInput(): boolean {
      const stdin = child.stdin;
      if (!stdin || stdin.writableEnded || stdin.destroyed) return false;
      stdin.end();
      return true;
    },
    resize: () => false,
    async stop(stop: StopOptions = {}): Promise<AgentExit> {
      await killTree(pid, stop.graceMs === undefined ? {} : { graceMs: stop.graceMs });
      return exited;
    },
  };
}

/**
 * Resolves when the streams have ended, or have been quiet for DRAIN_IDLE_MS, or DRAIN_LIMIT_MS
 * have passed. "Quiet" is checked after one more turn of the event loop's I/O phase (setImmediate
 * runs after it): when this process was not scheduled for a while, timers fire before the reads
 * that are waiting, and output that was there all along would be cut off.
 */
function drain(streams: readonly Readable[], ended: Promise<unknown>): Promise<void> {
  return new Promise((resolve) => {
    let reads = 0;
    const onData = (): void => {
      reads++;
    };
    let idle: NodeJS.Timeout | undefined;
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      clearTimeout(idle);
      clearTimeout(limit);
      for (const s of streams) s.off('data', onData);
      resolve();
    };
    const arm = (): void => {
      const seen = reads;
      idle = setTimeout(() => setImmediate(() => (done ? undefined : reads === seen ? finish() : arm())), DRAIN_IDLE_MS);
    };
    const limit = setTimeout(finish, DRAIN_LIMIT_MS);
    for (const s of streams) s.on('data', onData);
    void ended.then(finish);
    arm();
  });
}
