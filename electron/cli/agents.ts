import { spawn } from 'node:child_process';
import { Command, Option } from 'commander';
import { AGENT_PRESET_IDS, RUN_MODES, type AgentPresetId, type AgentRun, type RunMode, type RunResult } from '../../shared/agents';
import type { Session } from '../../shared/models';
import { councilCommand } from '../core/agents/council-command';
import { allSucceeded, runSessions } from '../core/agents/executor';
import { createAndBootstrap } from '../core/agents/launch-sessions';
import { AgentManager } from '../core/agents/manager';
import { detectPresets, presetFor } from '../core/agents/presets/index';
import { readLog } from '../core/agents/log-file';
import { isLive } from '../core/agents/run-store';
import type { Council } from '../core/council';
import { CouncilError, invalidInput } from '../core/errors';
import type { Run } from './commands';
import { table } from './output';

/**
 * The agent verbs: `council agents`, `session create --agent` (starts it), `session stop`,
 * `session logs [--follow]`, `run [--wait]`, and the hidden `agent-host` that a headless start
 * leaves running in the background (it hosts the runs, records their output and events, and ends
 * when they do).
 */

const presetOption = (): Option => new Option('-a, --agent <name>', `agent preset: ${AGENT_PRESET_IDS.join('|')}`);

/** A whole number from 1 to 50 given as `flag` (--count, --concurrency). */
function countOf(value: string, flag: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 50) throw invalidInput(`${flag} must be a whole number from 1 to 50, not "${value}"`);
  return Number(value);
}

/**
 * A `--base` as given: a blank one is refused rather than quietly read as "the current branch"
 * (`--base "$BASE"` with BASE unset would otherwise start sessions from whatever is checked out).
 */
export function baseOption(value: string | undefined): string | undefined {
  if (value !== undefined && !value.trim()) throw invalidInput('--base is empty: name the base branch, or leave --base out for the current one');
  return value;
}

/**
 * The sessions `agent-host --sessions a,b` is to run, each one that exists: a list naming none, or
 * naming one that does not exist, is refused up front (it used to end at once with exit 0, having
 * run nothing).
 */
function hostedSessions(council: Council, list: string): string[] {
  const ids = list
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean);
  if (ids.length === 0) throw invalidInput(`--sessions names no session: "${list}"`);
  return ids.map((id) => council.session(id).id);
}

function describeRun(run: AgentRun | null): string {
  if (!run) return 'no agent has run in this session';
  const cost = run.costUsd !== null ? `, $${run.costUsd.toFixed(4)}` : '';
  return `${run.preset} ${run.mode} run ${run.id}: ${run.state}${run.reason ? ` (${run.reason})` : ''}${cost}`;
}

/**
 * Starts a background `council agent-host` for headless runs of these sessions (it outlives us),
 * and waits until the first of them is recorded, so `session logs` and `session stop` work the
 * moment we return. A host that dies before that is an error, with what it said.
 */
async function startHost(council: Council, sessions: Session[], preset: AgentPresetId, concurrency: number): Promise<void> {
  const command = councilCommand();
  const [program, ...prefix] = command.argv as [string, ...string[]];
  const args = [...prefix, '--repo', council.ws.repo.mainRoot, 'agent-host', '--sessions', sessions.map((s) => s.id).join(','), '--agent', preset, '--concurrency', String(concurrency)];
  const child = spawn(program, args, { cwd: council.ws.repo.mainRoot, env: { ...process.env, ...command.env }, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  let exited: number | null = null;
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.on('exit', (code) => (exited = code ?? 1));
  const manager = new AgentManager(council);
  const first = sessions[0] as Session;
  for (let waited = 0; waited < 15_000 && exited === null && !manager.store.latest(first.id); waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
  if (!manager.store.latest(first.id) && exited !== null && exited !== 0) throw new CouncilError('command-failed', `the background agent host stopped at once: ${stderr.trim() || `exit ${exited}`}`);
  child.stderr.destroy();
  child.unref();
}

/** Runs one interactive agent in this terminal: keystrokes in, its screen out, until it exits. */
async function foreground(manager: AgentManager, session: Session, preset: AgentPresetId): Promise<AgentRun> {
  const stdin = process.stdin;
  const rawBefore = stdin.isTTY ? stdin.isRaw : false;
  const run = await manager.start(session.id, { preset, mode: 'interactive' });
  const attached = manager.attach(session.id, (_run, chunk) => process.stdout.write(chunk.data));
  process.stdout.write(attached.data);
  const onData = (data: Buffer): void => void manager.write(session.id, data.toString('utf8'));
  const onResize = (): void => void manager.resize(session.id, process.stdout.columns ?? 120, process.stdout.rows ?? 32);
  if (stdin.isTTY) stdin.setRawMode(true);
  stdin.on('data', onData);
  process.stdout.on('resize', onResize);
  onResize();
  try {
    return (await manager.waitForEnd(session.id)) ?? run;
  } finally {
    attached.unsubscribe();
    stdin.off('data', onData);
    process.stdout.off('resize', onResize);
    if (stdin.isTTY) stdin.setRawMode(rawBefore);
    stdin.pause();
  }
}

function resultsTable(results: RunResult[]): string {
  return table(
    ['SESSION', 'AGENT', 'STATE', 'TRIES', 'FILES', 'COMMITS', 'TIME', 'COST', 'REASON'],
    results.map((r) => [r.sessionId, r.preset, r.state, String(r.attempts), String(r.filesChanged.length), String(r.commits), `${(r.durationMs / 1000).toFixed(1)}s`, r.costUsd !== null ? `$${r.costUsd.toFixed(4)}` : '-', r.reason ?? '']),
  );
}

export function agentCommands(program: Command, session: Command, run: Run): void {
  program
    .command('agents')
    .description('the agent presets: found on this machine or not, their versions, and how to fix a missing one')
    .action(
      run(async (out, council) => {
        const c = council();
        const presets = await detectPresets(c.ws.settings(), process.env as Record<string, string>);
        out.done(presets, () =>
          [
            table(
              ['PRESET', 'VERSION', 'LOCKS', 'PATH'],
              presets.map((p) => [p.id, p.available ? (p.version ?? '?') : 'missing', p.locks, p.path ?? '-']),
            ),
            ...presets.filter((p) => p.problem).map((p) => `\n${p.problem}`),
          ].join('\n'),
        );
      }),
    );

  session
    .command('stop')
    .description("stop a session's agent and every process it started (its work stays in the worktree)")
    .argument('<id>', 'session id or prefix')
    .action(
      run(async (out, council, id) => {
        const manager = new AgentManager(council());
        const stopped = await manager.stop(String(id));
        out.done(stopped, () => describeRun(stopped));
      }),
    );

  session
    .command('logs')
    .description("what a session's agent printed (its latest run); --follow keeps printing until it ends")
    .argument('<id>', 'session id or prefix')
    .option('-f, --follow', 'keep printing new output until the run ends')
    .action(
      run(async (out, council, id, opts) => {
        const manager = new AgentManager(council());
        const s = manager.council.session(String(id));
        const first = manager.store.latest(s.id);
        if (!first) throw new CouncilError('not-found', `session ${s.id} has no agent run yet; start one with: council session create --agent … or council run`);
        const file = manager.store.logFile(first);
        if (out.json) {
          out.done({ run: first, log: readLog(file).text }, () => '');
          return;
        }
        let offset = 0;
        const pump = (): void => {
          const next = readLog(file, offset);
          if (next.text) process.stdout.write(next.text);
          offset = next.size;
        };
        pump();
        if ((opts as { follow?: boolean }).follow) {
          for (;;) {
            const current = manager.store.get(first.sessionId, first.id);
            if (!current || !isLive(current)) break;
            await new Promise((resolve) => setTimeout(resolve, 100));
            pump();
          }
          pump();
        }
        const last = manager.store.get(first.sessionId, first.id);
        process.stderr.write(`\n[${describeRun(last)}]\n`);
      }),
    );

  program
    .command('run')
    .description('start an agent on a task in N new sessions, headless; with --wait, print the results and exit 0 only when all succeeded')
    .addOption(presetOption().makeOptionMandatory())
    .requiredOption('-t, --task <text>', 'the task')
    .option('-n, --count <n>', 'how many sessions (best-of-N)', '1')
    .option('-b, --base <branch>', "base branch (default: the main checkout's current branch)")
    .option('-c, --concurrency <n>', 'agents at once (default: the setting)')
    .option('-w, --wait', 'wait for every agent and print the results')
    .action(
      run(async (out, council, opts) => {
        const o = opts as { agent: string; task: string; count: string; base?: string; concurrency?: string; wait?: boolean };
        const preset = presetFor(o.agent).id;
        const c = council();
        const settings = c.ws.settings();
        // An empty --concurrency is refused by countOf, not taken as "use the setting".
        const concurrency = o.concurrency !== undefined ? countOf(o.concurrency, '--concurrency') : settings.concurrency;
        baseOption(o.base);
        const manager = new AgentManager(c);
        const { sessions, setupFailures } = await createAndBootstrap(manager, { task: o.task, agent: preset, base: o.base, count: countOf(o.count, '--count'), startAgent: true });
        const ready = sessions.filter((s) => !setupFailures.has(s.id));
        if (!o.wait) {
          if (ready.length) await startHost(c, ready, preset, concurrency);
          out.done({ sessions, setupFailures: Object.fromEntries(setupFailures) }, () =>
            [table(['ID', 'BRANCH', 'WORKTREE'], sessions.map((s) => [s.id, s.branch, s.worktreePath])), ...[...setupFailures.values()], `\n${preset} started headless in ${ready.length} session(s); follow with: council session logs ID --follow`].join('\n'),
          );
          return;
        }
        const abort = new AbortController();
        const onSignal = (): void => abort.abort();
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
        try {
          const results = await runSessions(manager, ready.map((s) => s.id), {
            preset,
            mode: 'headless',
            concurrency,
            maxRetries: settings.maxRetries,
            signal: abort.signal,
            onProgress: (id, r, note) => {
              if (!out.json) process.stderr.write(`[${id}] ${note}${r.reason && r.state !== 'running' ? `: ${r.reason}` : ''}\n`);
            },
          });
          for (const [id, reason] of setupFailures) results.push({ sessionId: id, preset, state: 'failed', attempts: 0, exitCode: null, reason, filesChanged: [], commits: 0, durationMs: 0, costUsd: null });
          if (!allSucceeded(results)) {
            if (!out.json) process.stdout.write(`${resultsTable(results)}\n`);
            const failed = results.filter((r) => r.state !== 'done').length;
            throw new CouncilError('command-failed', `${failed} of ${results.length} session(s) did not finish successfully`, { results });
          }
          out.done(results, () => resultsTable(results));
        } finally {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
        }
      }),
    );

  program
    .command('agent-host', { hidden: true })
    .description('(internal) hosts headless agent runs started by `council run` / `session create --headless`')
    .requiredOption('--sessions <ids>', 'comma-separated session ids')
    .addOption(presetOption().makeOptionMandatory())
    .option('--concurrency <n>', 'agents at once', '4')
    .action(
      run(async (_out, council, opts) => {
        const o = opts as { sessions: string; agent: string; concurrency: string };
        const c = council();
        const preset = presetFor(o.agent).id;
        const concurrency = countOf(o.concurrency, '--concurrency');
        const sessions = hostedSessions(c, o.sessions);
        const manager = new AgentManager(c);
        const stop = (): void => void manager.stopAll();
        process.once('SIGTERM', stop);
        await runSessions(manager, sessions, { preset, mode: 'headless', concurrency, maxRetries: c.ws.settings().maxRetries });
      }),
    );
}

/** `session create` with an agent: what to start, and how. */
export async function createWithAgent(council: Council, o: { task: string; agent: string; base?: string; count: number; headless?: boolean; mode?: string }): Promise<{ sessions: Session[]; note: string; runs: AgentRun[] }> {
  const preset = presetFor(o.agent).id;
  const mode: RunMode = o.headless ? 'headless' : ((o.mode as RunMode | undefined) ?? 'interactive');
  if (!RUN_MODES.includes(mode)) throw invalidInput(`--mode must be one of ${RUN_MODES.join(', ')}`);
  if (mode === 'interactive' && o.count > 1) throw invalidInput('interactive agents run one per terminal: use --headless for --count above 1 (or the app, which shows each terminal)');
  if (mode === 'interactive' && !process.stdin.isTTY) throw invalidInput('an interactive agent needs a terminal; use --headless here (or the app)');
  const manager = new AgentManager(council);
  const { sessions, setupFailures } = await createAndBootstrap(manager, { task: o.task, agent: preset, base: o.base, count: o.count, startAgent: true });
  const ready = sessions.filter((s) => !setupFailures.has(s.id));
  const failures = [...setupFailures.values()].join('\n');
  if (mode === 'headless') {
    if (ready.length) await startHost(council, ready, preset, council.ws.settings().concurrency);
    return { sessions, runs: [], note: `${failures ? `${failures}\n` : ''}${preset} started headless in ${ready.length} session(s); follow with: council session logs ID --follow` };
  }
  const only = ready[0];
  if (!only) return { sessions, runs: [], note: failures };
  const ended = await foreground(manager, only, preset);
  return { sessions, runs: [ended], note: `\n${describeRun(ended)}` };
}

