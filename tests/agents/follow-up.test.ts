import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AgentRun } from '../../shared/agents';
import { sendFollowUp } from '../../electron/core/agents/follow-up';
import { Inbox, INBOX_KEEP } from '../../electron/core/agents/inbox';
import { fakeScenesStoppedAfterEach, sessions, waitUntil } from './fake-agents';
import { tempDir } from '../helpers/repo';

// Follow-ups in every state of a session's agent, on real processes (the fake agent standing in for
// Claude Code), real worktrees and the real shared state. The real CLIs continuing their own
// conversation are in follow-up-clis.test.ts.

const scene = fakeScenesStoppedAfterEach();

const argvLines = (file: string): string[][] => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as string[]) : []);

describe('a follow-up', () => {
  it('resumes an ended headless agent on its own conversation with the follow-up as the prompt', async () => {
    const argv = path.join(tempDir(), 'argv.jsonl');
    const { council, manager } = await scene('claude', [{ claude: 'init', sessionId: 'conv-1' }, { argvTo: argv }, { claude: 'result', text: 'ok' }]);
    const [s] = await sessions(council, 1);
    await manager.start(s!.id, { mode: 'headless' });
    expect(await manager.waitForEnd(s!.id)).toMatchObject({ state: 'done', agentSessionId: 'conv-1' });

    const sent = await sendFollowUp(manager, s!.id, 'now add tests for it');
    expect(sent).toMatchObject({ delivered: 'resumed', run: { mode: 'headless', preset: 'claude', task: 'now add tests for it' } });
    const resumed = (await manager.waitForEnd(s!.id)) as AgentRun;
    expect(resumed).toMatchObject({ state: 'done', id: sent.run!.id });
    const [first, second] = argvLines(argv);
    expect(first).not.toContain('now add tests for it');
    expect(second).toEqual(expect.arrayContaining(['--resume=conv-1', 'now add tests for it']));
    // the follow-up alone is the prompt (not the task again, not the "continue" note)
    expect(second!.at(-1)).toBe('now add tests for it');
    expect(manager.inbox.list(s!.id)).toEqual([expect.objectContaining({ text: 'now add tests for it', state: 'resumed', runId: resumed.id })]);
  });

  it('refuses clearly when the ended agent never reported its conversation id, and starts afresh when asked', async () => {
    const argv = path.join(tempDir(), 'argv.jsonl');
    const { council, manager } = await scene('claude', [{ argvTo: argv }, { claude: 'result', text: 'ok' }]);
    const [s] = await sessions(council, 1);
    await manager.start(s!.id, { mode: 'headless' });
    await manager.waitForEnd(s!.id);
    await expect(sendFollowUp(manager, s!.id, 'go on')).rejects.toThrow(/never reported its conversation id, so it cannot be resumed/);
    const sent = await sendFollowUp(manager, s!.id, 'go on', { start: { mode: 'headless' } });
    expect(sent.delivered).toBe('started');
    await manager.waitForEnd(s!.id);
    expect(argvLines(argv)[1]!.at(-1)).toBe('go on');
    expect(argvLines(argv)[1]!.some((a) => a.startsWith('--resume'))).toBe(false);
  });

  it('starts an agent in a session that has none only when asked, with the follow-up as its prompt', async () => {
    const argv = path.join(tempDir(), 'argv.jsonl');
    const { council, manager } = await scene('codex', [{ argvTo: argv }]);
    const [s] = await sessions(council, 1, 'claude');
    await expect(sendFollowUp(manager, s!.id, 'hello')).rejects.toThrow(/has no agent yet: start one with the follow-up as its prompt/);
    const sent = await sendFollowUp(manager, s!.id, 'write the parser', { start: { agent: 'codex', mode: 'headless' } });
    expect(sent).toMatchObject({ delivered: 'started', run: { preset: 'codex', mode: 'headless', task: 'write the parser' } });
    await manager.waitForEnd(s!.id);
    expect(argvLines(argv)[0]!.at(-1)).toBe('write the parser');
  });

  it('queues for a running headless agent and resumes it with the follow-up when it ends', async () => {
    const argv = path.join(tempDir(), 'argv.jsonl');
    const { council, manager } = await scene('claude', [{ claude: 'init', sessionId: 'conv-9' }, { argvTo: argv }, { sleep: 1500 }, { claude: 'result', text: 'ok' }]);
    const [s] = await sessions(council, 1);
    const first = await manager.start(s!.id, { mode: 'headless' });
    await waitUntil(() => argvLines(argv).length === 1, 'the first run');
    const sent = await sendFollowUp(manager, s!.id, 'and then the docs');
    expect(sent).toMatchObject({ delivered: 'queued', run: { id: first.id } });
    expect(manager.inbox.pending(s!.id).map((m) => m.text)).toEqual(['and then the docs']);
    await waitUntil(() => argvLines(argv).length === 2, 'the resumed run', 15_000);
    expect(argvLines(argv)[1]).toEqual(expect.arrayContaining(['--resume=conv-9', 'and then the docs']));
    await waitUntil(() => manager.store.latest(s!.id)?.id !== first.id && manager.store.latest(s!.id)?.state === 'done', 'the resumed run to end', 15_000);
    expect(manager.inbox.list(s!.id)).toEqual([expect.objectContaining({ state: 'resumed', runId: manager.store.latest(s!.id)!.id })]);
  });

  it('a queued follow-up of an agent the user stopped is marked failed, not run', async () => {
    const { council, manager } = await scene('claude', [{ claude: 'init', sessionId: 'conv-2' }, { sleep: 20_000 }]);
    const [s] = await sessions(council, 1);
    await manager.start(s!.id, { mode: 'headless' });
    expect((await sendFollowUp(manager, s!.id, 'more')).delivered).toBe('queued');
    await manager.stop(s!.id);
    await waitUntil(() => manager.inbox.list(s!.id)[0]?.state === 'failed', 'the follow-up marked failed');
    expect(manager.inbox.list(s!.id)[0]!.error).toMatch(/stopped before it could take this follow-up/);
    expect(manager.store.list(s!.id)).toHaveLength(1);
  });

  it("an interactive agent here takes it in its terminal; one from the session's inbox (another process) too, once", async () => {
    const stamps = path.join(tempDir(), 'stamps.jsonl');
    const { council, manager } = await scene('claude', [{ stampStdin: stamps }]);
    const [s] = await sessions(council, 1);
    await manager.start(s!.id, { mode: 'interactive' });
    expect(await sendFollowUp(manager, s!.id, 'first')).toMatchObject({ delivered: 'terminal' });
    // What `council send` does from another process: a message in the session's inbox.
    const other = new Inbox(council.ws.paths);
    const message = await other.append(s!.id, 'second, from the inbox', 'cli');
    await waitUntil(() => other.get(s!.id, message.id)?.state === 'terminal', 'the host to deliver it', 5000);
    const read = () => (existsSync(stamps) ? readFileSync(stamps, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { line: string }).line) : []);
    await waitUntil(() => read().length === 2, 'the agent to read both');
    expect(read()).toEqual(['first', 'second, from the inbox']);
    await new Promise((resolve) => setTimeout(resolve, 1200)); // a poll later: still once
    expect(read()).toHaveLength(2);
  });

  it('refuses an empty follow-up and a preset that cannot resume', async () => {
    const { council, manager } = await scene('aider', [{ print: 'ok\n' }]);
    const [s] = await sessions(council, 1, 'aider');
    await expect(sendFollowUp(manager, s!.id, '  \n ')).rejects.toThrow(/the follow-up is empty/);
    await manager.start(s!.id, { mode: 'headless' });
    await manager.waitForEnd(s!.id);
    await expect(sendFollowUp(manager, s!.id, 'go on')).rejects.toThrow(/cannot resume its conversation with a new prompt/);
  });
});

describe('the inbox', () => {
  it('is bounded: the oldest delivered messages go, pending ones stay', async () => {
    const { council } = await scene('claude');
    const inbox = new Inbox(council.ws.paths);
    const first = await inbox.append('s1', 'keep me', 'cli');
    for (let i = 0; i < INBOX_KEEP + 5; i += 1) {
      const m = await inbox.append('s1', `m${i}`, 'cli');
      await inbox.mark('s1', [m.id], { state: 'terminal', runId: 'r' });
    }
    const kept = inbox.list('s1');
    expect(kept).toHaveLength(INBOX_KEEP);
    expect(kept[0]).toMatchObject({ id: first.id, state: 'pending' });
    expect(kept.at(-1)!.text).toBe(`m${INBOX_KEEP + 4}`);
  });

  it('refuses more than its pending limit, saying so', async () => {
    const { council } = await scene('claude');
    const inbox = new Inbox(council.ws.paths);
    for (let i = 0; i < 20; i += 1) await inbox.append('s1', `m${i}`, 'cli');
    await expect(inbox.append('s1', 'one too many', 'cli')).rejects.toThrow(/already has 20 follow-ups waiting/);
  });
});
