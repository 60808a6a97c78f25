import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import type { AgentExit, AgentProcess, StopOptions } from '../agents/runner/agent-process';
import { OutputBuffer } from '../agents/runner/output-buffer';
import type { AttachFrame, AttachSpec } from './remote-detached';
import { Reconnector, type BackoffOptions, type Link, type LinkState } from './reconnect';
import type { RunSpec } from './remote-side';
import { connectionError } from './ssh';

/**
 * A remote agent as home follows it (issue 17, item 4): an AgentProcess (what the manager runs and
 * parses) made of `ssh HOST remote.cjs attach` connections. The agent runs detached on the host
 * (remote-detached.ts); each attach streams its output from the offsets home has, as whole lines,
 * so a dropped connection loses nothing and repeats nothing. A drop is told through `onLink`
 * (the run shows disconnected) and the link is made again with backoff (reconnect.ts); the process
 * "exits" when the host says the agent ended (or was lost). The first connection failing is the
 * run failing, with ssh's error in words.
 */

export interface Offsets {
  out: number;
  err: number;
}

export interface RemoteAttachOptions {
  host: string;
  /** ssh's argv (without `ssh`) for one attach (its own forward, `remote.cjs attach`), and where that forward lands. */
  connection(): { sshArgs: string[]; authority?: AttachSpec['authority'] };
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** The run's folder on the host. */
  dir: string;
  /** The agent to start there (sent on every attach: the host starts it once). Null: reattach only. */
  start: RunSpec | null;
  offsets?: Offsets;
  logFile: string;
  /** Each time more output has been taken (to keep the offsets across a restart of home). */
  onOffsets?(offsets: Offsets): void;
  onLink(state: LinkState): void;
  /** A stop asked by another process (its `.stop` marker): sent to the host on the next attach. */
  stopRequested?(): boolean;
  backoff?: BackoffOptions;
  /** A reattach after home restarted: the first attempt failing is a wait, not the end. */
  reattach?: boolean;
}

type LineListener = (line: string) => void;

export interface RemoteProcess extends AgentProcess {
  readonly link: LinkState;
  /**
   * Home lets go (it is closing) without stopping the agent: no more attaching, the connection
   * closed; `exited` never settles. The next home to open the repository reattaches.
   */
  release(): Promise<void>;
}

export function attachRemote(options: RemoteAttachOptions): Promise<RemoteProcess> {
  const output = new OutputBuffer({ logFile: options.logFile });
  const outListeners = new Set<LineListener>();
  const errListeners = new Set<LineListener>();
  const offsets: Offsets = { ...(options.offsets ?? { out: 0, err: 0 }) };
  let child: ChildProcessWithoutNullStreams | null = null;
  let stopWanted = false;
  /** Let go (release): what still comes in is neither shown nor counted, so the next home streams it from the offsets kept. */
  let released = false;
  let exit: AgentExit | null = null;
  let resolveExited!: (exit: AgentExit) => void;
  const exited = new Promise<AgentExit>((resolve) => (resolveExited = resolve));

  const sendStop = (): void => {
    child?.stdin.write('stop\n');
  };
  const wantsStop = (): boolean => stopWanted || options.stopRequested?.() === true;

  const connect = (): Link => {
    const how = options.connection();
    const ssh = spawn('ssh', how.sshArgs, { env: options.env, cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    child = ssh;
    let isUp = false;
    let finished = false;
    let sshSaid = '';
    let resolveUp!: () => void;
    let rejectUp!: (err: Error) => void;
    const up = new Promise<void>((resolve, reject) => {
      resolveUp = resolve;
      rejectUp = reject;
    });
    up.catch(() => undefined);
    const spec: AttachSpec = { dir: options.dir, out: offsets.out, err: offsets.err, ...(options.start ? { start: options.start } : {}), ...(how.authority ? { authority: how.authority } : {}) };
    ssh.stdin.on('error', () => undefined);
    ssh.stdin.write(`${JSON.stringify(spec)}\n`);
    let pending: Buffer = Buffer.alloc(0);
    const onFrame = (frame: AttachFrame): void => {
      switch (frame.k) {
        case 'attached':
          isUp = true;
          resolveUp();
          if (wantsStop()) sendStop();
          return;
        case 'o':
          if (frame.n <= offsets.out) return; // already had it
          offsets.out = frame.n;
          for (const fn of outListeners) fn(frame.t);
          return;
        case 'e':
          if (frame.n <= offsets.err) return;
          offsets.err = frame.n;
          for (const fn of errListeners) fn(frame.t);
          return;
        case 'ended':
          finished = true;
          exit = { code: frame.code, signal: frame.signal };
          ssh.stdin.write('done\n');
          return;
        case 'lost':
          finished = true;
          exit = { code: null, signal: null };
          for (const fn of errListeners) fn(`council: on ${options.host}: ${frame.reason}`);
          ssh.stdin.end();
          return;
      }
    };
    ssh.stdout.on('data', (chunk: Buffer) => {
      // After a release its output is closed: a line taken now would be lost and its offset kept.
      if (released) return;
      const all = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      let start = 0;
      let nl: number;
      while ((nl = all.indexOf(10, start)) !== -1) {
        const line = all.subarray(start, nl).toString('utf8');
        start = nl + 1;
        let frame: AttachFrame;
        try {
          frame = JSON.parse(line) as AttachFrame;
        } catch {
          continue; // not ours (a login banner)
        }
        onFrame(frame);
      }
      pending = Buffer.from(all.subarray(start));
      options.onOffsets?.({ ...offsets });
    });
    ssh.stderr.setEncoding('utf8').on('data', (d: string) => {
      sshSaid = (sshSaid + d).slice(-4000);
    });
    const closed = new Promise<{ finished: boolean; error: string | null }>((resolve) => {
      ssh.once('error', (err) => {
        rejectUp(err);
        resolve({ finished: false, error: err.message });
      });
      ssh.once('close', (code) => {
        if (child === ssh) child = null;
        const failed = connectionError(options.host, { code, stdout: '', stderr: sshSaid });
        const error = failed?.message ?? (finished ? null : `the connection to ${options.host} closed${sshSaid.trim() ? `: ${sshSaid.trim().split('\n').pop() ?? ''}` : ` (ssh exit ${code ?? 'by a signal'})`}`);
        if (!isUp) rejectUp(new Error(error ?? `could not attach on ${options.host}`));
        resolve({ finished, error });
      });
    });
    return { up, closed };
  };

  let link: LinkState = { connected: false, droppedAt: null, attempt: 0, nextAttemptAt: null, error: null };
  const reconnector = new Reconnector({
    connect,
    onState: (state) => {
      link = state;
      options.onLink(state);
    },
    failFirst: options.reattach !== true,
    ...(options.backoff ? { backoff: options.backoff } : {}),
  });
  const end = (value: AgentExit): void => {
    if (released) return;
    void output.close().then(() => resolveExited(value));
  };
  void reconnector.run().then(
    () => end(exit ?? { code: null, signal: 'SIGKILL' }),
    (err: Error) => {
      for (const fn of errListeners) fn(err.message);
      end({ code: 255, signal: null });
    },
  );

  const proc: RemoteProcess = {
    mode: 'pipe',
    get pid() {
      return child?.pid ?? 0;
    },
    program: 'ssh',
    output,
    get link() {
      return link;
    },
    onStdoutLine(fn) {
      outListeners.add(fn);
      return () => outListeners.delete(fn);
    },
    onStderrLine(fn) {
      errListeners.add(fn);
      return () => errListeners.delete(fn);
    },
    write(data) {
      if (data.trim() !== 'stop') return false;
      stopWanted = true;
      sendStop();
      return true;
    },
    async release() {
      released = true;
      reconnector.cancel();
      child?.kill('SIGTERM');
      await output.close();
    },
    endInput: () => false,
    resize: () => false,
    async stop(stopOptions: StopOptions = {}) {
      stopWanted = true;
      sendStop();
      const grace = (stopOptions.graceMs ?? 3000) + 5000;
      const timer = setTimeout(() => {
        // The host cannot be reached to stop it: home stops following; the agent there is not known to have stopped.
        for (const fn of errListeners) fn(`council: ${options.host} could not be reached to stop the agent there; it may still run in ${options.dir}`);
        reconnector.cancel();
        child?.kill('SIGTERM');
      }, grace);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
    exited,
  };
  return Promise.resolve(proc);
}
