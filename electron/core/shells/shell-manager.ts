import { accessSync, constants, existsSync } from 'node:fs';
import type { OutputChunk } from '../../../shared/agents';
import type { ShellInfo } from '../../../shared/shells';
import type { Session } from '../../../shared/models';
import type { Council } from '../council';
import { startAgentProcess, type AgentProcess } from '../agents/runner/agent-process';
import { sessionEnvironment } from '../sessions/bootstrap';

/**
 * A plain shell in a session's worktree, beside its agent's terminal (issue 14, item 2): the
 * user's $SHELL (else /bin/bash, else /bin/sh; %ComSpec% on Windows) in a pseudo-terminal, with
 * the worktree as its folder and the session's environment as the agent gets it (COUNCIL_SESSION_ID,
 * COUNCIL_REPO, COUNCIL_WORKTREE, COUNCIL_BRANCH, PORT), in this process. One per session; it
 * lives until it exits, is stopped, its session is removed, or the repository's owner closes
 * (the app quits, the browser host stops) — and takes every process it started with it.
 */

interface LiveShell {
  info: ShellInfo;
  process: AgentProcess;
  listeners: Set<(info: ShellInfo, chunk: OutputChunk) => void>;
  exitListeners: Set<(info: ShellInfo, exit: { code: number | null; signal: string | null }) => void>;
}

/** The shell program for this environment and platform. */
export function shellProgram(env: Record<string, string | undefined>, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return env.ComSpec || env.COMSPEC || 'cmd.exe';
  const executable = (file: string | undefined): file is string => {
    if (!file || !file.startsWith('/')) return false;
    try {
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (executable(env.SHELL)) return env.SHELL;
  return existsSync('/bin/bash') ? '/bin/bash' : '/bin/sh';
}

export class ShellManager {
  private readonly live = new Map<string, LiveShell>();
  private counter = 0;

  constructor(
    private readonly council: Council,
    private readonly options: { env?: Record<string, string | undefined>; cols?: number; rows?: number; onEnd?: (info: ShellInfo) => void } = {},
  ) {}

  private session(ref: string): Session {
    return this.council.session(ref);
  }

  /** The session's shell, if one runs. */
  get(ref: string): ShellInfo | null {
    return this.live.get(this.session(ref).id)?.info ?? null;
  }

  /** Starts the session's shell (the running one when there is one already). */
  async start(ref: string, size: { cols?: number; rows?: number } = {}): Promise<ShellInfo> {
    const session = this.session(ref);
    const running = this.live.get(session.id);
    if (running) return running.info;
    const user: Record<string, string> = {};
    for (const [key, value] of Object.entries(this.options.env ?? process.env)) if (typeof value === 'string') user[key] = value;
    const sessionEnv = await sessionEnvironment({ session, repoRoot: this.council.ws.repo.mainRoot });
    const env = { TERM: 'xterm-256color', ...user, ...sessionEnv, PWD: session.worktreePath };
    const program = shellProgram(env);
    // Another start may have won while the environment was made.
    const raced = this.live.get(session.id);
    if (raced) return raced.info;
    const proc = await startAgentProcess({ command: program, cwd: session.worktreePath, env, mode: 'pty', cols: size.cols ?? this.options.cols ?? 120, rows: size.rows ?? this.options.rows ?? 30 });
    const info: ShellInfo = { id: `${Date.now().toString(36)}${(++this.counter).toString(36)}`, sessionId: session.id, pid: proc.pid, program, cwd: session.worktreePath, startedAt: new Date().toISOString() };
    const shell: LiveShell = { info, process: proc, listeners: new Set(), exitListeners: new Set() };
    this.live.set(session.id, shell);
    proc.output.subscribe((chunk) => {
      for (const listener of shell.listeners) listener(info, chunk);
    });
    void proc.exited.then((exit) => {
      if (this.live.get(session.id) === shell) this.live.delete(session.id);
      for (const listener of shell.exitListeners) listener(info, exit);
      this.options.onEnd?.(info);
    });
    return info;
  }

  write(ref: string, data: string): boolean {
    const shell = this.live.get(this.session(ref).id);
    return shell ? shell.process.write(data) : false;
  }

  resize(ref: string, cols: number, rows: number): boolean {
    const shell = this.live.get(this.session(ref).id);
    return shell ? shell.process.resize(cols, rows) : false;
  }

  /** The scrollback so far and what follows (until `unsubscribe`); no shell: empty, and nothing follows. */
  attach(
    ref: string,
    onChunk: (info: ShellInfo, chunk: OutputChunk) => void,
    onExit?: (info: ShellInfo, exit: { code: number | null; signal: string | null }) => void,
  ): { shell: ShellInfo | null; seq: number; data: string; truncated: boolean; unsubscribe: () => void } {
    const shell = this.live.get(this.session(ref).id);
    if (!shell) return { shell: null, seq: 0, data: '', truncated: false, unsubscribe: () => undefined };
    shell.listeners.add(onChunk);
    if (onExit) shell.exitListeners.add(onExit);
    const snap = shell.process.output.snapshot();
    return {
      shell: shell.info,
      seq: snap.seq,
      data: snap.data,
      truncated: snap.truncated,
      unsubscribe: () => {
        shell.listeners.delete(onChunk);
        if (onExit) shell.exitListeners.delete(onExit);
      },
    };
  }

  /** Ends the session's shell and everything started in it; false when none ran. */
  async stop(ref: string | Session): Promise<boolean> {
    const id = typeof ref === 'string' ? this.session(ref).id : ref.id;
    return this.stopId(id);
  }

  /** By session id, for a session that may be gone from the registry already. */
  async stopId(sessionId: string): Promise<boolean> {
    const shell = this.live.get(sessionId);
    if (!shell) return false;
    this.live.delete(sessionId);
    // As when its window closes: a hang-up first (an interactive shell ignores SIGTERM, and passes
    // the hang-up on to its jobs), then the whole tree is ended.
    try {
      process.kill(shell.info.pid, 'SIGHUP');
    } catch {
      // already gone
    }
    await shell.process.stop({ graceMs: 500 });
    return true;
  }

  /** Ends every shell (the repository's owner closes). */
  async stopAll(): Promise<void> {
    await Promise.all([...this.live.keys()].map((id) => this.stopId(id)));
  }
}
