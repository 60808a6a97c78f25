import { describe, expect, it } from 'vitest';
import type { AgentRun } from '../../shared/agents';
import { eventEffects, FILES_TOUCHED_LIMIT } from '../../electron/core/agents/event-effects';

const run = (over: Partial<AgentRun> = {}): AgentRun => ({
  id: 'abcdef0123', sessionId: 'abc123', preset: 'claude', mode: 'headless', task: 't', state: 'running', attempt: 1, pid: 1, hostPid: 1,
  startedAt: '', endedAt: null, exitCode: null, signal: null, reason: null, agentSessionId: null, filesTouched: [], didWork: false,
  costUsd: null, inputTokens: null, outputTokens: null, denials: 0, outputBytes: 0, ...over,
});
const at = '2026-11-24T00:00:00.000Z';

describe('what an agent event means for its run and context', () => {
  it('a tool call marks the run as having worked once, and moves the current file', () => {
    expect(eventEffects(run(), { kind: 'tool', at, tool: 'Write', path: 'src/a.ts' })).toEqual({ run: { didWork: true }, context: { currentFile: 'src/a.ts', status: 'working' }, outcome: null });
    // Already working: the run record has nothing new to say (no rewrite, no announcement).
    expect(eventEffects(run({ didWork: true }), { kind: 'tool', at, tool: 'Bash', path: null })).toEqual({ run: {}, context: null, outcome: null });
  });

  it('a changed file is added once, up to the limit', () => {
    expect(eventEffects(run({ didWork: true, filesTouched: ['a'] }), { kind: 'file-changed', at, path: 'a' }).run).toEqual({});
    expect(eventEffects(run({ didWork: true }), { kind: 'file-changed', at, path: 'a' }).run).toEqual({ filesTouched: ['a'] });
    const full = Array.from({ length: FILES_TOUCHED_LIMIT }, (_, i) => `f${i}`);
    expect(eventEffects(run({ didWork: true, filesTouched: full }), { kind: 'file-changed', at, path: 'new' }).run).toEqual({});
  });

  it('a denial blocks the session on the file, with the reason; the CLI verdicts become outcomes', () => {
    expect(eventEffects(run(), { kind: 'denied', at, tool: 'Write', path: 'x.ts', reason: 'held by 3f2a' })).toEqual({
      run: { denials: 1 },
      context: { status: 'blocked', blockedReason: 'held by 3f2a', blockedOn: 'x.ts', message: 'denied: held by 3f2a' },
      outcome: null,
    });
    expect(eventEffects(run(), { kind: 'failed', at, reason: 'API Error' }).outcome).toEqual({ state: 'failed', reason: 'API Error' });
    expect(eventEffects(run(), { kind: 'done', at, text: null }).outcome).toEqual({ state: 'done', reason: null });
  });
});
