import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AgentRun } from '../shared/agents';
import { sendFollowUp } from '../electron/core/agents/follow-up';
import { Inbox } from '../electron/core/agents/inbox';
import { AgentManager } from '../electron/core/agents/manager';
import { SUBMIT_AFTER_MS } from '../electron/core/agents/terminal-input';
import { Council } from '../electron/core/council';
import { generateRepo } from './repo-gen';
import type { BenchConfig, SummaryRow } from './result';
import { runStandaloneIfMain } from './standalone';
import { summarize, type Summary } from './stats';
import { formatMs, renderTable } from './table';

/**
 * Issue 14, item 9's last figure: a follow-up → the interactive agent's process has read it, p50
 * and p95 (target ≤ 500 ms), in the process hosting the agent (agent.followUp) and from another
 * process's side of the session's inbox (what `council send` does); beside it, the same agent
 * reading a line written straight into its terminal (the floor: the pty and the agent's own read).
 * And the time to resume a finished headless agent with a follow-up until the resumed agent runs
 * and has reported its conversation, beside a plain start of the same agent. The agent is the fake
 * agent (tests/support/fake-agent.mjs) standing in for Claude Code: it stamps the wall-clock time
 * at which it reads each line of its terminal.
 */

export const FOLLOW_UP_TARGET_MS = 500;

const FAKE_AGENT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'tests', 'support', 'fake-agent.mjs');
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const now = (): number => performance.timeOrigin + performance.now();

async function until<T>(probe: () => T | null | undefined | false, what: string, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(2);
  }
}

function stampOf(file: string, line: string): number | null {
  if (!existsSync(file)) return null;
  for (const text of readFileSync(file, 'utf8').split('\n')) {
    if (!text) continue;
    const stamp = JSON.parse(text) as { line: string; at: number };
    if (stamp.line === line) return stamp.at;
  }
  return null;
}

const row = (what: string, s: Summary): (string | number)[] => [what, s.n, formatMs(s.p50), formatMs(s.p95), formatMs(s.max), formatMs(s.mean)];

export async function measureFollowUp(cfg: BenchConfig, counts: { rounds: number; resumes: number }): Promise<SummaryRow[]> {
  const condition = path.basename(cfg.tmp);
  const repo = generateRepo(cfg.tmp, `repo-follow-up-${condition}-${Date.now()}`, 50);
  const council = Council.open(repo.root);
  const stamps = path.join(cfg.tmp, `stamps-${condition}-${Date.now()}.jsonl`);
  const script = [{ claude: 'init', sessionId: 'bench-conversation' }, { stampStdin: stamps }];
  await council.ws.updateSettings({ agents: { claude: { path: FAKE_AGENT, env: { FAKE_AGENT_SCRIPT: JSON.stringify(script) } } } });
  const manager = new AgentManager(council, { stopGraceMs: 1000 });
  const [interactive, headless] = await council.createSessions({ task: 'bench follow-ups', agent: 'claude', count: 2 });
  if (!interactive || !headless) throw new Error('could not create the sessions');
  const inbox = new Inbox(council.ws.paths);
  const direct: number[] = [];
  const contract: number[] = [];
  const viaInbox: number[] = [];
  const resumes: number[] = [];
  const starts: number[] = [];
  try {
    await manager.start(interactive.id, { mode: 'interactive' });
    // The agent is reading its terminal once a first line comes back.
    manager.write(interactive.id, 'warm-up\r');
    await until(() => stampOf(stamps, 'warm-up'), 'the agent to read its terminal');
    for (let i = 0; i < counts.rounds; i++) {
      let line = `direct-${i}`;
      let t0 = now();
      manager.write(interactive.id, `${line}\r`);
      direct.push((await until(() => stampOf(stamps, line), line)) - t0);

      line = `follow-up-${i}`;
      t0 = now();
      await sendFollowUp(manager, interactive.id, line);
      contract.push((await until(() => stampOf(stamps, line), line)) - t0);

      line = `inbox-${i}`;
      t0 = now();
      await inbox.append(interactive.id, line, 'cli');
      viaInbox.push((await until(() => stampOf(stamps, line), line)) - t0);
      await sleep(20);
    }
    await manager.stop(interactive.id);

    // A finished headless agent, resumed with a follow-up: until the resumed agent runs and has
    // reported its conversation (its first output line, parsed); beside a plain start of it.
    const headlessScript = [{ claude: 'init', sessionId: 'bench-conversation' }, { claude: 'result', text: 'ok' }];
    await council.ws.updateSettings({ agents: { claude: { path: FAKE_AGENT, env: { FAKE_AGENT_SCRIPT: JSON.stringify(headlessScript) } } } });
    const reported = (runId: string) => () => {
      const run = manager.store.get(headless.id, runId);
      return run && run.agentSessionId !== null ? run : null;
    };
    for (let i = 0; i < counts.resumes; i++) {
      let t0 = now();
      const started = await manager.start(headless.id, { mode: 'headless' });
      await until(reported(started.id), 'the start to report its conversation');
      starts.push(now() - t0);
      await manager.waitForEnd(headless.id);

      t0 = now();
      const sent = await sendFollowUp(manager, headless.id, `go on ${i}`);
      if (sent.delivered !== 'resumed' || sent.run === null) throw new Error(`expected a resume, got ${sent.delivered}`);
      await until(reported(sent.run.id), 'the resumed run to report its conversation');
      resumes.push(now() - t0);
      const ended = (await manager.waitForEnd(headless.id)) as AgentRun;
      if (ended.state !== 'done') throw new Error(`the resumed run ended ${ended.state}: ${ended.reason ?? ''}`);
    }
  } finally {
    await manager.stopAll();
  }

  const d = summarize(direct);
  const c = summarize(contract);
  const b = summarize(viaInbox);
  const r = summarize(resumes);
  const s = summarize(starts);
  cfg.print(
    renderTable(
      `12. Follow-ups: to an interactive agent's terminal, and resuming a finished headless agent`,
      ['path', 'n', 'p50', 'p95', 'max', 'mean'],
      [
        row('follow-up (agent.followUp, in the hosting process) → the agent has read it', c),
        row("follow-up through the session's inbox (council send's way) → the agent has read it", b),
        row("baseline: a line written straight into the agent's terminal → read", d),
        row('finished headless agent resumed with a follow-up → it runs and reported its conversation', r),
        row('baseline: a plain start of the same agent → the same point', s),
      ],
      [
        `the fake agent (${path.relative(process.cwd(), FAKE_AGENT)}) stamps the wall-clock time at which it reads each line; a follow-up is typed, then submitted ${SUBMIT_AFTER_MS} ms later (a TUI reads a burst as a paste), which the baseline line does not wait for`,
        "the inbox path: a message appended to the session's inbox file under its mutex, seen by the hosting process's file watch, typed and marked delivered (a `council send` process adds its own start-up, ~0.1–0.2 s of node, before this)",
      ],
    ),
  );
  return [
    { measurement: 'follow-up → interactive agent has it, p50', ours: formatMs(c.p50), baseline: `raw terminal line ${formatMs(d.p50)}`, value: formatMs(c.p50), target: `≤ ${formatMs(FOLLOW_UP_TARGET_MS)}`, pass: c.p50 <= FOLLOW_UP_TARGET_MS },
    { measurement: 'follow-up → interactive agent has it, p95', ours: formatMs(c.p95), baseline: `raw terminal line ${formatMs(d.p95)}`, value: formatMs(c.p95), target: `≤ ${formatMs(FOLLOW_UP_TARGET_MS)}`, pass: c.p95 <= FOLLOW_UP_TARGET_MS },
    { measurement: 'follow-up via the inbox (council send) → agent has it, p50', ours: formatMs(b.p50), baseline: `raw terminal line ${formatMs(d.p50)}`, value: formatMs(b.p50), target: `≤ ${formatMs(FOLLOW_UP_TARGET_MS)}`, pass: b.p50 <= FOLLOW_UP_TARGET_MS },
    { measurement: 'follow-up via the inbox (council send) → agent has it, p95', ours: formatMs(b.p95), baseline: `raw terminal line ${formatMs(d.p95)}`, value: formatMs(b.p95), target: `≤ ${formatMs(FOLLOW_UP_TARGET_MS)}`, pass: b.p95 <= FOLLOW_UP_TARGET_MS },
    { measurement: 'resume a finished headless agent with a follow-up, p50', ours: formatMs(r.p50), baseline: `plain start ${formatMs(s.p50)}`, value: formatMs(r.p50), target: 'info', pass: null },
  ];
}

/** Standalone: `npx tsx bench/measure-follow-up.ts [--quick] [--idle-only]`. */
export const FOLLOW_UP_QUICK = { rounds: 10, resumes: 3 };
export const FOLLOW_UP_FULL = { rounds: 40, resumes: 10 };

runStandaloneIfMain(import.meta.url, 'follow-up', (cfg) => measureFollowUp(cfg, cfg.quick ? FOLLOW_UP_QUICK : FOLLOW_UP_FULL));
