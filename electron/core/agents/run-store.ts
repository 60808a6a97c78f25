import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AgentEventSchema, AgentRunSchema, LIVE_RUN_STATES, type AgentEvent, type AgentRun } from '../../../shared/agents';
import { CouncilError } from '../errors';
import { readJsonOrNull, withMutex, writeJson } from '../state/json-store';
import { isAlive } from './runner/process-tree';
import type { StatePaths } from '../state/paths';

/**
 * Agent runs on disk, shared by every process: one record per run (`runs/<session>.<run>.json`,
 * written atomically), its output log (`.log`: what its terminal showed, so any process can show
 * or follow it) and its normalized events (`.events.jsonl`, appended). A run is written by the
 * one process that hosts it; others only read, or ask it to stop (a `.stop` marker plus a signal).
 */

export class RunStore {
  constructor(private readonly paths: StatePaths) {}

  private base(sessionId: string, runId: string): string {
    return path.join(this.paths.runs, `${sessionId}.${runId}`);
  }

  recordFile(run: Pick<AgentRun, 'sessionId' | 'id'>): string {
    return `${this.base(run.sessionId, run.id)}.json`;
  }

  logFile(run: Pick<AgentRun, 'sessionId' | 'id'>): string {
    return `${this.base(run.sessionId, run.id)}.log`;
  }

  eventsFile(run: Pick<AgentRun, 'sessionId' | 'id'>): string {
    return `${this.base(run.sessionId, run.id)}.events.jsonl`;
  }

  private stopFile(run: Pick<AgentRun, 'sessionId' | 'id'>): string {
    return `${this.base(run.sessionId, run.id)}.stop`;
  }

  /** Web Crypto's getRandomValues, not node:crypto's randomBytes: importing node:crypto costs ~5 ms
   * of start-up in every process that loads this module, the lock hook's included. */
  newId(): string {
    return Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(5))).toString('hex');
  }

  write(run: AgentRun): AgentRun {
    mkdirSync(this.paths.runs, { recursive: true });
    writeJson(this.recordFile(run), AgentRunSchema.parse(run), 'rename-only');
    return run;
  }

  /** Changes a record under its mutex (the host and a reconciling process may both write). */
  async update(run: Pick<AgentRun, 'sessionId' | 'id'>, change: (current: AgentRun) => AgentRun): Promise<AgentRun> {
    const file = this.recordFile(run);
    return withMutex(file, () => {
      const current = readJsonOrNull(file, AgentRunSchema);
      if (!current) throw new CouncilError('not-found', `run ${run.id} of session ${run.sessionId} has no record`);
      return this.write(change(current));
    });
  }

  get(sessionId: string, runId: string): AgentRun | null {
    return readJsonOrNull(this.recordFile({ sessionId, id: runId }), AgentRunSchema);
  }

  /** A session's runs, newest first. */
  list(sessionId: string): AgentRun[] {
    return this.scan((name) => name.startsWith(`${sessionId}.`));
  }

  /** The newest run of every session that has one. */
  latestPerSession(): AgentRun[] {
    const latest = new Map<string, AgentRun>();
    for (const run of this.scan(() => true)) if (!latest.has(run.sessionId)) latest.set(run.sessionId, run);
    return [...latest.values()];
  }

  latest(sessionId: string): AgentRun | null {
    return this.list(sessionId)[0] ?? null;
  }

  private scan(keep: (name: string) => boolean): AgentRun[] {
    let names: string[];
    try {
      names = readdirSync(this.paths.runs);
    } catch {
      return [];
    }
    return names
      .filter((name) => name.endsWith('.json') && keep(name))
      .flatMap((name) => {
        const run = readJsonOrNull(path.join(this.paths.runs, name), AgentRunSchema);
        return run ? [run] : [];
      })
      .sort((a, b) => (a.startedAt === b.startedAt ? (a.id < b.id ? 1 : -1) : a.startedAt < b.startedAt ? 1 : -1));
  }

  appendEvent(run: Pick<AgentRun, 'sessionId' | 'id'>, event: AgentEvent): void {
    mkdirSync(this.paths.runs, { recursive: true });
    appendFileSync(this.eventsFile(run), `${JSON.stringify(event)}\n`);
  }

  events(run: Pick<AgentRun, 'sessionId' | 'id'>): AgentEvent[] {
    let text: string;
    try {
      text = readFileSync(this.eventsFile(run), 'utf8');
    } catch {
      return [];
    }
    return text.split('\n').flatMap((line) => {
      if (!line) return [];
      try {
        const parsed = AgentEventSchema.safeParse(JSON.parse(line));
        return parsed.success ? [parsed.data] : [];
      } catch {
        return [];
      }
    });
  }

  logSize(run: Pick<AgentRun, 'sessionId' | 'id'>): number {
    try {
      return statSync(this.logFile(run)).size;
    } catch {
      return 0;
    }
  }

  requestStop(run: Pick<AgentRun, 'sessionId' | 'id'>): void {
    mkdirSync(this.paths.runs, { recursive: true });
    writeFileSync(this.stopFile(run), new Date().toISOString());
  }

  stopRequested(run: Pick<AgentRun, 'sessionId' | 'id'>): boolean {
    return existsSync(this.stopFile(run));
  }

  /** Forgets a removed session's runs (records, logs, events). */
  removeSession(sessionId: string): void {
    let names: string[];
    try {
      names = readdirSync(this.paths.runs);
    } catch {
      return;
    }
    for (const name of names) if (name.startsWith(`${sessionId}.`)) rmSync(path.join(this.paths.runs, name), { force: true, recursive: true });
  }
}

export const isLive = (run: AgentRun | null): boolean => run !== null && LIVE_RUN_STATES.includes(run.state);

/** Is an agent running in the session now: its latest run is live and the process hosting it alive? */
export function agentRunningIn(paths: StatePaths, sessionId: string): boolean {
  const run = new RunStore(paths).latest(sessionId);
  if (!run || !isLive(run)) return false;
  return run.hostPid === process.pid || isAlive(run.hostPid);
}
