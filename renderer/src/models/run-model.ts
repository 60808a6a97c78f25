import { AGENT_PRESET_IDS, LIVE_RUN_STATES, type AgentPresetId, type AgentRun, type RunState } from '../../../shared/agents';
import type { ContextStatus } from '../../../shared/models';
import { plural } from '../lib/format';

/** Agent runs as the screens show them: pure, tested in tests/renderer/agents.test.ts. */

export function isPresetId(value: string | null | undefined): value is AgentPresetId {
  return typeof value === 'string' && (AGENT_PRESET_IDS as readonly string[]).includes(value);
}

export function isLive(run: AgentRun | null | undefined): boolean {
  return run != null && LIVE_RUN_STATES.includes(run.state);
}

/** Runs that ended in a way `agent.start { resume: true }` can pick up from. */
const RESUMABLE: readonly RunState[] = ['failed', 'stopped', 'interrupted'];

/**
 * Which of one session's runs is its latest, when two reports disagree (a list fetched while an
 * `agent.run` event arrived): a later start wins; for the same run, an ended record never goes back
 * to a live one (runs do not come back to life: resuming starts a new run).
 */
export function pickNewer(current: AgentRun | undefined, incoming: AgentRun): AgentRun {
  if (current === undefined) return incoming;
  if (current.id !== incoming.id) return incoming.startedAt >= current.startedAt ? incoming : current;
  if (current.endedAt !== null && incoming.endedAt === null) return current;
  return incoming;
}

/**
 * Merges runs into the per-session map. Keeps the map (and each unchanged run object) when nothing
 * changed, so cards that select their run do not re-render.
 */
export function mergeRuns(map: ReadonlyMap<string, AgentRun>, runs: readonly AgentRun[]): ReadonlyMap<string, AgentRun> {
  let next: Map<string, AgentRun> | null = null;
  for (const run of runs) {
    const current = (next ?? map).get(run.sessionId);
    const chosen = pickNewer(current, run);
    if (chosen === current || (current !== undefined && JSON.stringify(current) === JSON.stringify(chosen))) continue;
    next ??= new Map(map);
    next.set(run.sessionId, chosen);
  }
  return next ?? map;
}

export interface RunActions {
  start: boolean;
  stop: boolean;
  resume: boolean;
}

/** What the run controls offer: Stop while live; Start when idle (a preset is needed); Resume after a broken run. */
export function runActions(run: AgentRun | null | undefined, canStart: boolean): RunActions {
  if (isLive(run)) return { start: false, stop: true, resume: false };
  return { start: canStart, stop: false, resume: run != null && RESUMABLE.includes(run.state) };
}

/**
 * How a card words its live run beside the session's status: an interactive agent whose turn is
 * over (the session is done or idle) still runs, waiting in its terminal — "agent idle", not
 * "agent running" beside "done". null: the run's own state says it.
 */
export function runChipLabel(run: AgentRun, status: ContextStatus): string | null {
  return isLive(run) && run.mode === 'interactive' && (status === 'done' || status === 'idle') ? 'idle' : null;
}

/** "$0.42", "<$0.01", "$12.30"; null when unknown. */
export function formatCost(usd: number | null | undefined): string | null {
  if (usd == null || !Number.isFinite(usd)) return null;
  if (usd > 0 && usd < 0.01) return '<$0.01';
  return `$${usd.toFixed(2)}`;
}

/** "950", "12.3k", "1.2M". */
export function formatTokens(count: number): string {
  if (count < 1000) return String(count);
  if (count < 1_000_000) return `${(count / 1000).toFixed(count < 10_000 ? 1 : 0)}k`;
  return `${(count / 1_000_000).toFixed(1)}M`;
}

/** The facts after the state, short: "exit 1 · signal SIGTERM · 2 denials · attempt 2 · $0.42". */
export function runFacts(run: AgentRun): string[] {
  const facts: string[] = [];
  if (run.exitCode !== null) facts.push(`exit ${run.exitCode}`);
  if (run.signal !== null) facts.push(`signal ${run.signal}`);
  if (run.denials > 0) facts.push(plural(run.denials, 'denial'));
  if (run.attempt > 1) facts.push(`attempt ${run.attempt}`);
  const cost = formatCost(run.costUsd);
  if (cost !== null) facts.push(cost);
  return facts;
}

/** One line for a card or a notice: "running", "failed: no API key", "done · $0.42". */
/**
 * A disconnected remote run in plain words (issue 17): "the connection to build-box dropped at
 * 14:02:11; reconnecting (attempt 3, next in 4 s)". null when the run is not disconnected.
 */
export function connectionText(run: AgentRun, now: number = Date.now()): string | null {
  const c = run.connection;
  if (run.state !== 'disconnected' || !c) return null;
  // Not a drop: no home follows it (the app closed), or one is taking it over.
  if (c.attempt === 0 && c.nextAttemptAt === null && c.error !== null) return c.error;
  const at = new Date(c.droppedAt);
  const clock = Number.isNaN(at.getTime()) ? c.droppedAt : [at.getHours(), at.getMinutes(), at.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
  const next = c.nextAttemptAt === null ? 'trying now' : `next in ${Math.max(0, Math.ceil((Date.parse(c.nextAttemptAt) - now) / 1000))} s`;
  const attempt = c.attempt > 0 ? `attempt ${c.attempt}, ${next}` : next;
  return `the connection to ${c.host} dropped at ${clock}; reconnecting (${attempt}); the agent goes on there`;
}

export function runSummary(run: AgentRun, now: number = Date.now()): string {
  const connection = connectionText(run, now);
  if (connection !== null) return `disconnected: ${connection}`;
  const head = run.reason !== null && run.state !== 'done' ? `${run.state}: ${run.reason}` : run.state;
  const cost = formatCost(run.costUsd);
  return cost !== null && !isLive(run) ? `${head} · ${cost}` : head;
}
