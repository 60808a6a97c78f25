import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../shared/agents';
import { configureCouncilCli } from '../../electron/core/agents/council-command';
import { AgentManager } from '../../electron/core/agents/manager';
import { claudeConfigFile, claudeStartupPrompt } from '../../electron/core/agents/presets/claude-startup';
import { Council } from '../../electron/core/council';
import { REPO_ROOT } from '../helpers/cli';
import { makeRepo, tempDir } from '../helpers/repo';
import { startModelServer, type ModelServer } from '../support/model-server/index';
import { requireCli, testUser } from './harness';

/*
 * Issue 12, item 6: while Claude Code sat at its "Do you trust the files in this folder?" prompt,
 * the card said Working. No hook fires before that prompt is answered; Claude's own config says
 * whether the folder is trusted, so the session shows needs-input until it is.
 */

const CLAUDE_BIN = path.join(REPO_ROOT, 'node_modules', '.bin', 'claude');

function configWith(content: unknown): string {
  const dir = tempDir('council-claude-config-');
  writeFileSync(path.join(dir, '.claude.json'), JSON.stringify(content));
  return path.join(dir, '.claude.json');
}

describe("Claude Code's start-up prompt, from its own config", () => {
  it('asks for trust in a folder never trusted, not in one trusted (or below a trusted one); first-run setup too', () => {
    const folder = tempDir('council-trust-');
    const inside = path.join(folder, 'worktree');
    mkdirSync(inside);
    expect(claudeStartupPrompt(configWith({ hasCompletedOnboarding: true }), inside)?.message).toMatch(/trust the files in this folder/);
    expect(claudeStartupPrompt(configWith({ hasCompletedOnboarding: true, projects: { [folder]: { hasTrustDialogAccepted: true } } }), inside)).toBeNull();
    expect(claudeStartupPrompt(configWith({ hasCompletedOnboarding: true, projects: { [inside]: { hasTrustDialogAccepted: false } } }), inside)).not.toBeNull();
    expect(claudeStartupPrompt(configWith({ projects: { [inside]: { hasTrustDialogAccepted: true } } }), inside)?.message).toMatch(/first-run setup/);
    expect(claudeStartupPrompt(path.join(folder, 'missing.json'), inside)?.message).toMatch(/first-run setup/);
    expect(claudeStartupPrompt(configWith({}), inside, { bypass: true })).toBeNull();
  });

  it('reads CLAUDE_CONFIG_DIR when set, else ~/.claude.json', () => {
    expect(claudeConfigFile({ CLAUDE_CONFIG_DIR: '/c' }, '/home/u')).toBe('/c/.claude.json');
    expect(claudeConfigFile({ HOME: '/home/v' }, '/home/u')).toBe('/home/v/.claude.json');
  });
});

let model: ModelServer | null = null;
let manager: AgentManager | null = null;
afterEach(async () => {
  await manager?.stopAll();
  manager = null;
  await model?.close();
  model = null;
});

async function until(check: () => boolean, what: string, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.sequential('the real Claude Code at its trust prompt (interactive, in a PTY)', () => {
  beforeAll(() => {
    requireCli('claude');
    // The hooks run this checkout's CLI bundle (built by the tests' global set-up), whatever
    // folder the test runner's own script resolves to.
    configureCouncilCli(path.join(REPO_ROOT, 'out', 'cli', 'council.cjs'));
  });

  it('needs input while it asks to trust the new worktree (nothing sent to the model), works once Enter accepts, and ends done', async () => {
    model = await startModelServer([{ write: { path: 'src/hello.ts', content: 'export const hello = 1;\n' } }, { text: 'Done.' }]);
    const user = testUser('claude', model.url);
    // Claude used before (onboarding done, key approved), but never in this new worktree.
    const apiKey = user.env.ANTHROPIC_API_KEY as string;
    writeFileSync(path.join(user.home, '.claude.json'), JSON.stringify({ hasCompletedOnboarding: true, theme: 'light', customApiKeyResponses: { approved: [apiKey.slice(-20)], rejected: [] } }));
    const repo = makeRepo();
    const council = Council.open(repo.root);
    await council.ws.updateSettings({ agents: { claude: { path: CLAUDE_BIN } } });
    const [session] = await council.createSessions({ task: 'Create src/hello.ts', agent: 'claude' });
    const events: AgentEvent[] = [];
    manager = new AgentManager(council, { env: { ...user.env, TERM: 'xterm-256color' }, userHome: user.home, stopGraceMs: 1000, listener: { event: (_run, event) => events.push(event) } });
    const id = session!.id;
    let screen = '';
    manager.attach(id, (_run, chunk) => (screen += chunk.data));

    await manager.start(id, { mode: 'interactive' });
    expect(council.context.get(id)).toMatchObject({ status: 'needs-input', message: 'Claude Code asks whether you trust the files in this folder: answer in its terminal' });
    expect(manager.events(id)).toContainEqual(expect.objectContaining({ kind: 'needs-input' }));
    // It really is at that prompt (the screen is only read here, by the test, to prove it).
    await until(() => screen.includes('trust'), 'the trust prompt on screen');
    await new Promise((r) => setTimeout(r, 1000));
    expect(council.context.get(id).status).toBe('needs-input');
    expect(model.requests.filter((r) => r.kind === 'turn')).toEqual([]);

    manager.write(id, '\r');
    await until(() => council.context.get(id).history.some((h, i, all) => h.status === 'working' && all.slice(0, i).some((x) => x.status === 'needs-input')), 'working after the answer').catch((err: Error) => { throw new Error(`${err.message}: ${JSON.stringify(council.context.get(id))}\n${screen.slice(-3000)}`); });
    // Claude asks before creating the file (its own permission prompt, through the Notification hook), then finishes.
    await until(() => council.context.get(id).message?.includes('permission') === true, 'the permission prompt');
    expect(council.context.get(id).status).toBe('needs-input');
    manager.write(id, '\r');
    await until(() => council.context.get(id).status === 'done', 'done');
    expect(council.context.get(id).history.map((h) => h.status)).toEqual(['idle', 'needs-input', 'working', 'needs-input', 'working', 'done']);
    // The Events tab of this interactive run: what the hooks saw, recorded and sent live.
    const kinds = (list: AgentEvent[]) => list.map((e) => (e.kind === 'tool' ? `tool:${e.tool}:${e.path}` : e.kind));
    await until(() => kinds(events).includes('done'), 'the turn-end event live');
    const expected = ['needs-input', 'message', 'needs-input', 'tool:Write:src/hello.ts', 'done'];
    // Its hooks told the run Claude's own conversation id (recorded as a 'started' event), so the
    // ended agent can be resumed with a follow-up.
    expect(kinds(manager.events(id)).filter((k) => k !== 'started')).toEqual(expected);
    expect(manager.events(id)).toContainEqual(expect.objectContaining({ kind: 'started', agentSessionId: expect.stringMatching(/^[0-9a-f-]{36}$/) }));
    expect(kinds(events).filter((k) => k !== 'started')).toEqual(expected);
    expect(manager.liveRun(id)).toMatchObject({ didWork: true, filesTouched: expect.arrayContaining(['src/hello.ts']) });
    // Closing the idle agent leaves the session done.
    await manager.stop(id);
    expect(council.context.get(id).status).toBe('done');
  }, 120_000);
});
