import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AgentRun } from '../../shared/agents';
import type { Session } from '../../shared/models';
import { stderrGist } from '../../electron/core/agents/failure-reason';
import { AgentManager } from '../../electron/core/agents/manager';
import { ollamaPreset } from '../../electron/core/agents/presets/ollama';
import { Council } from '../../electron/core/council';
import { REPO_ROOT } from '../helpers/cli';
import { makeRepo } from '../helpers/repo';
import { startModelServer, type ModelServer, type Script } from '../support/model-server/index';
import { type FakeOllama, startFakeOllama } from './fake-ollama';
import { requireCli, testUser } from './harness';
import { proves } from '../helpers/proves';

// Issue 12, item 13 (and 11 for this preset): the Ollama preset with the real Codex in --oss mode
// against a fake Ollama server of ours (tests/agents/fake-ollama.ts), whose OpenAI-compatible API is
// the scripted model. Codex --oss has no apply_patch: every edit is a shell command (exec_command).

const CODEX = path.join(REPO_ROOT, 'node_modules', '.bin', 'codex');
const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

interface Scene {
  council: Council;
  manager: AgentManager;
  ollama: FakeOllama;
  server: ModelServer;
  session: Session;
}

async function scene(script: Script, options: { version?: string; env?: Record<string, string> } = {}): Promise<Scene> {
  const server = await startModelServer(script);
  const ollama = await startFakeOllama({ models: ['qwen3-coder:latest', 'llama3.2:3b'], modelServer: server.url, version: options.version });
  closers.push(() => server.close(), () => ollama.close());
  const repo = makeRepo();
  const council = Council.open(repo.root);
  // The user's own settings: where their Ollama runs and which codex; the default model (qwen3-coder).
  await council.ws.updateSettings({ agents: { ollama: { host: ollama.url, path: CODEX } } });
  const user = testUser('codex', server.url);
  const manager = new AgentManager(council, { env: { ...user.env, ...options.env }, userHome: user.home, stopGraceMs: 1000 });
  closers.push(() => manager.stopAll());
  const [session] = (await council.createSessions({ task: 'write hello', agent: 'ollama' })) as [Session];
  return { council, manager, ollama, server, session };
}

async function runToEnd(s: Scene, ref = s.session.id): Promise<AgentRun> {
  await s.manager.start(ref, { mode: 'headless' });
  return (await s.manager.waitForEnd(ref)) as AgentRun;
}

describe.sequential('the Ollama preset with the real Codex --oss', () => {
  beforeAll(() => requireCli('codex'));

  // Hooks need this checkout's bundle (the test runner's script would point a symlinked
  // node_modules at another checkout's out/cli).
  const before = process.env.COUNCIL_CLI;
  beforeAll(() => {
    process.env.COUNCIL_CLI = path.join(REPO_ROOT, 'out', 'cli', 'council.cjs');
    return () => {
      if (before === undefined) delete process.env.COUNCIL_CLI;
      else process.env.COUNCIL_CLI = before;
    };
  });

  it('the default model "qwen3-coder" is the server\'s "qwen3-coder:latest": Codex runs it (no pull) and writes in the worktree', async () => {
    const s = await scene([{ shell: 'echo hello > hello.txt' }, { text: 'Done: wrote hello.txt.' }]);
    const run = await runToEnd(s);
    expect(run.state, run.reason ?? '').toBe('done');
    expect(readFileSync(path.join(s.session.worktreePath, 'hello.txt'), 'utf8')).toBe('hello\n');
    expect(s.ollama.requests.map((r) => r.path)).not.toContain('/api/pull');
    expect(s.server.requests.filter((r) => r.kind === 'turn').map((r) => (r.body as { model?: string }).model)).toEqual(['qwen3-coder:latest', 'qwen3-coder:latest']);
    // Codex's --json, parsed into events by the manager: the answer ends the run.
    expect(s.manager.events(s.session.id)).toContainEqual(expect.objectContaining({ kind: 'done', text: 'Done: wrote hello.txt.' }));
    proves('ollama', ['headless', 'firstWrite', 'events']);
  }, 120_000);

  it('a shell write to a file another session holds is refused by the lock hook (locks enforced)', async () => {
    const s = await scene([{ shell: 'echo mine > src/held.ts' }, { text: 'Done.' }]);
    const [holder] = (await s.council.createSessions({ task: 'own held', agent: 'claude' })) as [Session];
    await s.council.locks.acquire('src/held.ts', holder.id, { cwd: s.council.ws.repo.mainRoot });
    const run = await runToEnd(s);
    expect(run.state, run.reason ?? '').toBe('done');
    expect(existsSync(path.join(s.session.worktreePath, 'src/held.ts'))).toBe(false);
    const told = s.server.requests.filter((r) => r.kind === 'turn').map((r) => JSON.stringify(r.body)).join('\n');
    expect(told).toContain(`src/held.ts is being edited by session ${holder.id} (claude: own held); work on another file or wait`);
    proves('ollama', 'locks.shell');
  }, 120_000);

  it('a Codex failure (RUST_BACKTRACE=1) is reported by its error line, not by backtrace frames', async () => {
    const s = await scene([{ text: 'never reached' }], { version: '0.12.0', env: { RUST_BACKTRACE: '1' } });
    const run = await runToEnd(s);
    expect(run.state).toBe('failed');
    expect(run.reason).toBe('ollama exited with code 1: Error: OSS setup failed: Ollama 0.12.0 is too old. Codex requires Ollama 0.13.4 or newer.');
  }, 60_000);

  it('a missing codex names the key this preset reads: agents.ollama.path', async () => {
    const s = await scene([{ text: 'never reached' }]);
    await s.council.ws.updateSettings({ agents: { ollama: { host: s.ollama.url, path: '/nowhere/codex' } } });
    const found = await ollamaPreset.detect({ env: { PATH: '/usr/bin:/bin' }, override: { host: s.ollama.url, path: '/nowhere/codex' }, customTemplate: null });
    expect(found.problem).toContain('`council settings set agents.ollama.path /path/to/codex --user` (in the app: Settings → Agents → Ollama (local model) → Program path)');
    await expect(s.manager.start(s.session.id, { mode: 'headless' })).rejects.toThrow('(agents.ollama.path)');
    const onPath = await ollamaPreset.detect({ env: { PATH: '/nowhere', COUNCIL_APP_BIN: '' }, override: { host: s.ollama.url }, customTemplate: null });
    expect(onPath.problem).toMatch(/^Ollama \(preset ollama\) runs through codex: Codex \(preset ollama\): "codex" is not on PATH .*`council settings set agents\.ollama\.path .*Settings → Agents → Ollama \(local model\) → Program path\)\.$/);
  });
});

describe('the gist of a failed agent\'s stderr', () => {
  it('skips backtrace frames, stack lines and code excerpts', () => {
    const rust = ['Pulling model qwen3-coder...Error: OSS setup failed: failed to start pull: HTTP 500 Internal Server Error', 'Stack backtrace:', ...Array.from({ length: 40 }, (_, i) => `  ${i}: <unknown>`)].join('\n');
    expect(stderrGist(rust)).toBe('Pulling model qwen3-coder...Error: OSS setup failed: failed to start pull: HTTP 500 Internal Server Error');
    const node = ['file:///x/cli.js:10', '    throw new Error("bad config");', '    ^', '', 'Error: bad config', '    at main (file:///x/cli.js:10:11)', '', 'Node.js v20.20.2'].join('\n');
    expect(stderrGist(node)).toBe('Error: bad config');
    expect(stderrGist('just one line\nand another')).toBe('just one line | and another');
  });
});
