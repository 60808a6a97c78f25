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

// A conflict the radar predicts while an agent is mid-turn reaches it at its next tool boundary
// (`council hook notice` on Claude Code's PostToolUse, Gemini CLI's AfterTool), not only at its
// next prompt: the real CLI, started by the agent manager, against the scripted model server.
//   1. session A (a peer) has changed src/a.ts; B's agent changes it too, then runs a shell
//      command that waits until the test has run the radar (as the app runs it after a change);
//   2. the model request after that command carries the notice: A's task, what it is doing, the
//      file, and how to reach it; the request before it does not;
//   3. B's next tool call adds no second copy (the one in the history stays).

const CLIS: PresetCli[] = ['claude', 'gemini'];
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
    it(`${cli}: the request after the radar found the conflict carries the notice; the next one adds none`, async () => {
      const flag = path.join(tempDir('council-notice-'), 'radar-done');
      const server = await startModelServer([
        { write: { path: 'src/a.ts', content: 'export const a = "mine";\n' } },
        { shell: `while [ ! -f '${flag}' ]; do sleep 0.2; done; echo radar done` },
        { read: { path: 'README.md' } },
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

      const turns = server.requests.filter((r: RecordedRequest) => r.kind === 'turn');
      const shellAt = turns.findIndex((r) => r.answered?.kind === 'shell');
      const readAt = turns.findIndex((r) => r.answered?.kind === 'read' && r.answered.path === 'README.md');
      expect(shellAt).toBeGreaterThan(0);
      expect(readAt).toBe(shellAt + 1);
      const beforeRadar = textOf(turns[shellAt]?.body);
      const afterRadar = textOf(turns[readAt]?.body);
      const afterNext = textOf(turns[readAt + 1]?.body);
      // Not before the radar ran; in the request right after the command, once, saying who and how to reach it.
      expect(count(beforeRadar, NOTICE)).toBe(0);
      expect(count(afterRadar, NOTICE)).toBe(1);
      const notice = afterRadar.slice(afterRadar.indexOf(NOTICE), afterRadar.indexOf(NOTICE) + 600);
      expect(notice).toContain(`session ${peer.id} (codex, working on src/a.ts), whose task is "add auth": it changes src/a.ts too (content conflict predicted with your changes)`);
      expect(notice).toContain(`council send ${peer.id} -m`);
      // The next tool boundary tells nothing new: the copy in the history only.
      expect(turns[readAt + 1]?.answered?.kind).toBe('text');
      expect(count(afterNext, NOTICE)).toBe(1);
      // The notice hook ran after every tool call (read and write, the command, the read).
      const notices = loggedHookCalls(hookLog).filter((c) => c.kind === 'notice');
      expect(notices.length).toBeGreaterThanOrEqual(3);
    }, 300_000);
  }
});
