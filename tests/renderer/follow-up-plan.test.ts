import { describe, expect, it } from 'vitest';
import type { AgentRun } from '../../shared/agents';
import { followUpPlan } from '../../renderer/src/models/follow-up-plan';

const run = (over: Partial<AgentRun>): AgentRun => ({
  id: 'r1',
  sessionId: 's1',
  preset: 'claude',
  mode: 'headless',
  task: 't',
  state: 'done',
  attempt: 1,
  pid: 1,
  hostPid: 1,
  startedAt: '2026-01-01T00:00:00Z',
  endedAt: null,
  exitCode: 0,
  signal: null,
  reason: null,
  agentSessionId: 'conv',
  filesTouched: [],
  didWork: false,
  costUsd: null,
  inputTokens: null,
  outputTokens: null,
  denials: 0,
  outputBytes: 0,
  ...over,
});

describe('the follow-up box says what will happen', () => {
  it('running interactive: sent to it; running headless: queued', () => {
    expect(followUpPlan(run({ state: 'running', mode: 'interactive' }), 'claude')).toMatchObject({ kind: 'terminal', action: 'Send to the running agent' });
    expect(followUpPlan(run({ state: 'starting', mode: 'headless' }), 'claude')).toMatchObject({ kind: 'queue', action: 'Queue for the running agent' });
  });

  it('ended with a known conversation: resumed; unknown, or a preset that cannot: started, saying why', () => {
    for (const state of ['done', 'failed', 'stopped', 'interrupted'] as const) expect(followUpPlan(run({ state, preset: 'codex' }), 'codex')).toMatchObject({ kind: 'resume', action: 'Resume Codex with this', preset: 'codex' });
    expect(followUpPlan(run({ agentSessionId: null }), 'claude')).toMatchObject({ kind: 'start', action: 'Start Claude Code with this', why: expect.stringContaining('never reported its conversation id') });
    expect(followUpPlan(run({ preset: 'aider' }), 'aider')).toMatchObject({ kind: 'start', action: 'Start Aider with this', why: expect.stringContaining('cannot resume') });
    // another agent chosen: a fresh start of that one
    expect(followUpPlan(run({}), 'claude', 'gemini')).toMatchObject({ kind: 'start', action: 'Start Gemini CLI with this', preset: 'gemini' });
  });

  it('no agent yet: started, with the session preset, or the one chosen', () => {
    expect(followUpPlan(undefined, 'opencode')).toMatchObject({ kind: 'start', action: 'Start opencode with this', preset: 'opencode', why: null });
    expect(followUpPlan(undefined, null)).toMatchObject({ kind: 'start', action: 'Start an agent with this', preset: null });
    expect(followUpPlan(undefined, null, 'claude')).toMatchObject({ kind: 'start', preset: 'claude' });
  });
});
