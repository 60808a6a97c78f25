import { Command, Option } from 'commander';
import { AGENT_PRESET_IDS, LIVE_RUN_STATES, type AgentPresetInfo, type AgentRun, type RunResult } from '../../shared/agents';
import type { Session } from '../../shared/models';
import type { AgentManager } from '../core/agents/manager';
import { CouncilError, invalidInput } from '../core/errors';
import { sessionTable } from './commands';
import type { Door, Face } from './core-call';
import { table } from './output';

/**
 * The agent verbs: `council agents`, `session create --agent` (starts it), `session stop`,
 * `session logs [--follow]`, `run [--wait]` — each one contract command through the front door —
 * and the hidden `agent-host` (plumbing, plumbing.ts) that a headless start leaves running in the
 * background (it hosts the runs, records their output and events, and ends when they do).
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

const isLive = (run: AgentRun | null): boolean => run !== null && LIVE_RUN_STATES.includes(run.state);

function describeRun(run: AgentRun | null): string {
  if (!run) return 'no agent has run in this session';
  const cost = run.costUsd !== null ? `, $${run.costUsd.toFixed(4)}` : '';
  return `${run.preset} ${run.mode} run ${run.id}: ${run.state}${run.reason ? ` (${run.reason})` : ''}${cost}`;
}

/** Runs one interactive agent in this terminal: keystrokes in, its screen out, until it exits. */
async function foreground(manager: AgentManager, session: Session): Promise<AgentRun> {
  const stdin = process.stdin;
  const rawBefore = stdin.isTTY ? stdin.isRaw : false;
  const run = await manager.start(session.id, { mode: 'interactive' });
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

const startedNote = (preset: string, ready: number): string => `${preset} started headless in ${ready} session(s); follow with: council session logs ID --follow`;

/**
 * `session create`: sessions.launch, with the agent (if any) not started (`--no-start`), started
 * headless in the background (`--headless`), or checked and then run here, in this terminal —
 * the terminal being this face's own.
 */
export async function createWithAgent(face: Face, o: { task: string; agent?: string; base?: string; count: number; headless?: boolean; start: boolean; host?: string }): Promise<void> {
  const { out, call, repo } = face;
  const run = !o.agent || !o.start ? 'no' : o.headless ? 'background' : 'here';
  // More than one interactive agent is the core's refusal; no terminal here is this face's.
  if (run === 'here' && o.count <= 1 && !process.stdin.isTTY) throw invalidInput('an interactive agent needs a terminal; use --headless here (or the app)');
  const launched = await call('sessions.launch', { repo: repo(), task: o.task, agent: o.agent ?? null, ...(o.base !== undefined ? { base: o.base } : {}), count: o.count, run, ...(o.host !== undefined ? { host: o.host } : {}) });
  const { sessions } = launched;
  const failures = Object.values(launched.setupFailures);
  if (run === 'no') {
    out.done(sessions, () => [sessionTable(sessions), ...failures].join('\n'));
    return;
  }
  const preset = sessions[0]?.agent ?? String(o.agent);
  const ready = sessions.filter((s) => !(s.id in launched.setupFailures));
  let note: string;
  const runs: AgentRun[] = [];
  if (run === 'background') note = `${failures.length ? `${failures.join('\n')}\n` : ''}${startedNote(preset, ready.length)}`;
  else if (!ready[0]) note = failures.join('\n');
  else {
    const { openRepository } = await import('./cli-handlers');
    const ended = await foreground(await (await openRepository(repo())).agents(), ready[0]);
    runs.push(ended);
    note = `\n${describeRun(ended)}`;
  }
  out.done({ sessions, runs }, () => [sessionTable(sessions), note].filter(Boolean).join('\n'));
}

/** What the VERSION column says: a program that is there but slow to answer, or cannot start for another reason (its server down, its --version failing), is not "missing" (the reason is printed below the table). */
function versionCell(p: AgentPresetInfo): string {
  if (p.available) return p.version ?? (p.warning ? 'no answer' : '?');
  return p.path === null ? 'missing' : 'unavailable';
}

/** A reason as a sentence (its first letter a capital). */
const sentence = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

const CELL_WORDS: Record<string, string> = { headless: 'headless', interactive: 'interactive', resume: 'resume', events: 'structured events', locks: 'locks', mcp: 'MCP', status: 'status', firstWrite: 'first write' };

/**
 * A preset's locks as `council agents` shows them: never more than the support matrix (the README's
 * table, generated from the tests): "enforced" only when a test of this build proved it.
 */
export function locksClaim(p: Pick<AgentPresetInfo, 'locks' | 'support'>): string {
  return claimed(p.locks, p.support?.locks);
}

/** The MCP column: "yes" only when a test of this build proved the preset's agent gets council's tools. */
export function mcpClaim(p: Pick<AgentPresetInfo, 'noMcp' | 'support'>): string {
  return p.noMcp ? 'none' : claimed('yes', p.support?.mcp);
}

function claimed(word: string, state: string | undefined): string {
  if (state === 'proven') return word;
  return `${word} (${state === 'stand-in' ? 'stand-in only' : 'not proven'})`;
}

/** The NOTE column: not verified on this build, and which claims no test of this build proved. */
export function presetNote(p: Pick<AgentPresetInfo, 'unverified' | 'support'>): string {
  const unproven = Object.entries(p.support ?? {})
    .filter(([cell, state]) => state === 'not proven' && cell !== 'locks' && cell !== 'mcp')
    .map(([cell]) => CELL_WORDS[cell] ?? cell);
  return [p.unverified ? 'not verified on this build' : '', unproven.length ? `not proven: ${unproven.join(', ')}` : ''].filter(Boolean).join('; ');
}

export function agentCommands(program: Command, session: Command, door: Door): void {
  program
    .command('agents')
    .description("the agent presets: found on this machine or not, their versions, whether they get council's MCP tools, and how to fix a missing one")
    .action(
      door(async ({ out, call, repo }) => {
        const presets = await call('agents.list', { repo: repo() });
        out.done(presets, () =>
          [
            table(
              // MCP: whether the preset's agent gets council's tools (`council mcp`: peers, claims, conflicts, messages).
              ['PRESET', 'VERSION', 'LOCKS', 'MCP', 'PATH', 'NOTE'],
              presets.map((p) => [p.id, versionCell(p), locksClaim(p), mcpClaim(p), p.path ?? '-', presetNote(p)]),
            ),
            ...presets.filter((p) => p.unverified).map((p) => `\n${p.id}: not verified on this build. ${p.unverified}.`),
            ...presets.filter((p) => p.noMcp).map((p) => `\n${p.id}: no MCP tools. ${sentence(p.noMcp ?? '')}.`),
            ...presets.filter((p) => p.problem).map((p) => `\n${p.problem}`),
            ...presets.filter((p) => p.warning).map((p) => `\n${p.warning}`),
          ].join('\n'),
        );
      }),
    );

  session
    .command('stop')
    .description("stop a session's agent and every process it started (its work stays in the worktree)")
    .argument('<id>', 'session id or prefix')
    .action(
      door(async ({ out, call, repo }, id) => {
        const stopped = await call('agent.stop', { repo: repo(), id: String(id) });
        out.done(stopped, () => describeRun(stopped));
      }),
    );

  session
    .command('logs')
    .description("what a session's agent printed (its latest run); --follow keeps printing until it ends")
    .argument('<id>', 'session id or prefix')
    .option('-f, --follow', 'keep printing new output until the run ends')
    .action(
      door(async ({ out, call, repo }, id, opts) => {
        const input = { repo: repo(), id: String(id) };
        let page = await call('agent.log', input);
        if (out.json) {
          out.done({ run: page.run, log: page.log }, () => '');
          return;
        }
        // The same command again from where the last read ended, while the run lasts.
        process.stdout.write(page.log);
        const runId = page.run.id;
        if ((opts as { follow?: boolean }).follow) {
          while (isLive(page.run) && page.run.id === runId) {
            await new Promise((resolve) => setTimeout(resolve, 100));
            page = await call('agent.log', { ...input, offset: page.size });
            if (page.run.id === runId) process.stdout.write(page.log);
          }
        }
        process.stderr.write(`\n[${describeRun(page.run)}]\n`);
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
      door(async ({ out, call, repo }, opts) => {
        const o = opts as { agent: string; task: string; count: string; base?: string; concurrency?: string; wait?: boolean };
        // An empty --concurrency is refused by countOf, not taken as "use the setting".
        const concurrency = o.concurrency !== undefined ? countOf(o.concurrency, '--concurrency') : undefined;
        const count = countOf(o.count, '--count');
        baseOption(o.base);
        const input = { repo: repo(), task: o.task, agent: o.agent, count, ...(o.base !== undefined ? { base: o.base } : {}), ...(concurrency !== undefined ? { concurrency } : {}) };
        if (!o.wait) {
          const { sessions, setupFailures } = await call('sessions.launch', { ...input, run: 'background' });
          const ready = sessions.filter((s) => !(s.id in setupFailures)).length;
          out.done({ sessions, setupFailures }, () => [sessionTable(sessions), ...Object.values(setupFailures), `\n${startedNote(sessions[0]?.agent ?? o.agent, ready)}`].join('\n'));
          return;
        }
        const abort = new AbortController();
        const onSignal = (): void => abort.abort();
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
        try {
          const progress = out.json ? undefined : (text: string): void => void process.stderr.write(text);
          const { results } = await call('sessions.launch', { ...input, run: 'wait' }, { progress, signal: abort.signal });
          const all = results ?? [];
          if (all.length === 0 || !all.every((r) => r.state === 'done')) {
            if (!out.json) process.stdout.write(`${resultsTable(all)}\n`);
            const failed = all.filter((r) => r.state !== 'done').length;
            throw new CouncilError('command-failed', `${failed} of ${all.length} session(s) did not finish successfully`, { results: all });
          }
          out.done(all, () => resultsTable(all));
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
    .addOption(new Option('--mode <mode>', 'how the agents run').choices(['headless']).default('headless'))
    .option('--follow-up <ids>', "the session's inbox messages to start (or resume) its agent with (`council send`)")
    .addOption(new Option('--follow-up-as <how>', 'resume the conversation, or start afresh').choices(['resumed', 'started']).default('resumed'))
    .action(
      door(async ({ repo }, opts) => {
        const o = opts as { sessions: string; agent: string; concurrency: string; followUp?: string; followUpAs: 'resumed' | 'started' };
        const [{ openRepository }, { presetFor }, { runSessions }] = await Promise.all([import('./cli-handlers'), import('../core/agents/presets/index'), import('../core/agents/executor')]);
        const council = await openRepository(repo());
        const preset = presetFor(o.agent).id;
        const concurrency = countOf(o.concurrency, '--concurrency');
        const sessions = hostedSessions(o.sessions, (id) => council.session(id).id);
        const manager = await council.agents();
        const stop = (): void => void manager.stopAll();
        process.once('SIGTERM', stop);
        if (o.followUp !== undefined) {
          const { hostFollowUp } = await import('../core/agents/follow-up');
          const ids = o.followUp.split(',').filter(Boolean);
          await hostFollowUp(manager, sessions[0] as string, ids, o.followUpAs, { preset, mode: 'headless' });
          return;
        }
        await runSessions(manager, sessions, { preset, mode: 'headless', concurrency, maxRetries: council.ws.settings().maxRetries });
      }),
    );
}

/**
 * The sessions `agent-host --sessions a,b` is to run, each one that exists: a list naming none, or
 * naming one that does not exist, is refused up front (it used to end at once with exit 0, having
 * run nothing).
 */
function hostedSessions(list: string, resolve: (id: string) => string): string[] {
  const ids = list
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean);
  if (ids.length === 0) throw invalidInput(`--sessions names no session: "${list}"`);
  return ids.map(resolve);
}
