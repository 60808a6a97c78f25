/**
 * The agent screens' pure logic: runs (which is the latest, what the controls offer, how a run
 * reads), run and waiting notices, the events list, best-of-N groups and wording, the new-session
 * and settings forms, and what the page's CSP allows of inline styles.
 */
import { describe, expect, it } from 'vitest';
import type { AgentEvent, AgentPresetInfo, AgentRun, CompareRow } from '../../shared/agents';
import type { EventPayload, SessionCard } from '../../shared/contract';
import type { Result } from '../../shared/errors';
import { createAgentEvents, describeEvent, matchesFilter } from '../../renderer/src/features/agents/agent-events';
import { needsInputNotice, newlyNeedingInput, runEndNotice } from '../../renderer/src/features/agents/run-notices';
import { connectionText, formatCost, formatTokens, isPresetId, mergeRuns, pickNewer, runActions, runChipLabel, runFacts, runSummary } from '../../renderer/src/models/run-model';
import { bestOfGroups, checkSummary, describePick, describeWork, liveRun } from '../../renderer/src/models/compare-groups';
import { buildCreateInput, defaultAgentProblem, hostTerminalNote, initialPreset, modeFor, modeWhere, presetStatus, submitLabel, type NewSessionForm } from '../../renderer/src/features/board/new-session-form';
import { dismissNotice, notices, notify } from '../../renderer/src/components/notices';
import { inlineStyles } from '../../renderer/src/lib/csp';
import type { CouncilApi } from '../../renderer/src/env';

function run(patch: Partial<AgentRun> = {}): AgentRun {
  return {
    id: 'aaaa0001', sessionId: 's1', preset: 'claude', mode: 'interactive', task: 'Add a login form', state: 'running', attempt: 1,
    pid: 100, hostPid: 99, startedAt: '2026-01-01T10:00:00.000Z', endedAt: null, exitCode: null, signal: null, reason: null,
    agentSessionId: null, filesTouched: [], didWork: false, costUsd: null, inputTokens: null, outputTokens: null, denials: 0, outputBytes: 0,
    ...patch,
  };
}

function card(id: string, task: string, createdAt: string, status: SessionCard['context']['status'] = 'working'): SessionCard {
  return {
    session: { id, task, agent: 'claude', branch: `council/${id}`, worktreePath: `/w/${id}`, baseBranch: 'main', baseCommit: 'a'.repeat(40), createdAt, state: 'ready' },
    context: {
      sessionId: id, agent: 'claude', task, status, currentFile: null, progress: null, message: null,
      blockedReason: null, blockedOn: null, updatedAt: createdAt, history: [], clashes: [], filesLocked: [], stale: false,
    },
  };
}

function preset(id: AgentPresetInfo['id'], patch: Partial<AgentPresetInfo> = {}): AgentPresetInfo {
  return { id, label: id[0]!.toUpperCase() + id.slice(1), binary: id, path: `/usr/bin/${id}`, version: '1.2.3', available: true, problem: null, warning: null, locks: 'enforced', modes: ['interactive', 'headless'], noMcp: null, ...patch };
}

describe('runs', () => {
  it('keeps the latest run per session, and never brings an ended run back to life', () => {
    const first = run({ id: 'aaaa0001', startedAt: '2026-01-01T10:00:00Z' });
    const second = run({ id: 'aaaa0002', startedAt: '2026-01-01T11:00:00Z' });
    expect(pickNewer(undefined, first)).toBe(first);
    expect(pickNewer(first, second)).toBe(second);
    expect(pickNewer(second, first)).toBe(second);
    const ended = run({ state: 'done', endedAt: '2026-01-01T10:05:00Z' });
    expect(pickNewer(ended, run())).toBe(ended);
    expect(pickNewer(run(), ended)).toBe(ended);
  });

  it('merges into the map, keeping the map when nothing changed', () => {
    const map = mergeRuns(new Map(), [run(), run({ id: 'bbbb0001', sessionId: 's2' })]);
    expect([...map.keys()]).toEqual(['s1', 's2']);
    expect(mergeRuns(map, [run()])).toBe(map);
    const changed = mergeRuns(map, [run({ state: 'done', endedAt: '2026-01-01T10:05:00Z' })]);
    expect(changed).not.toBe(map);
    expect(changed.get('s1')!.state).toBe('done');
    expect(changed.get('s2')).toBe(map.get('s2'));
  });

  it('offers Stop while live, Start when idle with a preset, Resume after a broken run', () => {
    expect(runActions(run({ state: 'starting' }), true)).toEqual({ start: false, stop: true, resume: false });
    expect(runActions(undefined, true)).toEqual({ start: true, stop: false, resume: false });
    expect(runActions(undefined, false)).toEqual({ start: false, stop: false, resume: false });
    expect(runActions(run({ state: 'done' }), true)).toEqual({ start: true, stop: false, resume: false });
    for (const state of ['failed', 'stopped', 'interrupted'] as const) expect(runActions(run({ state }), true)).toEqual({ start: true, stop: false, resume: true });
  });

  it('reads well: cost, tokens, facts, one-line summary', () => {
    expect(formatCost(null)).toBeNull();
    expect(formatCost(0.004)).toBe('<$0.01');
    expect(formatCost(0.4213)).toBe('$0.42');
    expect(formatCost(0)).toBe('$0.00');
    expect(formatTokens(950)).toBe('950');
    expect(formatTokens(12_345)).toBe('12k');
    expect(formatTokens(1_500)).toBe('1.5k');
    expect(formatTokens(2_500_000)).toBe('2.5M');
    const failed = run({ state: 'failed', exitCode: 1, denials: 2, attempt: 2, costUsd: 0.42, reason: 'no API key' });
    expect(runFacts(failed)).toEqual(['exit 1', '2 denials', 'attempt 2', '$0.42']);
    expect(runSummary(failed)).toBe('failed: no API key · $0.42');
    expect(runSummary(run())).toBe('running');
    // A remote run whose connection dropped (issue 17): live (Stop offered), worded as disconnected, never failed.
    const dropped = new Date(2026, 11, 7, 14, 2, 11).toISOString();
    const away = run({ state: 'disconnected', connection: { host: 'build-box', droppedAt: dropped, attempt: 3, nextAttemptAt: new Date(Date.parse(dropped) + 9000).toISOString(), error: 'build-box refused the connection' } });
    expect(connectionText(away, Date.parse(dropped) + 5000)).toBe('the connection to build-box dropped at 14:02:11; reconnecting (attempt 3, next in 4 s); the agent goes on there');
    expect(runSummary(away, Date.parse(dropped) + 5000)).toBe('disconnected: the connection to build-box dropped at 14:02:11; reconnecting (attempt 3, next in 4 s); the agent goes on there');
    expect(connectionText({ ...away, connection: { ...away.connection!, nextAttemptAt: null } }, 0)).toContain('reconnecting (attempt 3, trying now)');
    const closed = 'council closed; the agent runs on on build-box, and is followed again when the repository is opened';
    expect(connectionText({ ...away, connection: { ...away.connection!, attempt: 0, nextAttemptAt: null, error: closed } })).toBe(closed);
    expect(runActions(away, true)).toEqual({ start: false, stop: true, resume: false });
    expect(connectionText(run({ state: 'running', connection: null }))).toBeNull();
    expect(isPresetId('claude')).toBe(true);
    expect(isPresetId('my-bot')).toBe(false);
    expect(isPresetId(null)).toBe(false);
  });
});

describe('notices', () => {
  it('tells when a run ends done or failed, once', () => {
    const live = run();
    const done = run({ state: 'done', endedAt: '2026-01-01T10:05:00Z', costUsd: 0.1 });
    expect(runEndNotice(live, done)).toMatchObject({ tone: 'success', title: 'claude finished: Add a login form' });
    expect(runEndNotice(done, done)).toBeNull();
    expect(runEndNotice(undefined, run())).toBeNull();
    expect(runEndNotice(live, run({ state: 'stopped' }))).toBeNull();
    const failed = runEndNotice(live, run({ state: 'failed', reason: 'exit 1' }));
    expect(failed).toMatchObject({ tone: 'error' });
    expect(failed!.detail).toContain('exit 1');
  });

  it('words a live interactive run between turns as idle beside a done or idle session, never beside working', () => {
    expect(runChipLabel(run(), 'done')).toBe('idle');
    expect(runChipLabel(run(), 'idle')).toBe('idle');
    expect(runChipLabel(run(), 'working')).toBeNull();
    expect(runChipLabel(run(), 'needs-input')).toBeNull();
    expect(runChipLabel(run({ mode: 'headless' }), 'done')).toBeNull();
    expect(runChipLabel(run({ state: 'done', endedAt: '2026-01-01T10:05:00Z' }), 'done')).toBeNull();
  });

  it('tells when a session turns to needs-input (or appears asking), not when it already was', () => {
    const before = [card('a', 'x', '2026-01-01T10:00:00Z'), card('b', 'y', '2026-01-01T10:00:00Z', 'needs-input')];
    const after = [card('a', 'x', '2026-01-01T10:00:00Z', 'needs-input'), card('b', 'y', '2026-01-01T10:00:00Z', 'needs-input'), card('c', 'z', '2026-01-01T10:00:00Z', 'needs-input')];
    expect(newlyNeedingInput(before, after).map((c) => c.session.id)).toEqual(['a', 'c']);
    expect(needsInputNotice(after[0]!).title).toBe('Needs input: x');
    // Idle (a new session, a stopped agent) is not a question for the user.
    expect(newlyNeedingInput(before, [card('a', 'x', '2026-01-01T10:00:00Z', 'idle')])).toEqual([]);
  });
});

describe('in-app notices', () => {
  it('replaces a notice with the same key, keeps an action', () => {
    const ran: string[] = [];
    const first = notify({ tone: 'info', title: 'Needs input: a', key: 'waiting-a', sticky: true });
    notify({ tone: 'info', title: 'Needs input: b', key: 'waiting-b', sticky: true });
    notify({ tone: 'info', title: 'Needs input: a (again)', key: 'waiting-a', sticky: true, action: { label: 'Open', run: () => ran.push('a') } });
    expect(notices.get().map((n) => n.title)).toEqual(['Needs input: b', 'Needs input: a (again)']);
    expect(notices.get().some((n) => n.id === first)).toBe(false);
    notices.get()[1]!.action!.run();
    expect(ran).toEqual(['a']);
    for (const n of notices.get()) dismissNotice(n.id);
  });
});

describe('agent events', () => {
  const at = '2026-01-01T10:00:00.000Z';
  it('describes each kind; denials say why', () => {
    expect(describeEvent({ kind: 'denied', at, tool: 'Edit', path: 'src/a.ts', reason: 'locked by 3f2a' })).toEqual({ label: 'Edit', text: 'denied: locked by 3f2a', path: 'src/a.ts', tone: 'bad' });
    expect(describeEvent({ kind: 'tool', at, tool: 'Write', path: 'src/b.ts' })).toMatchObject({ label: 'Write', path: 'src/b.ts', tone: 'neutral' });
    expect(describeEvent({ kind: 'usage', at, costUsd: 0.12, inputTokens: 1200, outputTokens: 300 }).text).toBe('$0.12 · 1.2k in · 300 out');
    expect(describeEvent({ kind: 'failed', at, reason: 'crashed' })).toMatchObject({ text: 'crashed', tone: 'bad' });
    expect(describeEvent({ kind: 'started', at, agentSessionId: 'c1', model: 'm' }).text).toBe('model m · conversation c1');
    expect(matchesFilter({ kind: 'denied', at, tool: 'Edit', path: null, reason: 'r' }, 'denied')).toBe(true);
    expect(matchesFilter({ kind: 'message', at, text: 'hi' }, 'tools')).toBe(false);
  });

  it('loads the list, keeps events that arrive meanwhile, and starts over for a new run', async () => {
    const e = (text: string): AgentEvent => ({ kind: 'message', at, text });
    let answer!: (result: Result<AgentEvent[]>) => void;
    const invoke = ((command: string) => {
      expect(command).toBe('agent.events');
      return new Promise((resolve) => (answer = resolve));
    }) as unknown as CouncilApi['invoke'];
    const events = createAgentEvents('/r', 's1', invoke, 3);
    const payload = (event: AgentEvent, runId = 'aaaa0001'): EventPayload<'agent.event'> => ({ repo: '/r', sessionId: 's1', runId, event });
    const loading = events.load();
    events.handleEvent(payload(e('two')));
    events.handleEvent(payload(e('three')));
    answer({ ok: true, value: [e('one'), e('two')] });
    await loading;
    expect(events.store.get().events.map((x) => (x as { text: string }).text)).toEqual(['one', 'two', 'three']);
    events.handleEvent(payload(e('four')));
    expect(events.store.get().events.map((x) => (x as { text: string }).text)).toEqual(['two', 'three', 'four']);
    events.handleEvent(payload(e('new'), 'aaaa0002'));
    expect(events.store.get()).toMatchObject({ runId: 'aaaa0002', events: [e('new')] });
    events.handleEvent({ ...payload(e('other')), sessionId: 's2' });
    expect(events.store.get().events).toHaveLength(1);
  });
});

describe('best-of-N', () => {
  it('groups sessions of one task created together', () => {
    const cards = [
      card('a', 'Add login', '2026-01-01T10:00:00Z'),
      card('b', 'Add login', '2026-01-01T10:00:04Z'),
      card('c', 'Add login', '2026-01-01T10:00:12Z'),
      card('d', 'Add login', '2026-01-01T12:00:00Z'),
      card('e', 'Other', '2026-01-01T10:00:00Z'),
      card('f', 'Fix bug', '2026-01-01T11:00:00Z'),
      card('g', 'Fix bug', '2026-01-01T11:00:00Z'),
    ];
    expect(bestOfGroups(cards)).toEqual([
      { task: 'Fix bug', ids: ['f', 'g'], createdAt: '2026-01-01T11:00:00Z' },
      { task: 'Add login', ids: ['a', 'b', 'c'], createdAt: '2026-01-01T10:00:00Z' },
    ]);
    expect(bestOfGroups(cards, 5000).find((g) => g.task === 'Add login')!.ids).toEqual(['a', 'b']);
  });

  it('names what a pick removes and says where the work goes', () => {
    const wording = describePick('a', [
      { id: 'b', task: 't', branch: 'council/b', live: true, work: '' },
      { id: 'c', task: 't', branch: null, live: false, work: '' },
    ]);
    expect(wording.lead).toBe('Keep session a and remove 2 other sessions:');
    expect(wording.archive).toContain('refs/council/archive/');
    expect(wording.running).toEqual(['b']);
  });

  it('prefers the live run to the snapshot, and sums up the checks', () => {
    const row = (id: string, passed: boolean | null, r: AgentRun | null = null): CompareRow => ({
      sessionId: id, agent: 'claude', task: 't', run: r, filesChanged: 1, insertions: 2, deletions: 0, commits: 1, files: ['a'],
      check: passed === null ? null : { command: 'npm test', exitCode: passed ? 0 : 1, passed, output: '', durationMs: 1200 },
    });
    const old = run({ state: 'running' });
    const now = run({ state: 'done', endedAt: '2026-01-01T10:05:00Z' });
    expect(liveRun(row('a', true, old), now)).toBe(now);
    expect(liveRun(row('a', true, old), undefined)).toBe(old);
    expect(liveRun(row('a', true, now), run({ id: 'aaaa0000', startedAt: '2025-12-31T00:00:00Z' }))).toBe(now);
    expect(checkSummary([row('a', true), row('b', false), row('c', true)])).toBe('2 of 3 pass the check');
    expect(checkSummary([row('a', null)])).toBeNull();
    expect(describeWork(row('a', false))).toBe('1 file, +2 −0, 1 commit, check failed');
  });
});

describe('new-session form', () => {
  const presets = [preset('claude'), preset('codex', { available: false, version: null, path: null, problem: 'codex is not on PATH: npm i -g @openai/codex' }), preset('aider', { modes: ['headless'] })];
  const form = (patch: Partial<NewSessionForm> = {}): NewSessionForm => ({ task: 'Add login', agent: 'claude', base: '', count: '1', mode: 'interactive', ...patch });

  it('preselects the default agent only when it can run here', () => {
    expect(initialPreset(presets, 'claude')).toBe('claude');
    expect(initialPreset(presets, 'codex')).toBeNull();
    expect(initialPreset(presets, null)).toBeNull();
    expect(defaultAgentProblem(presets, 'codex')).toContain('codex is not on PATH');
    expect(defaultAgentProblem(presets, 'claude')).toBeNull();
    expect(presetStatus(presets[0]!)).toBe('claude 1.2.3');
    expect(presetStatus(presets[1]!)).toBe('codex is not on PATH: npm i -g @openai/codex');
    expect(modeFor(presets[2], 'interactive')).toBe('headless');
    expect(modeFor(undefined, 'interactive')).toBe('interactive');
  });

  it('builds the command input, or says what is wrong', () => {
    expect(buildCreateInput('/r', form({ count: '3', base: ' main ' }))).toEqual({
      ok: true,
      input: { repo: '/r', task: 'Add login', agent: 'claude', base: 'main', count: 3, mode: 'interactive' },
    });
    expect(buildCreateInput('/r', form({ agent: '' }))).toEqual({ ok: true, input: { repo: '/r', task: 'Add login', agent: null, count: 1 } });
    expect(buildCreateInput('/r', form({ task: '  ' }))).toMatchObject({ ok: false });
    expect(buildCreateInput('/r', form({ count: '51' }))).toEqual({ ok: false, error: 'Count must be a whole number from 1 to 50.' });
    expect(buildCreateInput('/r', form({ count: '2.5' }))).toMatchObject({ ok: false });
    expect(submitLabel(form())).toBe('Start claude');
    expect(submitLabel(form({ count: '3' }))).toBe('Start 3 × claude (best of 3)');
    expect(submitLabel(form({ agent: '', count: '2' }))).toBe('Create 2 sessions');
  });

  it('on a host (issue 17): either mode, what tmux there means for an interactive agent said, the host passed to the core', () => {
    expect(modeWhere(presets[0], 'interactive')).toBe('interactive');
    expect(hostTerminalNote('buildbox', 'interactive', true)).toBe('Its terminal on buildbox is held by tmux: a dropped connection leaves the agent running there, and council attaches again by itself.');
    expect(hostTerminalNote('buildbox', 'interactive', false)).toBe('buildbox has no tmux: an interactive agent there ends when the connection drops (install tmux there to keep it running).');
    expect(hostTerminalNote('buildbox', 'interactive', undefined)).toContain('did not look for tmux');
    expect(hostTerminalNote('buildbox', 'headless', false)).toBeNull();
    expect(hostTerminalNote('', 'interactive', false)).toBeNull();
    expect(buildCreateInput('/r', form({ host: 'buildbox', mode: 'headless' }))).toEqual({
      ok: true,
      input: { repo: '/r', task: 'Add login', agent: 'claude', count: 1, mode: 'headless', host: 'buildbox' },
    });
    expect(buildCreateInput('/r', form({ host: 'buildbox', mode: 'interactive' }))).toEqual({
      ok: true,
      input: { repo: '/r', task: 'Add login', agent: 'claude', count: 1, mode: 'interactive', host: 'buildbox' },
    });
    // No agent: a plain worktree on the host, no mode.
    expect(buildCreateInput('/r', form({ host: 'buildbox', agent: '' }))).toEqual({ ok: true, input: { repo: '/r', task: 'Add login', agent: null, count: 1, host: 'buildbox' } });
    expect(buildCreateInput('/r', form({ host: '' }))).toMatchObject({ ok: true, input: { mode: 'interactive' } });
    expect(buildCreateInput('/r', form({ host: '' }))).not.toHaveProperty('input.host');
  });
});

describe('CSP and inline styles', () => {
  it('reads what the policy allows', () => {
    const ours = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:";
    expect(inlineStyles(ours)).toEqual({ elements: false, attributes: false });
    expect(inlineStyles(`${ours}; style-src-attr 'unsafe-inline'`)).toEqual({ elements: false, attributes: true });
    expect(inlineStyles("style-src 'self' 'unsafe-inline'")).toEqual({ elements: true, attributes: true });
    expect(inlineStyles("style-src 'self' 'unsafe-inline' 'nonce-abc'")).toEqual({ elements: false, attributes: false });
    expect(inlineStyles("default-src 'self'")).toEqual({ elements: false, attributes: false });
    expect(inlineStyles(null)).toEqual({ elements: true, attributes: true });
  });
});
