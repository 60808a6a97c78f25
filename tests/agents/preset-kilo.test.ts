import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AgentEventInput, AgentRun } from '../../shared/agents';
import type { Session } from '../../shared/models';
import { KILO_DENIAL_PREFIX } from '../../electron/core/agents/hooks/kilo';
import { kiloPreset } from '../../electron/core/agents/presets/kilo';
import { sendFollowUp } from '../../electron/core/agents/follow-up';
import { AgentManager } from '../../electron/core/agents/manager';
import { descendants, isAlive } from '../../electron/core/agents/runner/process-tree';
import { Council } from '../../electron/core/council';
import { Inbox } from '../../electron/core/agents/inbox';
import { REPO_ROOT } from '../helpers/cli';
import { gitSync, makeRepo } from '../helpers/repo';
import { startModelServer, type ModelServer, type Script } from '../support/model-server/index';
import { keepFixture, parseJsonLines } from './agent-clis';
import { deadServerUrl, fileContents, FREE, FREE_CONTENT, gitChanges, heldReason, launchContext, loggedHookCalls, presetScene, requireCli, runInteractiveUntil, runLaunch, TARGET, testUser, type PresetScene } from './harness';
import { proves } from '../helpers/proves';

// The real Kilo Code CLI (@kilocode/cli, an opencode fork), started the way the app starts it
// (kiloPreset.launch: `kilo run --format json --auto "<task>"`, council's plugin and MCP server in
// KILO_CONFIG_CONTENT), in a session's worktree, with the real `council hook` behind its plugin,
// against the scripted model server (Anthropic Messages, a custom provider in the test user's
// ~/.config/kilo/kilo.json, with a plugin of their own).

const HELD_EXISTING = 'README.md';
const ORIGINAL = '# demo\n';

/** The tool results the model read after each of its tool calls, as JSON text. */
function requestsAfter(scene: PresetScene, kind: 'write' | 'shell'): string {
  const turns = scene.server.requests.filter((r) => r.kind === 'turn');
  const at = turns.findIndex((r) => r.answered?.kind === kind);
  return turns
    .slice(at + 1)
    .map((r) => JSON.stringify(r.body))
    .join('\n');
}

/** The reason as it is written inside a JSON string (its quotes escaped). */
const inJson = (text: string): string => JSON.stringify(text).slice(1, -1);

const KILO = path.join(REPO_ROOT, 'node_modules', '.bin', 'kilo');
const servers: ModelServer[] = [];
const managers: AgentManager[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.stopAll()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A repository, the agent manager started from its main checkout (PWD), a test user whose Kilo uses `serverUrl`. */
async function managed(serverUrl: string, task: string, override: Record<string, unknown> = {}): Promise<{ repo: ReturnType<typeof makeRepo>; council: Council; session: Session; manager: AgentManager }> {
  const repo = makeRepo();
  const council = Council.open(repo.root);
  await council.ws.updateSettings({ agents: { kilo: { path: KILO, ...override } } });
  const user = testUser('kilo', serverUrl);
  const manager = new AgentManager(council, { env: { ...user.env, PWD: repo.root }, userHome: user.home, stopGraceMs: 1000 });
  managers.push(manager);
  const [session] = (await council.createSessions({ task, agent: 'kilo' })) as [Session];
  return { repo, council, session, manager };
}

async function scriptedServer(script: Script): Promise<ModelServer> {
  const server = await startModelServer(script);
  servers.push(server);
  return server;
}

/** A preset scene run to its end with `script`, README.md also held by the holder. */
async function shellScene(script: Script, prepare?: (scene: PresetScene) => void): Promise<PresetScene> {
  const scene = await presetScene('kilo', { script });
  await scene.council.locks.acquire(HELD_EXISTING, scene.holder.id, { cwd: scene.repo.root });
  prepare?.(scene);
  try {
    const run = await runLaunch(await kiloPreset.launch(scene.ctx), 240_000);
    expect(run.timedOut).toBe(false);
    expect(run.code, run.stderr).toBe(0);
    expect(scene.server.errors).toEqual([]);
  } finally {
    await scene.close();
  }
  return scene;
}

let councilCliBefore: string | undefined;

describe.sequential('the Kilo Code preset with the real CLI', () => {
  beforeAll(() => {
    requireCli('kilo');
    // The bundle this checkout built, for the hooks and `council mcp` the agent manager starts.
    councilCliBefore = process.env.COUNCIL_CLI;
    process.env.COUNCIL_CLI = path.join(REPO_ROOT, 'out', 'cli', 'council.cjs');
  });
  afterAll(() => {
    if (councilCliBefore === undefined) delete process.env.COUNCIL_CLI;
    else process.env.COUNCIL_CLI = councilCliBefore;
  });

  it('headless: refuses the held file with the lock reason, writes the free one, its events parsed, the context current', async () => {
    const scene = await presetScene('kilo');
    const { council, holder, writer, server, user } = scene;
    try {
      const launch = await kiloPreset.launch(scene.ctx);
      expect(launch.env.HOME).toBe(user.home);
      expect(launch.env.PWD).toBe(writer.worktreePath);
      expect(launch.env.COUNCIL_SESSION_ID).toBe(writer.id);
      expect(launch.args.slice(0, 4)).toEqual(['run', '--format', 'json', '--auto']);
      const run = await runLaunch(launch, 240_000);

      expect(run.timedOut).toBe(false);
      expect(run.code, run.stderr).toBe(0);
      expect(server.errors).toEqual([]);
      // (1) The held file: not written; the model reads the lock hook's reason; the run goes on.
      expect(existsSync(path.join(writer.worktreePath, TARGET))).toBe(false);
      const [denied, written] = server.toolResults();
      expect(denied?.text).toBe(`${KILO_DENIAL_PREFIX} ${heldReason(holder)}`);
      expect(await council.locks.who(TARGET, { cwd: scene.repo.root })).toMatchObject({ sessionId: holder.id });
      expect(scene.contexts).toContainEqual(expect.objectContaining({ status: 'blocked', blockedOn: TARGET, blockedReason: heldReason(holder) }));
      // (2) The free file: written, locked for the writer; post-tool then stop leave it current and done.
      expect(written?.text).toContain('Wrote file successfully');
      expect(readFileSync(path.join(writer.worktreePath, FREE), 'utf8')).toBe(FREE_CONTENT);
      expect(await council.locks.who(FREE, { cwd: scene.repo.root })).toMatchObject({ sessionId: writer.id });
      expect(council.context.get(writer.id)).toMatchObject({ status: 'done', currentFile: FREE, blockedOn: null, blockedReason: null });
      // (3) Its JSON events, through the preset's parser: the tool calls, the refusal with its
      // reason, the written file, the conversation id and the answer.
      const events: AgentEventInput[] = run.stdout.split('\n').flatMap((line) => launch.parser?.line(line) ?? []);
      const sessionId = (parseJsonLines(run.stdout)[0] as { sessionID: string }).sessionID;
      expect(sessionId).toMatch(/^ses_/);
      expect(events[0]).toEqual({ kind: 'started', agentSessionId: sessionId, model: null });
      expect(events).toContainEqual({ kind: 'tool', tool: 'write', path: TARGET });
      expect(events).toContainEqual({ kind: 'denied', tool: 'write', path: TARGET, reason: heldReason(holder) });
      expect(events).toContainEqual({ kind: 'file-changed', path: FREE });
      expect(events.at(-1)).toEqual({ kind: 'done', text: 'Done: wrote src/y.ts.' });
      // (4) The user's own setup applied beside our plugin (their plugin ran), nothing written to
      // their config, nothing in the worktree but the agent's edit.
      expect(existsSync(user.userHookMarker)).toBe(true);
      expect(fileContents(user.configFiles)).toEqual(scene.configBefore);
      expect(gitChanges(writer.worktreePath)).toEqual([`?? ${FREE}`]);

      const calls = loggedHookCalls(scene.hookLog);
      expect(calls.filter((c) => c.kind === 'pre-tool').map((c) => c.payload.tool_name)).toEqual(['write', 'write']);
      expect(calls.filter((c) => c.kind === 'post-tool').map((c) => c.payload.tool_name)).toEqual(['write']);
      expect(calls.some((c) => c.kind === 'stop')).toBe(true);
      keepFixture('kilo-denied.jsonl', { ...run, events: parseJsonLines(run.stdout) } as never);
      for (const kind of ['pre-tool', 'post-tool', 'stop', 'prompt']) keepFixture(`kilo-${kind}-payload.json`, calls.find((c) => c.kind === kind)?.payload ?? {});
    } finally {
      await scene.close();
    }
    proves('kilo', ['headless', 'locks.edit', 'status', 'events']);
  }, 300_000);

  it('fails closed: a plugin Kilo cannot load leaves it no tool that writes, and a lock hook that cannot run refuses the edit', async () => {
    // (1) The plugin file broken after the launch wrote it (a newer Kilo's API, a file gone): Kilo
    // only logs it, and the config's denied edit and bash permissions stay — no write, edit,
    // patch or bash tool is offered to the model.
    const broken = await presetScene('kilo', { script: [{ text: 'Nothing to do.' }] });
    try {
      const launch = await kiloPreset.launch(broken.ctx);
      writeFileSync(path.join(broken.ctx.privateDir, 'kilo-plugin', 'council.js'), "throw new Error('not loadable');\n");
      const run = await runLaunch(launch, 240_000);
      expect(run.timedOut).toBe(false);
      expect(broken.server.errors).toEqual([]);
      const offered = ((broken.server.requests.find((r) => r.kind === 'turn')?.body as { tools?: { name: string }[] })?.tools ?? []).map((t) => t.name);
      expect(offered).toContain('read');
      for (const tool of ['write', 'edit', 'apply_patch', 'bash']) expect(offered).not.toContain(tool);
    } finally {
      await broken.close();
    }
    // (2) `council` gone from under the hook: the plugin refuses the write with what went wrong.
    const gone = await presetScene('kilo', { script: [{ write: { path: FREE, content: FREE_CONTENT } }, { text: 'Done.' }] });
    try {
      const launch = await kiloPreset.launch({ ...gone.ctx, council: { argv: [path.join(gone.user.home, 'no-such-council')], env: {} } });
      const run = await runLaunch(launch, 240_000);
      expect(run.timedOut).toBe(false);
      expect(run.code, run.stderr).toBe(0);
      expect(existsSync(path.join(gone.writer.worktreePath, FREE))).toBe(false);
      const [refused] = gone.server.toolResults();
      expect(refused?.text).toMatch(new RegExp(`^${KILO_DENIAL_PREFIX} .*no-such-council.*not found`));
    } finally {
      await gone.close();
    }
  }, 600_000);

  it('shell: `echo x > held` is refused with the holder named; a write the command line does not show is undone and the agent told', async () => {
    const echo = await shellScene([{ shell: `echo mine > ${TARGET}` }, { text: 'Done.' }]);
    expect(existsSync(path.join(echo.writer.worktreePath, TARGET))).toBe(false);
    expect(requestsAfter(echo, 'shell')).toContain(inJson(`${KILO_DENIAL_PREFIX} ${heldReason(echo.holder)}`));
    expect(echo.contexts).toContainEqual(expect.objectContaining({ status: 'blocked', blockedOn: TARGET, blockedReason: heldReason(echo.holder) }));
    expect(loggedHookCalls(echo.hookLog).filter((c) => c.kind === 'pre-tool').map((c) => c.payload.tool_name)).toEqual(['bash']);

    const write = `${process.execPath} -e "require('fs').writeFileSync('${HELD_EXISTING}', 'mine\\n')"`;
    const hidden = await shellScene([{ shell: write }, { text: 'Done.' }]);
    expect(readFileSync(path.join(hidden.writer.worktreePath, HELD_EXISTING), 'utf8')).toBe(ORIGINAL);
    const told = `council undid part of that command: ${HELD_EXISTING} is being edited by session ${hidden.holder.id} (codex: add auth) (its content was put back); work on another file or wait`;
    expect(requestsAfter(hidden, 'shell')).toContain(inJson(told));
    expect(hidden.contexts).toContainEqual(expect.objectContaining({ status: 'blocked', blockedOn: HELD_EXISTING, blockedReason: told }));
    proves('kilo', ['locks.shell', 'locks.undo']);
  }, 600_000);

  it("first write: started by the agent manager from the main checkout, Kilo writes into the session's worktree", async () => {
    const server = await scriptedServer([{ write: { path: 'first.txt', content: 'the first write\n' } }, { text: 'Done: wrote first.txt.' }]);
    const s = await managed(server.url, 'create first.txt');
    await s.manager.start(s.session.id, { mode: 'headless' });
    const run = (await s.manager.waitForEnd(s.session.id)) as AgentRun;
    expect(server.errors).toEqual([]);
    expect(existsSync(path.join(s.repo.root, 'first.txt')), 'first.txt was written into the main checkout').toBe(false);
    expect(gitSync(s.repo.root, 'status', '--porcelain')).toBe('');
    expect(readFileSync(path.join(s.session.worktreePath, 'first.txt'), 'utf8')).toBe('the first write\n');
    expect(run, run.reason ?? '').toMatchObject({ state: 'done', exitCode: 0, didWork: true });
    expect(run.filesTouched).toContain('first.txt');
    proves('kilo', 'firstWrite');
  }, 300_000);

  it("a dead model server: failed within modelTimeoutSeconds (10 s) plus Kilo's start-up allowance (60 s), the reason naming the server", async () => {
    const dead = await deadServerUrl();
    const s = await managed(dead, 'say hi', { modelTimeoutSeconds: 10 });
    const started = Date.now();
    await s.manager.start(s.session.id, { mode: 'headless' });
    const run = (await s.manager.waitForEnd(s.session.id)) as AgentRun;
    expect(run.state).toBe('failed');
    // Kilo retries a refused connection on its own for about a minute and a half, saying nothing.
    expect(run.reason).toBe(`Kilo Code got no answer from its model server at ${dead}/v1 within 70 s; check that the server runs and can be reached (agents.kilo.modelTimeoutSeconds sets this limit)`);
    expect(Date.now() - started).toBeLessThan(90_000);
  }, 180_000);

  it.runIf(process.platform === 'linux')('stop during its shell command leaves no process of its tree behind', async () => {
    const server = await scriptedServer([{ shell: 'tail -f /dev/null' }, { text: 'Done.' }]);
    const s = await managed(server.url, 'wait a while');
    const run = await s.manager.start(s.session.id, { mode: 'headless' });
    const pid = run.pid as number;
    const deadline = Date.now() + 180_000;
    let tree: number[] = [];
    const commandLine = (p: number): string => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, 'utf8').replace(/\0/g, ' ');
      } catch {
        return '';
      }
    };
    while (Date.now() < deadline) {
      tree = await descendants(pid);
      if (tree.some((p) => commandLine(p).includes('tail -f /dev/null'))) break;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    expect(tree.some((p) => commandLine(p).includes('tail -f /dev/null')), 'the shell command ran').toBe(true);
    const stopped = (await s.manager.stop(s.session.id)) as AgentRun;
    expect(stopped).toMatchObject({ state: 'stopped', reason: 'stopped by the user' });
    expect([pid, ...tree].filter(isAlive).map((p) => `${p} ${commandLine(p)}`)).toEqual([]);
    expect(server.errors).toEqual([]);
  }, 300_000);

  it("resume: a follow-up continues Kilo's own conversation (kilo run --session)", async () => {
    const server = await scriptedServer([{ text: 'The first code word is ALPHA-7731.' }, { text: 'The second code word is BRAVO-4409.' }]);
    const s = await managed(server.url, 'Say the first code word.');
    await s.manager.start(s.session.id, { mode: 'headless' });
    const first = (await s.manager.waitForEnd(s.session.id)) as AgentRun;
    expect(first, first.reason ?? '').toMatchObject({ state: 'done', agentSessionId: expect.stringMatching(/^ses_/) });
    const before = server.requests.length;
    const sent = await sendFollowUp(s.manager, s.session.id, 'Now say the second code word, BRAVO-4409.');
    expect(sent).toMatchObject({ delivered: 'resumed', run: { preset: 'kilo', mode: 'headless' } });
    const resumed = (await s.manager.waitForEnd(s.session.id)) as AgentRun;
    expect(resumed, resumed.reason ?? '').toMatchObject({ state: 'done', id: sent.run!.id, agentSessionId: first.agentSessionId });
    const body = JSON.stringify(server.requests.slice(before).find((r) => r.kind === 'turn')?.body ?? null);
    expect(body).toContain('Say the first code word.');
    expect(body).toContain('ALPHA-7731');
    expect(body.indexOf('Now say the second code word')).toBeGreaterThan(body.indexOf('ALPHA-7731'));
    expect(s.manager.logTail(resumed).data).toContain('BRAVO-4409');
    expect(server.errors).toEqual([]);
    proves('kilo', 'resume');
  }, 400_000);

  it("council's MCP tools: Kilo calls council_who_owns, council_peers and council_send_message", async () => {
    const repo = makeRepo();
    const council = Council.open(repo.root);
    const [holder] = (await council.createSessions({ task: 'hold the API', agent: 'claude' })) as [Session];
    const [writer] = (await council.createSessions({ task: 'write the client', agent: 'kilo' })) as [Session];
    await council.locks.acquire('src/api.ts', holder.id, { cwd: repo.root });
    const server = await scriptedServer([
      { tool: { name: 'council_who_owns', input: { path: 'src/api.ts' } } },
      { tool: { name: 'council_peers', input: {} } },
      { tool: { name: 'council_send_message', input: { to: holder.id, text: 'may I have src/api.ts?' } } },
      { text: 'Asked for src/api.ts.' },
    ]);
    const user = testUser('kilo', server.url);
    const launch = await kiloPreset.launch(launchContext({ cli: 'kilo', repo, session: writer, user, task: 'write the client' }));
    const run = await runLaunch(launch, 240_000);
    expect(run.timedOut).toBe(false);
    expect(run.code, run.stderr).toBe(0);
    expect(server.errors).toEqual([]);
    const turns = server.requests.filter((r) => r.kind === 'turn');
    const resultOf = (name: string): string => {
      const at = turns.findIndex((r) => r.answered?.kind === 'tool' && r.answered.name === name);
      expect(at, `the model called ${name}`).toBeGreaterThanOrEqual(0);
      return (turns[at + 1]?.toolResults ?? []).map((r) => r.text).join('\n');
    };
    expect(resultOf('council_who_owns')).toContain(`src/api.ts is locked by session ${holder.id}`);
    expect(resultOf('council_peers')).toContain(`You are session ${writer.id}. 1 other session(s)`);
    expect(resultOf('council_send_message')).toContain(`Sent to ${holder.id}`);
    expect(new Inbox(council.ws.paths).pending(holder.id)).toEqual([expect.objectContaining({ from: `session:${writer.id}`, text: expect.stringContaining('may I have src/api.ts?') })]);
    proves('kilo', 'mcp');
  }, 300_000);

  it('interactive: its TUI takes the task as --prompt; the held file is refused, the free one written', async () => {
    const scene = await presetScene('kilo', { mode: 'interactive', env: { TERM: 'xterm-256color' } });
    const { council, writer, holder } = scene;
    try {
      const launch = await kiloPreset.launch(scene.ctx);
      expect(launch.args).toEqual([writer.worktreePath, '--prompt', `Create ${FREE}.`]);
      const free = path.join(writer.worktreePath, FREE);
      const run = await runInteractiveUntil(launch, () => existsSync(free) && loggedHookCalls(scene.hookLog).some((c) => c.kind === 'post-tool'), 240_000);
      expect(run.reached, run.output.slice(-3000)).toBe(true);
      expect(readFileSync(free, 'utf8')).toBe(FREE_CONTENT);
      expect(existsSync(path.join(writer.worktreePath, TARGET))).toBe(false);
      expect(scene.server.toolResults()[0]?.text).toBe(`${KILO_DENIAL_PREFIX} ${heldReason(holder)}`);
      const calls = loggedHookCalls(scene.hookLog);
      expect(calls.map((c) => c.kind)).toContain('prompt');
      expect(calls.filter((c) => c.kind === 'pre-tool').map((c) => c.payload.tool_name)).toEqual(['write', 'write']);
      expect(await council.locks.who(FREE, { cwd: scene.repo.root })).toMatchObject({ sessionId: writer.id });
    } finally {
      await scene.close();
    }
    proves('kilo', 'interactive');
  }, 300_000);
});
