/**
 * The agent terminal without a page: the attach/output stream (scrollback, seq, gaps, new runs,
 * events during an attach), keystrokes in order, sizes debounced, detach; and the 24-bit colour
 * rewriting the strict CSP needs.
 */
import { describe, expect, it } from 'vitest';
import type { AgentRun } from '../../shared/agents';
import type { CommandInput, CommandName, CommandOutput, EventPayload } from '../../shared/contract';
import type { Result } from '../../shared/errors';
import { createTerminalStream, MAX_INPUT_CHUNK } from '../../renderer/src/features/terminal/terminal-stream';
import { createTruecolorDownsampler, downsampleSgr, rgbTo256 } from '../../renderer/src/features/terminal/truecolor';
import type { CouncilApi } from '../../renderer/src/env';

const ESC = '\x1b';
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

function run(id: string): AgentRun {
  return {
    id, sessionId: 's1', preset: 'claude', mode: 'interactive', task: 't', state: 'running', attempt: 1, pid: 1, hostPid: 1,
    startedAt: '2026-01-01T10:00:00Z', endedAt: null, exitCode: null, signal: null, reason: null, agentSessionId: null,
    filesTouched: [], didWork: false, costUsd: null, inputTokens: null, outputTokens: null, denials: 0, outputBytes: 0,
  };
}

type Call = { command: CommandName; input: unknown; resolve: (result: Result<unknown>) => void };

function harness() {
  const calls: Call[] = [];
  const screen: string[] = [];
  const runs: (string | null)[] = [];
  const timers: (() => void)[] = [];
  const invoke = (<C extends CommandName>(command: C, input: CommandInput<C>) =>
    new Promise<Result<CommandOutput<C>>>((resolve) => calls.push({ command, input, resolve: resolve as Call['resolve'] }))) as CouncilApi['invoke'];
  const stream = createTerminalStream('/r', 's1', {
    invoke,
    sink: {
      reset: () => screen.push('<reset>'),
      write: (data) => screen.push(data),
      note: (text) => screen.push(`<note ${text}>`),
      runChanged: (runId) => runs.push(runId),
    },
    setTimeout: (callback) => {
      timers.push(callback);
      return timers.length;
    },
    clearTimeout: () => {},
  });
  const next = (command: CommandName): Call => {
    const index = calls.findIndex((c) => c.command === command);
    if (index === -1) throw new Error(`no pending ${command}; pending: ${calls.map((c) => c.command).join(', ')}`);
    return calls.splice(index, 1)[0]!;
  };
  const attachAnswer = async (runId: string | null, seq: number, data: string, truncated = false) => {
    next('agent.attach').resolve({ ok: true, value: { run: runId === null ? null : run(runId), seq, data, truncated } });
    await settle();
  };
  const out = (runId: string, seq: number, data: string): EventPayload<'agent.output'> => ({ repo: '/r', sessionId: 's1', runId, seq, data });
  const runTimers = () => timers.splice(0).forEach((t) => t());
  return { stream, calls, screen, runs, next, attachAnswer, out, runTimers };
}

describe('terminal stream', () => {
  it('shows the scrollback, continues in order, skips what it already has', async () => {
    const h = harness();
    void h.stream.attach();
    await h.attachAnswer('aaaa0001', 2, 'hello ', true);
    expect(h.screen).toEqual(['<reset>', '<note … earlier output was dropped from the buffer …>', 'hello ']);
    h.stream.handleOutput(h.out('aaaa0001', 2, 'hello '));
    h.stream.handleOutput(h.out('aaaa0001', 3, 'world'));
    h.stream.handleOutput(h.out('aaaa0001', 3, 'dup'));
    expect(h.screen.slice(3)).toEqual(['world']);
    expect(h.stream.store.get()).toMatchObject({ status: 'attached', runId: 'aaaa0001', seq: 3, truncated: true });
    h.stream.handleOutput({ ...h.out('aaaa0001', 4, 'other session'), sessionId: 's2' });
    expect(h.stream.store.get().seq).toBe(3);
  });

  it('attaches again on a gap, and replays what came during the attach', async () => {
    const h = harness();
    void h.stream.attach();
    await h.attachAnswer('aaaa0001', 1, 'a');
    h.stream.handleOutput(h.out('aaaa0001', 3, 'c'));
    expect(h.calls.map((c) => c.command)).toContain('agent.attach');
    // Arrives while the second attach is on its way: held, then replayed past the new scrollback.
    h.stream.handleOutput(h.out('aaaa0001', 4, 'd'));
    h.stream.handleOutput(h.out('aaaa0001', 5, 'e'));
    await h.attachAnswer('aaaa0001', 4, 'abcd');
    expect(h.screen).toEqual(['<reset>', 'a', '<reset>', 'abcd', 'e']);
    expect(h.stream.store.get().seq).toBe(5);
  });

  it('continues with a new run after a rule, and ignores the old run afterwards', async () => {
    const h = harness();
    void h.stream.attach();
    await h.attachAnswer(null, 0, '');
    expect(h.stream.store.get().runId).toBeNull();
    h.stream.handleOutput(h.out('aaaa0001', 1, 'first'));
    h.stream.handleOutput(h.out('aaaa0002', 1, 'second'));
    h.stream.handleOutput(h.out('aaaa0001', 2, 'late'));
    expect(h.screen).toEqual(['<reset>', 'first', '<note ── a new run started ──>', 'second']);
    expect(h.runs).toEqual([null, 'aaaa0001', 'aaaa0002']);
    // A run seen mid-way (its start was missed): attach again.
    h.stream.handleOutput(h.out('aaaa0003', 7, 'middle'));
    expect(h.calls.some((c) => c.command === 'agent.attach')).toBe(true);
  });

  it('says so when the attach fails, and tries again on demand', async () => {
    const h = harness();
    void h.stream.attach();
    h.next('agent.attach').resolve({ ok: false, error: { code: 'invalid-input', message: 'unknown command "agent.attach"' } });
    await settle();
    expect(h.stream.store.get()).toMatchObject({ status: 'error', error: 'unknown command "agent.attach"' });
    h.stream.handleOutput(h.out('aaaa0001', 1, 'ignored'));
    expect(h.screen).toEqual([]);
    void h.stream.reattach();
    await h.attachAnswer('aaaa0001', 0, '');
    expect(h.stream.store.get().status).toBe('attached');
  });

  it('sends keystrokes in order, one request at a time, and reports undelivered input', async () => {
    const h = harness();
    h.stream.input('a');
    h.stream.input('b');
    h.stream.input('c');
    const first = h.next('agent.input');
    expect(first.input).toEqual({ repo: '/r', id: 's1', data: 'a' });
    expect(h.calls.filter((c) => c.command === 'agent.input')).toHaveLength(0);
    first.resolve({ ok: true, value: { written: true } });
    await settle();
    const second = h.next('agent.input');
    expect(second.input).toMatchObject({ data: 'bc' });
    second.resolve({ ok: true, value: { written: false } });
    await settle();
    expect(h.stream.store.get().inputError).toContain('not running');
    h.stream.input('x'.repeat(MAX_INPUT_CHUNK + 5));
    const big = h.next('agent.input');
    expect((big.input as { data: string }).data).toHaveLength(MAX_INPUT_CHUNK);
    big.resolve({ ok: true, value: { written: true } });
    await settle();
    expect((h.next('agent.input').input as { data: string }).data).toHaveLength(5);
    expect(h.stream.store.get().inputError).toBeNull();
  });

  it("says a dropped connection, not a stopped agent, when a remote run's keys were not sent; clears it once reconnected", async () => {
    const h = harness();
    void h.stream.attach();
    await h.attachAnswer('aaaa0001', 0, '');
    const dropped: AgentRun = { ...run('aaaa0001'), state: 'disconnected', connection: { host: 'build-box', droppedAt: '2026-01-01T10:05:00Z', attempt: 2, nextAttemptAt: null, error: 'connection refused' } };
    h.stream.noteRun(dropped);
    h.stream.input('y');
    h.next('agent.input').resolve({ ok: true, value: { written: false } });
    await settle();
    expect(h.stream.store.get().inputError).toBe('the connection to build-box dropped (the agent goes on there): keystrokes were not sent — type them again once it reconnects');
    // Another run's record changes nothing here.
    h.stream.noteRun({ ...run('bbbb0002'), state: 'running' });
    expect(h.stream.store.get().inputError).not.toBeNull();
    h.stream.noteRun({ ...dropped, state: 'running', connection: null });
    expect(h.stream.store.get().inputError).toBeNull();
  });

  it('sends the size when it changes and after each attach; detaches when stopped', async () => {
    const h = harness();
    h.stream.resize(120, 40);
    void h.stream.attach();
    h.runTimers();
    // Not attached yet: nothing sent.
    expect(h.calls.map((c) => c.command)).toEqual(['agent.attach']);
    await h.attachAnswer('aaaa0001', 0, '');
    h.runTimers();
    expect(h.next('agent.resize').input).toEqual({ repo: '/r', id: 's1', cols: 120, rows: 40 });
    h.stream.resize(120, 40);
    h.runTimers();
    expect(h.calls).toHaveLength(0);
    h.stream.resize(100, 30);
    h.stream.resize(90, 30);
    h.runTimers();
    expect(h.next('agent.resize').input).toMatchObject({ cols: 90, rows: 30 });
    h.stream.stop();
    expect(h.next('agent.detach').input).toEqual({ repo: '/r', id: 's1' });
    h.stream.input('late');
    expect(h.calls).toHaveLength(0);
  });
});

describe('24-bit colours to the palette', () => {
  it('picks the nearest cube or grey colour', () => {
    expect(rgbTo256(0, 0, 0)).toBe(16);
    expect(rgbTo256(255, 255, 255)).toBe(231);
    expect(rgbTo256(255, 0, 0)).toBe(196);
    expect(rgbTo256(0, 200, 0)).toBe(40);
    expect(rgbTo256(128, 128, 128)).toBe(244);
    expect(rgbTo256(18, 18, 18)).toBe(233);
  });

  it('rewrites SGR parameters, leaving everything else alone', () => {
    expect(downsampleSgr('38;2;255;0;0')).toBe('38;5;196');
    expect(downsampleSgr('1;48;2;0;0;0;4')).toBe('1;48;5;16;4');
    expect(downsampleSgr('38;5;2;1')).toBe('38;5;2;1');
    expect(downsampleSgr('38:2::255:0:0')).toBe('38:5:196');
    expect(downsampleSgr('58:2:255:255:255')).toBe('58:5:231');
    expect(downsampleSgr('0')).toBe('0');
  });

  it('works across chunks', () => {
    const d = createTruecolorDownsampler();
    expect(d.push(`plain ${ESC}[31mred${ESC}[0m`)).toBe(`plain ${ESC}[31mred${ESC}[0m`);
    expect(d.push(`x${ESC}[38;2;25`)).toBe('x');
    expect(d.push(`5;0;0mR${ESC}`)).toBe(`${ESC}[38;5;196mR`);
    expect(d.push(`[0m`)).toBe(`${ESC}[0m`);
    expect(d.push(`${ESC}]0;title\x07`)).toBe(`${ESC}]0;title\x07`);
    d.push(`${ESC}[`);
    d.reset();
    expect(d.push('after')).toBe('after');
  });
});
