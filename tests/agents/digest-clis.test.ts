import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AgentRun } from '../../shared/agents';
import type { Session } from '../../shared/models';
import { sendFollowUp } from '../../electron/core/agents/follow-up';
import { AgentManager } from '../../electron/core/agents/manager';
import { Council } from '../../electron/core/council';
import { REPO_ROOT } from '../helpers/cli';
import { makeRepo, writeIn } from '../helpers/repo';
import { startModelServer, type ModelServer, type RecordedRequest } from '../support/model-server/index';
import { loggedHookCalls, requireCli, testUser, type PresetCli } from './harness';

// The digest of a session's peers (electron/core/council/digest.ts) reaching the real CLIs' model
// requests through their context hooks (`council hook digest` on SessionStart and
// UserPromptSubmit, Gemini's BeforeAgent, Copilot's userPromptSubmitted), started by the agent
// manager as the app starts them.
// Proven on the scripted model server's log, over one conversation of three runs (the start and two
// follow-ups, each resuming it):
//   1. the first request carries the digest, once (two hooks fire at the start; one tells it);
//   2. nothing changed: the next prompt adds no second copy (the one in the history stays). Gemini
//      CLI drops hook context from a saved conversation: resumed, it is told again (once);
//   3. the agent itself edits a file its peer changed too, the live radar predicts the conflict,
//      and the next prompt carries the digest again, the new conflict first and marked NEW.

const CLIS: PresetCli[] = ['claude', 'codex', 'gemini', 'qwen', 'copilot'];
/** The context hooks each CLI runs for one headless run, in order. */
const START_EVENTS: Partial<Record<PresetCli, string[]>> = {
  claude: ['SessionStart', 'UserPromptSubmit'],
  codex: ['SessionStart', 'UserPromptSubmit'],
  gemini: ['SessionStart', 'BeforeAgent'],
  qwen: ['UserPromptSubmit'],
  // Copilot CLI: its userPromptSubmitted hook only (hooks/copilot.ts: a resume replaces sessionStart's context).
  copilot: ['userPromptSubmitted'],
};
/**
 * …and for the resumed run that writes a file, when they differ: Qwen Code runs UserPromptSubmit
 * again for the request after each tool call, read then write (the fingerprint keeps it from telling twice).
 */
const RESUMED_EVENTS: Partial<Record<PresetCli, string[]>> = { qwen: ['UserPromptSubmit', 'UserPromptSubmit', 'UserPromptSubmit'] };
const HEADER = (id: string) => `[council] You are session ${id};`;

const servers: ModelServer[] = [];
const managers: AgentManager[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.stopAll()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** Every string inside a request body, one a line: what the model was sent, unescaped. */
function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(textOf).join('\n');
  if (value && typeof value === 'object') return Object.values(value).map(textOf).join('\n');
  return '';
}

const count = (text: string, part: string): number => text.split(part).length - 1;

/**
 * The events `council hook digest` was run for, in order. Copilot CLI's camelCase payloads name no
 * event: a sessionStart's has a `source`, a userPromptSubmitted's a `prompt`.
 */
const digestCalls = (log: string): string[] =>
  loggedHookCalls(log)
    .filter((c) => c.kind === 'digest')
    .map((c) => String(c.payload.hook_event_name ?? (c.payload.source !== undefined ? 'sessionStart' : c.payload.prompt !== undefined ? 'userPromptSubmitted' : undefined)));

/** The first main-agent request of the requests from `from` on (the run's prompt with its context). */
function firstTurn(server: ModelServer, from: number): string {
  const turn = server.requests.slice(from).find((r: RecordedRequest) => r.kind === 'turn');
  expect(turn, 'no model request in this run').toBeDefined();
  return textOf(turn!.body);
}

describe.sequential('the digest reaches the real CLIs, once, and again when something changed', () => {
  beforeAll(() => {
    for (const cli of CLIS) requireCli(cli);
    // The hooks run this checkout's CLI bundle (not another one found above the test runner).
    process.env.COUNCIL_CLI = path.join(REPO_ROOT, 'out', 'cli', 'council.cjs');
  });

  for (const cli of CLIS) {
    it(`${cli}: told at the start, not again unchanged, told the conflict it caused`, async () => {
      const server = await startModelServer([
        { text: 'Noted the other session.' },
        // Qwen Code overwrites only a file read in this conversation.
        ...(cli === 'qwen' ? [{ read: { path: 'src/a.ts' } }] : []),
        { write: { path: 'src/a.ts', content: 'export const a = "mine";\n' } },
        { text: 'Changed src/a.ts.' },
        { text: 'Noted the conflict.' },
      ]);
      servers.push(server);
      const repo = makeRepo();
      const council = Council.open(repo.root);
      await council.ws.updateSettings({ agents: { [cli]: { path: path.join(REPO_ROOT, 'node_modules', '.bin', cli) } } });
      const user = testUser(cli, server.url);
      const hookLog = path.join(user.home, 'hook-calls.jsonl');
      user.env.COUNCIL_HOOK_LOG = hookLog;
      const manager = new AgentManager(council, { env: user.env, userHome: user.home });
      managers.push(manager);

      // A peer at work: it holds src/x.ts, and has changed src/a.ts in its worktree.
      const [peer] = (await council.createSessions({ task: 'add auth', agent: 'codex' })) as [Session];
      await council.locks.acquire('src/x.ts', peer.id, { cwd: repo.root });
      await council.context.update(peer.id, { status: 'working', currentFile: 'src/x.ts' }, { cwd: repo.root });
      writeIn(peer.worktreePath, 'src/a.ts', 'export const a = "auth";\n');
      const [me] = (await council.createSessions({ task: 'Say what you were told about other sessions.', agent: cli })) as [Session];
      const peerLine = `- ${peer.id} (codex, working on src/x.ts): "add auth"; holds src/x.ts`;

      // 1. The start: the digest is in the first model request, once.
      await manager.start(me.id, { mode: 'headless' });
      const first = (await manager.waitForEnd(me.id)) as AgentRun;
      expect(first, first.reason ?? '').toMatchObject({ state: 'done' });
      const start = firstTurn(server, 0);
      expect(count(start, HEADER(me.id))).toBe(1);
      expect(start).toContain(peerLine);
      expect(start).toContain('council send ID -m');
      expect(start).not.toContain('Predicted conflicts');
      // Both context hooks ran (start and prompt): the second, with nothing new, told nothing.
      // Qwen Code (0.15) fires no SessionStart in prompt mode: its UserPromptSubmit tells it.
      expect(digestCalls(hookLog)).toEqual(START_EVENTS[cli]);

      // 2. Nothing changed: the follow-up's request holds the earlier copy (history), no new one.
      let before = server.requests.length;
      const edit = await sendFollowUp(manager, me.id, 'Now change src/a.ts.');
      expect(edit.delivered).toBe('resumed');
      const second = (await manager.waitForEnd(me.id)) as AgentRun;
      expect(second, second.reason ?? '').toMatchObject({ state: 'done' });
      const unchanged = firstTurn(server, before);
      expect(unchanged).toContain('Now change src/a.ts.');
      expect(count(unchanged, HEADER(me.id))).toBe(1);
      expect(digestCalls(hookLog)).toEqual([...(START_EVENTS[cli] ?? []), ...(RESUMED_EVENTS[cli] ?? START_EVENTS[cli] ?? [])]);

      // 3. The agent changed src/a.ts, which its peer changed too: the live radar (as the app runs
      // it after a worktree change) predicts the conflict, and the next prompt is told, marked NEW.
      const radar = await (await council.radar()).compute();
      expect(radar.pairs).toContainEqual(expect.objectContaining({ conflicts: [expect.objectContaining({ path: 'src/a.ts', kind: 'content' })] }));
      before = server.requests.length;
      const next = await sendFollowUp(manager, me.id, 'Anything new?');
      expect(next.delivered).toBe('resumed');
      const third = (await manager.waitForEnd(me.id)) as AgentRun;
      expect(third, third.reason ?? '').toMatchObject({ state: 'done' });
      const changed = firstTurn(server, before);
      expect(count(changed, HEADER(me.id))).toBe(cli === 'gemini' ? 1 : 2);
      const latest = changed.slice(changed.lastIndexOf(HEADER(me.id)));
      expect(latest).toContain(`Predicted conflicts with your work (the radar):\n- NEW with ${peer.id} (codex, working on src/x.ts): "add auth": conflict in src/a.ts (content)`);
      expect(server.errors).toEqual([]);
    }, 240_000);
  }
});
