import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { AgentRun } from '../../shared/agents';
import type { EventName } from '../../shared/contract';
import type { Session } from '../../shared/models';
import type { AgentManager } from '../../electron/core/agents/manager';
import { Council } from '../../electron/core/council';
import { dispatch } from '../../electron/core/dispatch';
import { COUNT_MAX } from '../../electron/core/sessions/create';
import { COUNCIL_BIN, REPO_ROOT } from '../../tests/helpers/cli';
import type { BenchConfig } from '../result';
import { startUi, type UiHarness } from '../ui-harness';
import { EditTracker } from './edit-tracker';
import { firstEditOf, prepareFleet, type Fleet } from './fleet';

/**
 * The scale scene: one process plays the app's main process — the browser host (`startHost`, as
 * `council serve` runs it) with its app core, which runs every agent through its AgentManager —
 * and the bench or test drives it from the outside the way a user does: sessions made by the
 * `council` CLI in its own process, agents started with the contract's `agent.start` over HTTP
 * (what the Start button sends), context changed from another Council (what `council context
 * update` does in its own process), the board in Chromium. The scene is also a client of the
 * host's event hub (like a window), so it hears `agent.run` as the board does.
 */

export const BENCH_CLIENT = 'scale-bench';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Builds the CLI bundle (out/cli/council.cjs) when it is missing (`npm run bench` builds it first). */
async function ensureCli(cfg: BenchConfig): Promise<void> {
  if (existsSync(path.join(REPO_ROOT, 'out', 'cli', 'council.cjs'))) return;
  cfg.log('no CLI bundle in out/cli: building it');
  await runNode([path.join(REPO_ROOT, 'scripts', 'build-cli.mjs'), '--quiet'], REPO_ROOT);
}

function runNode(args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`node ${args.join(' ')} exited ${String(code)}: ${stdout.slice(-2000)}${stderr.slice(-2000)}`))));
  });
}

/** `council --json <args>` in its own process; the contract's value, or a thrown error. */
export async function councilCli<T>(root: string, args: string[]): Promise<T> {
  const out = await runNode([COUNCIL_BIN, '--json', ...args], root);
  const result = JSON.parse(out) as { ok: true; value: T } | { ok: false; error: { message: string } };
  if (!result.ok) throw new Error(`council ${args.join(' ')}: ${result.error.message}`);
  return result.value;
}

export interface SceneOptions {
  /** The repository (a generated one: its files are `pathAt(0 … generatedFiles − 1)`). */
  root: string;
  agents: number;
  /** Existing files each agent overwrites after the gate. */
  editsPerAgent: number;
  /** Edits are planned before the sessions exist; the plan is given their ids in creation order. */
  plan: (agents: number) => string[][];
}

export class ScaleScene {
  readonly tracker = new EditTracker();
  /** When the hub last sent this client an event (performance.now()), and how many of each kind. */
  lastEventAt = performance.now();
  readonly eventCounts = new Map<EventName, number>();
  /** A Council of its own, as another process would have: its writes reach the host only through disk. */
  readonly outside: Council;

  private constructor(
    readonly cfg: BenchConfig,
    readonly root: string,
    readonly sessions: Session[],
    readonly fleet: Fleet,
    readonly ui: UiHarness,
    readonly manager: AgentManager,
    readonly createMs: number,
  ) {
    this.outside = Council.open(root);
  }

  /** Sessions by the CLI, the fleet's scripts and settings, then the host (and Chromium) in this process. */
  static async open(cfg: BenchConfig, options: SceneOptions): Promise<ScaleScene> {
    await ensureCli(cfg);
    const council = Council.open(options.root);
    const t0 = performance.now();
    const sessions: Session[] = [];
    // One call makes at most COUNT_MAX sessions: more take several, as a user would run them.
    for (let left = options.agents; left > 0; left -= COUNT_MAX) {
      const count = String(Math.min(COUNT_MAX, left));
      sessions.push(...(await councilCli<Session[]>(options.root, ['session', 'create', '--task', 'bench scale', '--agent', 'claude', '--no-start', '--count', count])));
    }
    const createMs = performance.now() - t0;
    if (sessions.length !== options.agents) throw new Error(`council session create made ${sessions.length} sessions, not ${options.agents}`);
    const plan = options.plan(options.agents);
    const fleet = await prepareFleet(council, path.join(cfg.tmp, `fleet-${process.pid}-${Date.now()}`), new Map(sessions.map((s, i) => [s.id, plan[i] ?? []])));
    const ui = await startUi(cfg);
    try {
      const manager = await ui.host.core.agents(options.root);
      const scene = new ScaleScene(cfg, options.root, sessions, fleet, ui, manager, createMs);
      await scene.subscribe();
      return scene;
    } catch (error) {
      await ui.close();
      throw error;
    }
  }

  get core(): UiHarness['host']['core'] {
    return this.ui.host.core;
  }

  get ids(): string[] {
    return this.sessions.map((s) => s.id);
  }

  worktreeOf = (sessionId: string): string => {
    const s = this.sessions.find((x) => x.id === sessionId);
    if (!s) throw new Error(`no session ${sessionId} in the scene`);
    return s.worktreePath;
  };

  /** The edit each agent makes through the stream-json parser (a Write tool call). */
  get firstEdits(): Map<string, string[]> {
    return new Map(this.ids.map((id) => [id, [firstEditOf(id)]]));
  }

  /** The edits only the worktree watcher can see. */
  get spreadEdits(): Map<string, string[]> {
    return this.fleet.edits;
  }

  /**
   * If this process dies before close() (an uncaught error), the agents — each the leader of its
   * own process group, so nothing else stops them — would sleep on for an hour: SIGKILL them.
   */
  private readonly killOnExit = (): void => {
    for (const id of this.ids) {
      const pid = this.manager.liveRun(id)?.pid;
      if (!pid) continue;
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
  };

  /** A client of the host's hub, subscribed to the repository like a window (state, runs, radar). */
  private async subscribe(): Promise<void> {
    process.on('exit', this.killOnExit);
    this.core.addClient(BENCH_CLIENT, (event, payload) => {
      this.lastEventAt = performance.now();
      this.eventCounts.set(event, (this.eventCounts.get(event) ?? 0) + 1);
      if (event === 'agent.run') this.tracker.onRun((payload as { run: AgentRun }).run);
      return true;
    });
    const result = await dispatch('watch.repo', { repo: this.root }, this.core.handlers, { clientId: BENCH_CLIENT });
    if (!result.ok) throw new Error(`watch.repo: ${result.error.message}`);
  }

  /** POST /api/invoke with the token, as the page does; the command's value or a thrown error. */
  async invoke<T>(command: string, input: unknown): Promise<T> {
    const response = await fetch(new URL('/api/invoke', this.ui.host.url), {
      method: 'POST',
      headers: { Authorization: `Bearer ${this.ui.host.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ command, input }),
    });
    const body = (await response.json()) as { ok: true; value: T } | { ok: false; error: { message: string } };
    if (!body.ok) throw new Error(`${command}: ${body.error.message}`);
    return body.value;
  }

  /** Starts every agent at once, headless, through the contract (as many Start clicks would). */
  async startAgents(): Promise<{ ms: number; runs: AgentRun[] }> {
    this.fleet.gate.hold();
    const t0 = performance.now();
    const runs = await Promise.all(this.ids.map((id) => this.invoke<AgentRun>('agent.start', { repo: this.root, id, preset: 'claude', mode: 'headless' })));
    return { ms: performance.now() - t0, runs };
  }

  /** Waits for every run's worktree watcher (AgentManager.watching); how many are in place, and when. */
  async waitWatching(timeoutMs: number): Promise<{ ready: number; ms: number }> {
    const t0 = performance.now();
    let ready = 0;
    const all = Promise.all(
      this.ids.map(async (id) => {
        if (await this.manager.watching(id)) ready++;
      }),
    );
    await Promise.race([all, sleep(timeoutMs)]);
    return { ready, ms: performance.now() - t0 };
  }

  /** Until no event reached the hub's clients for `quietMs` (the radar included), at most `maxMs`. */
  async settle(quietMs: number, maxMs: number): Promise<number> {
    const t0 = performance.now();
    for (;;) {
      await sleep(100);
      const now = performance.now();
      if (now - this.lastEventAt >= quietMs || now - t0 >= maxMs) break;
    }
    // A radar compute still running (it publishes only a changed answer) is waited for too.
    await (await this.core.radar(this.root)).compute();
    return performance.now() - t0;
  }

  /** Runs of these sessions still running in the host. */
  running(): number {
    return this.ids.filter((id) => this.manager.liveRun(id)?.state === 'running').length;
  }

  async stopAgents(): Promise<number> {
    const t0 = performance.now();
    await this.manager.stopAll();
    return performance.now() - t0;
  }

  async close(): Promise<void> {
    process.off('exit', this.killOnExit);
    this.fleet.gate.open();
    this.core.removeClient(BENCH_CLIENT);
    await this.manager.stopAll().catch(() => undefined);
    await this.ui.close();
  }
}
