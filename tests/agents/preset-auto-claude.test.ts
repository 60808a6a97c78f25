import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentRun } from '../../shared/agents';
import type { Session } from '../../shared/models';
import { AgentManager } from '../../electron/core/agents/manager';
import { detectPresets } from '../../electron/core/agents/presets/index';
import { Council } from '../../electron/core/council';
import { DEFAULT_SETTINGS } from '../../shared/models';
import { REPO_ROOT } from '../helpers/cli';
import { makeRepo, tempDir } from '../helpers/repo';
import { proves } from '../helpers/proves';

// Issue 16, item 4. Auto-Claude (like Aider) cannot be installed here: PyPI is not reachable. The
// preset runs a stand-in (tests/support/auto-claude-stand-in.mjs) that takes the command line
// Auto-Claude's guide documents; these tests prove council's side of it (the command line, the
// worktree, a failure's reason), never that the real Auto-Claude behaves so — and every listing of
// the presets says so ("not verified on this build").

const STAND_IN = path.join(REPO_ROOT, 'tests', 'support', 'auto-claude-stand-in.mjs');
const managers: AgentManager[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.stopAll()));
});

async function runAutoClaude(env: Record<string, string>): Promise<{ run: AgentRun; session: Session; argvFile: string }> {
  const repo = makeRepo();
  const council = Council.open(repo.root);
  await council.ws.updateSettings({ agents: { 'auto-claude': { path: STAND_IN } } });
  const home = tempDir('council-auto-claude-home-');
  const argvFile = path.join(home, 'argv.jsonl');
  const manager = new AgentManager(council, { env: { HOME: home, PATH: process.env.PATH ?? '/usr/bin:/bin', STANDIN_ARGV_FILE: argvFile, ...env }, userHome: home, stopGraceMs: 1000 });
  managers.push(manager);
  const [session] = (await council.createSessions({ task: 'add a greeting', agent: 'auto-claude' })) as [Session];
  await manager.start(session.id, { mode: 'headless' });
  return { run: (await manager.waitForEnd(session.id)) as AgentRun, session, argvFile };
}

describe('the Auto-Claude preset (with a stand-in for its documented command line)', () => {
  it('runs on the session\'s task in its worktree (--task, --project-dir, --direct, --auto-continue) and ends done with its edit', async () => {
    const { run, session, argvFile } = await runAutoClaude({ STANDIN_WRITE: 'greeting.txt=hello\n' });
    expect(run.state, run.reason ?? '').toBe('done');
    expect(JSON.parse(readFileSync(argvFile, 'utf8').trim())).toEqual(['--task', 'add a greeting', '--project-dir', session.worktreePath, '--direct', '--auto-continue']);
    expect(readFileSync(path.join(session.worktreePath, 'greeting.txt'), 'utf8')).toBe('hello\n');
    expect(run.filesTouched).toContain('greeting.txt');
    proves('auto-claude', ['headless', 'firstWrite', 'status'], { standIn: true });
  });

  it('a failure ends the run failed with what it said', async () => {
    const { run } = await runAutoClaude({ STANDIN_FAIL: 'Error: Claude Code is not logged in (run `claude setup-token`)' });
    expect(run).toMatchObject({ state: 'failed', exitCode: 1 });
    expect(run.reason).toContain('Claude Code is not logged in');
  });

  it('Aider and Auto-Claude are listed as not verified on this build; the presets proven with their real CLIs are not', async () => {
    const presets = await detectPresets({ ...DEFAULT_SETTINGS, agents: { aider: { path: STAND_IN }, 'auto-claude': { path: STAND_IN } } }, { PATH: process.env.PATH ?? '/usr/bin:/bin' });
    const unverified = Object.fromEntries(presets.filter((p) => p.unverified).map((p) => [p.id, p.unverified]));
    expect(Object.keys(unverified)).toEqual(['aider', 'auto-claude']);
    expect(unverified.aider).toMatch(/PyPI cannot be reached.*stand-in \(tests\/support\/aider-stand-in\.mjs\), never the real Aider/);
    expect(unverified['auto-claude']).toMatch(/PyPI.*stand-in \(tests\/support\/auto-claude-stand-in\.mjs\), never the real Auto-Claude/);
  });
});
