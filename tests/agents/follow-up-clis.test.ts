import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AgentRun } from '../../shared/agents';
import type { Session } from '../../shared/models';
import { sendFollowUp } from '../../electron/core/agents/follow-up';
import { AgentManager } from '../../electron/core/agents/manager';
import { Council } from '../../electron/core/council';
import { REPO_ROOT } from '../helpers/cli';
import { makeRepo } from '../helpers/repo';
import { startModelServer, type ModelServer } from '../support/model-server/index';
import { requireCli, testUser, type PresetCli } from './harness';
import { proves } from '../helpers/proves';

// A finished headless agent of each real CLI, resumed with a follow-up by the agent manager (the
// presets' own resume command lines: claude --resume, codex exec resume, gemini --resume, opencode
// run --session, qwen --resume, copilot --resume): the same conversation goes on. Proven on the scripted model server's log: the
// resumed run's first model request carries the earlier turns (the task and the first answer) AND
// the follow-up.

const CLIS: PresetCli[] = ['claude', 'codex', 'gemini', 'opencode', 'qwen', 'copilot'];
const TASK = 'Say the first code word.';
const FIRST = 'The first code word is ALPHA-7731.';
const FOLLOW_UP = 'Now say the second code word, BRAVO-4409.';
const SECOND = 'The second code word is BRAVO-4409.';

const servers: ModelServer[] = [];
const managers: AgentManager[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.stopAll()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe.sequential('a follow-up resumes the real CLIs on their own conversation', () => {
  beforeAll(() => {
    for (const cli of CLIS) requireCli(cli);
  });

  for (const cli of CLIS) {
    it(`${cli}: the resumed run's first model request holds the earlier turns and the follow-up`, async () => {
      const server = await startModelServer([{ text: FIRST }, { text: SECOND }]);
      servers.push(server);
      const repo = makeRepo();
      const council = Council.open(repo.root);
      await council.ws.updateSettings({ agents: { [cli]: { path: path.join(REPO_ROOT, 'node_modules', '.bin', cli) } } });
      const user = testUser(cli, server.url);
      const manager = new AgentManager(council, { env: user.env, userHome: user.home });
      managers.push(manager);
      const [session] = (await council.createSessions({ task: TASK, agent: cli })) as [Session];

      await manager.start(session.id, { mode: 'headless' });
      const first = (await manager.waitForEnd(session.id)) as AgentRun;
      expect(first, first.reason ?? '').toMatchObject({ state: 'done', agentSessionId: expect.any(String) });
      const before = server.requests.length;

      const sent = await sendFollowUp(manager, session.id, FOLLOW_UP);
      expect(sent).toMatchObject({ delivered: 'resumed', run: { preset: cli, mode: 'headless', task: FOLLOW_UP } });
      const resumed = (await manager.waitForEnd(session.id)) as AgentRun;
      expect(resumed, resumed.reason ?? '').toMatchObject({ state: 'done', id: sent.run!.id });

      const turn = server.requests.slice(before).find((r) => r.kind === 'turn');
      const body = JSON.stringify(turn?.body ?? null);
      expect(body).toContain('ALPHA-7731'); // the model's earlier answer
      expect(body).toContain(TASK); // the earlier prompt
      expect(body).toContain(FOLLOW_UP); // the follow-up
      // It went to the model as a new turn of that conversation: after the first answer.
      expect(body.indexOf(FOLLOW_UP)).toBeGreaterThan(body.indexOf('ALPHA-7731'));
      // And the model's answer to it came back to the run.
      expect(manager.logTail(resumed).data).toContain('BRAVO-4409');
      expect(server.errors).toEqual([]);
      proves(cli, 'resume');
    }, 180_000);
  }
});
