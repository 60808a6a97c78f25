import { appendFileSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AgentManager } from '../../electron/core/agents/manager';
import { codexConfigFile, codexStartupPrompt, trustedFolders } from '../../electron/core/agents/presets/codex-startup';
import { Council } from '../../electron/core/council';
import { REPO_ROOT } from '../helpers/cli';
import { makeRepo, tempDir } from '../helpers/repo';
import { startModelServer, type ModelServer } from '../support/model-server/index';
import { requireCli, testUser } from './harness';

/*
 * Codex's interactive TUI asks "Trust this folder?" in a repository it has no trust decision for
 * (a council worktree counts as its repository's root). No hook fires before that is answered:
 * the session showed "working" while Codex waited for the person. Codex's own config says whether
 * the repository was decided, so the session shows needs-input until it is.
 */

function configWith(text: string): string {
  const file = path.join(tempDir('council-codex-config-'), 'config.toml');
  writeFileSync(file, text);
  return file;
}

describe("Codex's start-up question, from its own config", () => {
  it('asks in a repository never decided; not when the repository root or the worktree was trusted (or refused)', () => {
    const repo = realpathSync(tempDir('council-trust-repo-'));
    const worktree = realpathSync(tempDir('council-trust-wt-'));
    const other = realpathSync(tempDir('council-trust-other-'));
    expect(codexStartupPrompt(configWith('model = "gpt-5.5"\n'), worktree, repo)?.message).toBe('Codex asks whether you trust this repository: answer in its terminal');
    expect(codexStartupPrompt(path.join(other, 'missing.toml'), worktree, repo)).not.toBeNull();
    expect(codexStartupPrompt(configWith(`[projects.${JSON.stringify(repo)}]\ntrust_level = "trusted"\n`), worktree, repo)).toBeNull();
    expect(codexStartupPrompt(configWith(`[projects.'${worktree}']\ntrust_level = "untrusted"\n`), worktree, repo)).toBeNull();
    expect(codexStartupPrompt(configWith(`[projects.${JSON.stringify(other)}]\ntrust_level = "trusted"\n`), worktree, repo)).not.toBeNull();
    // A trust_level under another table is not the project's.
    expect(codexStartupPrompt(configWith(`[projects.${JSON.stringify(repo)}]\n[notice]\ntrust_level = "trusted"\n`), worktree, repo)).not.toBeNull();
    expect(trustedFolders('[projects."/a \\"b\\""]\ntrust_level="trusted"\n')).toEqual(new Set(['/a "b"']));
  });

  it('reads CODEX_HOME when set, else ~/.codex/config.toml', () => {
    expect(codexConfigFile({ CODEX_HOME: '/c' }, '/home/u')).toBe('/c/config.toml');
    expect(codexConfigFile({ HOME: '/home/v' }, '/home/u')).toBe('/home/v/.codex/config.toml');
    expect(codexConfigFile({}, '/home/u')).toBe('/home/u/.codex/config.toml');
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

async function until(check: () => boolean, what: string, detail: () => string, ms = 120_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}\n${detail()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.sequential('the real Codex at its trust question (interactive, in a PTY)', () => {
  beforeAll(() => {
    requireCli('codex');
    process.env.COUNCIL_CLI = path.join(REPO_ROOT, 'out', 'cli', 'council.cjs');
  });

  it('needs input while it asks to trust the repository (nothing sent to the model), works once Enter trusts it', async () => {
    model = await startModelServer([{ text: 'Ready when you are.' }]);
    const user = testUser('codex', model.url);
    // They answered Codex's offer of a newer model before; this repository is new to Codex.
    appendFileSync(path.join(user.home, '.codex', 'config.toml'), '[notice.model_migrations]\n"gpt-5.5" = "gpt-6-sol"\n');
    const repo = makeRepo();
    const council = Council.open(repo.root);
    await council.ws.updateSettings({ agents: { codex: { path: path.join(REPO_ROOT, 'node_modules', '.bin', 'codex') } } });
    const [session] = await council.createSessions({ task: 'Say that you are ready.', agent: 'codex' });
    const id = session!.id;
    manager = new AgentManager(council, { env: { ...user.env, TERM: 'xterm-256color' }, userHome: user.home, stopGraceMs: 1000 });
    let screen = '';
    manager.attach(id, (_run, chunk) => (screen += chunk.data));
    const detail = () => `${JSON.stringify(council.context.get(id))}\n${screen.slice(-3000)}`;

    await manager.start(id, { mode: 'interactive' });
    expect(council.context.get(id)).toMatchObject({ status: 'needs-input', message: 'Codex asks whether you trust this repository: answer in its terminal' });
    await until(() => screen.includes('Folder access') && screen.includes('Trusting will apply to the repository root'), 'the trust question on screen', detail);
    expect(council.context.get(id).status).toBe('needs-input');
    expect(model.requests.filter((r) => r.kind === 'turn')).toEqual([]);

    manager.write(id, '\r');
    await until(() => model!.requests.some((r) => r.kind === 'turn'), 'the task at the model', detail);
    await until(() => council.context.get(id).history.some((h, i, all) => h.status === 'working' && all.slice(0, i).some((x) => x.status === 'needs-input')), 'working after the answer', detail);
    // Codex recorded the answer for the repository: the next session here goes straight to work.
    const config = readFileSync(path.join(user.home, '.codex', 'config.toml'), 'utf8');
    expect(trustedFolders(config).has(realpathSync(repo.root))).toBe(true);
    const [next] = await council.createSessions({ task: 'again', agent: 'codex' });
    expect(codexStartupPrompt(codexConfigFile(user.env, user.home), next!.worktreePath, repo.root)).toBeNull();
  }, 240_000);
});
