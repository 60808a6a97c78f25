import type { AgentPresetId, AgentRun, RunMode } from '../../../shared/agents';
import type { FollowUpDelivery, InboxMessage } from '../../../shared/follow-ups';
import { CouncilError, invalidInput } from '../errors';
import type { AgentManager, StartOptions } from './manager';
import { presetFor } from './presets/index';
import { isLive } from './run-store';
import { isAlive } from './runner/process-tree';

/**
 * A follow-up prompt for a session's agent (issue 14, item 2), whatever state it is in:
 * - a running interactive agent hosted here gets it in its terminal, typed and submitted as a person would;
 * - one hosted by another process (the app, when this is `council send`) gets it through the
 *   session's inbox (inbox.ts): that process types it; this waits a moment to say it did;
 * - a running headless agent reads no input: the follow-up is queued in the inbox, and when the
 *   agent ends, the process hosting it resumes its conversation with it (manager.resumeWithInbox);
 * - an ended agent (done, failed, stopped, interrupted) is resumed on its own conversation with the
 *   follow-up as its new prompt (`claude --resume <id>`, `codex exec resume <id>`, `gemini --resume
 *   <id>`, `opencode run --session <id>`); refused when its conversation id is unknown, unless
 *   `start` asks for a fresh agent;
 * - a session that never had an agent starts one with the follow-up as its prompt when `start` says so.
 * Follow-ups that waited in the inbox (their host went away) go along with the next resume or start.
 */

export interface FollowUpStart {
  agent?: AgentPresetId;
  mode?: RunMode;
}

export interface FollowUpResult {
  delivered: FollowUpDelivery;
  /** The run that has it (the one it was typed into, resumed or started; the live one it waits for). */
  run: AgentRun | null;
  /** What happened, in a sentence. */
  note: string;
  /** The session's inbox message that carries it (absent: typed straight into a terminal here),
   * so its later fate (read, resumed with) can be looked up (issue 15: the message feed). */
  inboxId?: string;
}

/** Where a resumed or started agent runs: in this process (the app), or a detached worker (the CLI). */
export interface FollowUpRunner {
  /** Whether an interactive agent can run here (a CLI verb has no terminal to keep). */
  interactive: boolean;
  /** Starts the agent with these inbox messages (already taken for it, oldest first) as its prompt. */
  start(manager: AgentManager, sessionId: string, messages: InboxMessage[], options: StartOptions): Promise<AgentRun>;
}

export interface FollowUpOptions {
  /** Start an agent when the session has none (or its conversation cannot be resumed). */
  start?: FollowUpStart;
  /** Who sends it, as the inbox records it ('app', 'cli'). */
  from?: string;
  runner?: FollowUpRunner;
  /** How long to wait for another process to take a follow-up for its interactive agent. */
  waitMs?: number;
  /** No agent runs: keep it in the inbox (read by the agent's inbox tool, or sent along with the
   * next follow-up) instead of resuming or starting one (a message to every session, issue 15). */
  keepIfIdle?: boolean;
}

/** Starts the agent in this process and marks the messages as its. */
export const inProcessRunner: FollowUpRunner = {
  interactive: true,
  async start(manager, sessionId, messages, options) {
    return manager.start(sessionId, options);
  },
};

export const MAX_FOLLOW_UP_CHARS = 8000;

export function joinFollowUps(messages: readonly InboxMessage[]): string {
  return messages.map((m) => m.text).join('\n\n');
}

/** Starts (or resumes) with the taken messages, marking them with the run, or failed with why. */
export async function startWithMessages(manager: AgentManager, sessionId: string, messages: InboxMessage[], how: 'resumed' | 'started', options: StartOptions, runner: FollowUpRunner): Promise<AgentRun> {
  const ids = messages.map((m) => m.id);
  try {
    const run = await runner.start(manager, sessionId, messages, options);
    await manager.inbox.mark(sessionId, ids, { state: how, runId: run.id }, [how]);
    return run;
  } catch (err) {
    await manager.inbox.mark(sessionId, ids, { state: 'failed', runId: null, error: (err as Error).message }, [how]).catch(() => undefined);
    throw err;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function sendFollowUp(manager: AgentManager, ref: string, text: string, options: FollowUpOptions = {}): Promise<FollowUpResult> {
  const session = manager.council.session(ref);
  const line = text.replace(/\r\n?/g, '\n').trim();
  if (line === '') throw invalidInput('the follow-up is empty: write what the agent should do next');
  if (line.length > MAX_FOLLOW_UP_CHARS) throw invalidInput(`the follow-up is ${line.length} characters; at most ${MAX_FOLLOW_UP_CHARS}`);
  const runner = options.runner ?? inProcessRunner;
  const from = options.from ?? 'app';

  // 1. A running interactive agent hosted here: straight into its terminal.
  const here = manager.liveRun(session.id);
  if (here?.mode === 'interactive' && (await manager.typeFollowUp(session.id, line))) {
    return { delivered: 'terminal', run: manager.liveRun(session.id) ?? here, note: `typed into ${here.preset}'s terminal and submitted` };
  }

  const run = manager.store.latest(session.id);
  const hostAlive = run !== null && isLive(run) && (run.hostPid === process.pid ? here !== null : isAlive(run.hostPid));

  // 2. A running agent hosted elsewhere, or a headless one here: through the inbox.
  if (run && hostAlive) {
    const message = await manager.inbox.append(session.id, line, from);
    if (run.mode === 'headless') {
      return { delivered: 'queued', run, inboxId: message.id, note: `${run.preset} runs headless and reads no input: it will be resumed with this follow-up when its run ${run.id} ends` };
    }
    if (run.state === 'disconnected') {
      return { delivered: 'queued', run, inboxId: message.id, note: `the connection to ${run.connection?.host ?? "the agent's host"} dropped: kept, and typed into ${run.preset}'s terminal when it reconnects` };
    }
    const until = Date.now() + (options.waitMs ?? 3000);
    for (;;) {
      const now = manager.inbox.get(session.id, message.id);
      if (now && now.state === 'terminal') return { delivered: 'terminal', run, inboxId: message.id, note: `typed into ${run.preset}'s terminal by the process hosting it (pid ${run.hostPid})` };
      if (now && now.state === 'failed') throw new CouncilError('conflict', `the follow-up was not delivered: ${now.error ?? 'the host refused it'}`);
      if (Date.now() >= until) break;
      await sleep(25);
    }
    return { delivered: 'queued', run, inboxId: message.id, note: `queued for the process hosting ${run.preset} (pid ${run.hostPid}); it types it into the agent's terminal when it looks` };
  }

  // 3. No agent running: resume the ended one on its conversation, or start one.
  if (options.keepIfIdle) {
    const kept = await manager.inbox.append(session.id, line, from);
    return { delivered: 'queued', run, inboxId: kept.id, note: `no agent runs in session ${session.id}: kept in its inbox (its agent reads it there, or gets it with its next follow-up)` };
  }
  const start = options.start;
  const canResume = run !== null && run.agentSessionId !== null && presetFor(run.preset).resumes === true && (start?.agent === undefined || start.agent === run.preset);
  if (!canResume && start === undefined) {
    const why =
      run === null
        ? `session ${session.id} has no agent yet: start one with the follow-up as its prompt (choose the agent and interactive or headless)`
        : presetFor(run.preset).resumes !== true
          ? `${presetFor(run.preset).label} cannot resume its conversation with a new prompt: start it afresh with the follow-up instead`
          : `session ${session.id}'s last ${run.preset} run (${run.id}) never reported its conversation id, so it cannot be resumed with a follow-up: start the agent afresh with it instead`;
    throw new CouncilError('conflict', `the follow-up was not sent: ${why}`);
  }
  const how = canResume ? 'resumed' : 'started';
  const preset = canResume ? (run as AgentRun).preset : (start?.agent ?? (session.agent ? presetFor(session.agent).id : null));
  if (preset === null) throw invalidInput(`session ${session.id} has no agent preset: name the agent to start with the follow-up`);
  const wanted = start?.mode ?? (canResume && runner.interactive ? (run as AgentRun).mode : runner.interactive ? 'interactive' : 'headless');
  if (wanted === 'interactive' && !runner.interactive) throw invalidInput('an interactive agent needs the app (or `council session create` in a terminal): start it headless here, or send the follow-up from the app');
  // Follow-ups that were left waiting (their host went away) go first, then this one.
  const appended = await manager.inbox.append(session.id, line, from);
  const pending = manager.inbox.pending(session.id);
  const taken = await manager.inbox.mark(
    session.id,
    pending.map((m) => m.id),
    { state: how, runId: null },
  );
  if (taken.length === 0) throw new CouncilError('conflict', 'the follow-up was taken by another process meanwhile');
  const prompt = joinFollowUps(taken);
  const startOptions: StartOptions = canResume ? { preset, mode: wanted, followUp: prompt } : { preset, mode: wanted, task: prompt };
  const started = await startWithMessages(manager, session.id, taken, how, startOptions, runner);
  const label = presetFor(started.preset).label;
  return {
    delivered: how,
    run: started,
    inboxId: appended.id,
    note: how === 'resumed' ? `${label} resumed on its conversation (${run?.agentSessionId}) with the follow-up, ${started.mode}, run ${started.id}` : `${label} started ${started.mode} with the follow-up as its prompt, run ${started.id}`,
  };
}

/**
 * The detached worker's side (`council agent-host --follow-up <ids>`, started by `council send`):
 * starts the agent here with the inbox messages the sender took for it, and keeps hosting the
 * session until its agent stops (follow-ups queued meanwhile resume it again, in this process).
 */
export async function hostFollowUp(manager: AgentManager, sessionId: string, ids: readonly string[], how: 'resumed' | 'started', options: { preset: AgentPresetId; mode: RunMode }): Promise<AgentRun | null> {
  const messages = ids.map((id) => manager.inbox.get(sessionId, id));
  const missing = ids.filter((_, i) => !messages[i]);
  if (missing.length) throw invalidInput(`follow-up ${missing.join(', ')} is not in session ${sessionId}'s inbox`);
  const taken = messages as InboxMessage[];
  const prompt = joinFollowUps(taken);
  const startOptions: StartOptions = how === 'resumed' ? { preset: options.preset, mode: options.mode, followUp: prompt } : { preset: options.preset, mode: options.mode, task: prompt };
  await startWithMessages(manager, sessionId, taken, how, startOptions, inProcessRunner);
  let last: AgentRun | null = null;
  // Until no run of the session is live here (a queued follow-up starts the next one as this one ends).
  for (let idle = 0; idle < 20; ) {
    if (manager.liveRun(sessionId)) {
      idle = 0;
      last = await manager.waitForEnd(sessionId);
    } else {
      idle += 1;
      await sleep(50);
    }
  }
  return last;
}
