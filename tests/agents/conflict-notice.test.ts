import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AgentRun } from '../../shared/agents';
import type { Session } from '../../shared/models';
import { AgentManager } from '../../electron/core/agents/manager';
import { Council } from '../../electron/core/council';
import { REPO_ROOT } from '../helpers/cli';
import { makeRepo, tempDir, writeIn } from '../helpers/repo';
import { startModelServer, type ModelServer, type RecordedRequest } from '../support/model-server/index';
import { loggedHookCalls, requireCli, testUser, type PresetCli } from './harness';

// A conflict the radar predicts while an agent is mid-turn reaches it at its next tool boundary,
// not only at its next prompt: the real CLIs, started by the agent manager, against the scripted
// model server. `council hook notice` runs on Claude Code's and Codex's PostToolUse, Gemini CLI's
// AfterTool and Copilot CLI's postToolUse; Qwen Code runs its UserPromptSubmit hook (the digest)
// before every model request, so there the digest tells it, marked NEW.
//   1. session A (a peer) has changed src/a.ts; B's agent changes it too, then runs a shell
//      command that waits until the test has run the radar (as the app runs it after a change);
//   2. a model request of the same turn after that carries the notice: A's task, what it is doing,
//      the file, and how to reach it; no request before the radar does;
//   3. B's next tool call adds no second copy (the one in the history stays).

const CLIS: PresetCli[] = (process.env.NOTICE_CLIS?.split(',') as PresetCli[] | undefined) ?? ['claude', 'codex', 'gemini', 'copilot', 'qwen'];
const NOTICE = '[council] NEW predicted conflict';

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
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.sequential('a newly predicted conflict is told mid-turn, at the next tool boundary, once', () => {
  beforeAll(() => {
    for (const cli of CLIS) requireCli(cli);
    process.env.COUNCIL_CLI = path.join(REPO_ROOT, 'out', 'cli', 'council.cjs');
  });

  for (const cli of CLIS) {
    it(`${cli}: a request of the same turn after the radar found the conflict carries it; the next one adds none`, async () => {
      const flag = path.join(tempDir('council-notice-'), 'radar-done');
      const server = await startModelServer([
        // Qwen Code overwrites only a file read in this conversation.
        ...(cli === 'qwen' ? [{ read: { path: 'src/a.ts' } }] : []),
        { write: { path: 'src/a.ts', content: 'export const a = "mine";\n' } },
        { shell: `while [ ! -f '${flag}' ]; do sleep 0.2; done; echo radar done` },
        { shell: 'echo next step' },
        { shell: 'echo last step' },
        { text: 'Done.' },
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

      // Session A: a peer that changed src/a.ts in its worktree, at work on it.
      const [peer] = (await council.createSessions({ task: 'add auth', agent: 'codex' })) as [Session];
      writeIn(peer.worktreePath, 'src/a.ts', 'export const a = "auth";\n');
      await council.context.update(peer.id, { status: 'working', currentFile: 'src/a.ts' }, { cwd: repo.root });
      const [me] = (await council.createSessions({ task: 'Change src/a.ts.', agent: cli })) as [Session];
      // What tells it: the notice, or (Qwen) the digest's conflict line marked NEW.
      const marker = cli === 'qwen' ? `- NEW with ${peer.id}` : NOTICE;

      await manager.start(me.id, { mode: 'headless' });
      // Mid-turn: once the agent runs its waiting command (its write is done), the radar runs.
      const deadline = Date.now() + 180_000;
      while (!server.requests.some((r) => r.answered?.kind === 'shell')) {
        if (Date.now() > deadline) throw new Error(`the agent never ran its shell step: ${JSON.stringify(server.errors)}`);
        await sleep(100);
      }
      const radar = await (await council.radar()).compute();
      expect(radar.pairs).toContainEqual(expect.objectContaining({ conflicts: [expect.objectContaining({ path: 'src/a.ts', kind: 'content' })] }));
      writeFileSync(flag, '');
      const run = (await manager.waitForEnd(me.id)) as AgentRun;
      expect(run, run.reason ?? '').toMatchObject({ state: 'done' });
      expect(server.errors).toEqual([]);

      // One turn: the requests from the write to the final answer.
      const turns = server.requests.filter((r: RecordedRequest) => r.kind === 'turn');
      const waitAt = turns.findIndex((r) => r.answered?.kind === 'shell');
      const lastAt = turns.findIndex((r) => r.answered?.kind === 'text');
      expect(turns.map((t) => t.answered?.kind)).toEqual([...(cli === 'qwen' ? ['read'] : []), ...(cli === 'claude' ? ['read'] : []), 'write', 'shell', 'shell', 'shell', 'text']);
      const told = turns.map((t) => count(textOf(t.body), marker));
      // Not before the radar ran (the request that started the waiting command was sent before it).
      expect(told.slice(0, waitAt + 1).every((n) => n === 0), String(told)).toBe(true);
      // In a request of the same turn after it, before the last step: Claude Code, Codex, Gemini
      // CLI and Qwen Code the very next request; Copilot CLI runs no postToolUse for the waiting
      // command (it notifies instead), so its next completed tool call tells it.
      const first = told.findIndex((n) => n > 0);
      expect(first, String(told)).toBe(waitAt + (cli === 'copilot' ? 2 : 1));
      expect(first).toBeLessThan(lastAt);
      // Told once: every later request holds that one copy (the history), no second.
      expect(told.slice(first), String(told)).toEqual(told.slice(first).map(() => 1));
      const text = textOf(turns[first]?.body);
      const says =
        cli === 'qwen'
          ? [`- NEW with ${peer.id} (codex, working on src/a.ts): "add auth": conflict in src/a.ts (content)`, 'council send ID -m']
          : [`session ${peer.id} (codex, working on src/a.ts), whose task is "add auth": it changes src/a.ts too (content conflict predicted with your changes)`, `council send ${peer.id} -m`];
      const told1 = text.slice(text.indexOf(marker), text.indexOf(marker) + 900);
      for (const part of says) expect(told1).toContain(part);
      // The notice hook ran after each tool call (Qwen Code has none: its digest runs before each request).
      const notices = loggedHookCalls(hookLog).filter((c) => c.kind === 'notice').length;
      expect(cli === 'qwen' ? notices === 0 : notices >= 3, `notice hook calls: ${notices}`).toBe(true);
    }, 300_000);
  }
});
