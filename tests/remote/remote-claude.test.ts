import { spawnSync } from 'node:child_process';
import { existsSync, realpathSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandOutput } from '../../shared/contract';
import type { AgentEvent, AgentRun } from '../../shared/agents';
import type { Session } from '../../shared/models';
import { AgentManager } from '../../electron/core/agents/manager';
import { Council } from '../../electron/core/council';
import { findProgram } from '../../electron/core/agents/presets/detect';
import { closeControl } from '../../electron/core/hosts/control';
import { reviewDiff } from '../../electron/core/sessions/review-diff';
import { COUNCIL_BIN, council, councilJson, REPO_ROOT } from '../helpers/cli';
import type { TestRepo } from '../helpers/repo';
import { remoteScene, runOnHost } from '../helpers/remote-scene';
import { sshdUnavailable, type SshServer } from '../helpers/sshd';
import { holderLine } from '../helpers/holder-line';
import { pathWithoutNodeModules } from '../e2e/browser';
import { startModelServer, type ModelServer } from '../support/model-server/index';
import { requireCli } from '../agents/harness';

/**
 * Issue 17, item 5: the real Claude Code on a host. The host (a real sshd on 127.0.0.1 logging in a
 * second local user, tests/helpers/sshd.ts) has Claude Code installed as a user there has it: a
 * `claude` on the PATH its ssh commands get (a link in the remote user's ~/bin to the devDependency's
 * native binary, which that user can read and run), and its gateway (the scripted model server on
 * 127.0.0.1) in its environment. This machine's PATH has no `claude`: the agent that runs is the
 * host's. Its lock hook runs on the host and asks the home through the run's forwarded socket.
 */

const unavailable = sshdUnavailable();
if (unavailable) console.warn(`\n⚠ tests/remote/remote-claude.test.ts is SKIPPED: ${unavailable}\n`);

const HOST = 'remote-claude';
const HELD = 'export const a = 2;\n';
const MINE = 'export const fromHost = 1;\n';

describe.skipIf(unavailable !== null)('the real Claude Code on a host', () => {
  let server: SshServer;
  let env: Record<string, string>;
  let repo: TestRepo;
  let model: ModelServer;
  let bin: string;

  beforeAll(async () => {
    requireCli('claude');
    ({ server, env, repo } = await remoteScene());
    model = await startModelServer([{ write: { path: 'src/a.ts', content: HELD } }, { write: { path: 'src/from-host.ts', content: MINE } }, { text: 'Done on the host.' }]);
    bin = server.remoteDir('bin');
    symlinkSync(realpathSync(path.join(REPO_ROOT, 'node_modules', '.bin', 'claude')), path.join(bin, 'claude'));
    server.aliasWithEnv(HOST, {
      PATH: `${bin}:/usr/local/bin:/usr/bin:/bin`,
      ANTHROPIC_BASE_URL: model.url,
      ANTHROPIC_API_KEY: 'sk-ant-scripted-model-key-0123456789',
      DISABLE_TELEMETRY: '1',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      DISABLE_AUTOUPDATER: '1',
      DISABLE_ERROR_REPORTING: '1',
    });
  }, 180_000);

  afterAll(async () => {
    closeControl('remote');
    closeControl(HOST);
    await model?.close();
    await server?.stop();
  });

  const onHost = (command: string): string => runOnHost(server, command, HOST);

  it("host add lists the host's claude; a session there runs it headless: its write is in the host's worktree and the diff at home, a file a local session holds is refused with council's reason, and the host's lock then refuses the local session", async () => {
    // The check finds Claude Code where the host user has it.
    const added = councilJson<CommandOutput<'host.add'>>(['host', 'add', HOST], { cwd: repo.root, env });
    expect(added.result.ok, JSON.stringify(added.result)).toBe(true);
    const host = (added.result as { value: CommandOutput<'host.add'> }).value.host;
    expect(host.check.agents).toContainEqual({ preset: 'claude', binary: 'claude', path: path.join(bin, 'claude') });
    const listed = council(['host', 'check', HOST], { cwd: repo.root, env });
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(/agents:\s+claude/);

    const c = Council.open(repo.root);
    const [local] = (await c.createSessions({ task: 'local holder', agent: 'codex' })) as [Session];
    const held = council(['lock', 'acquire', 'src/a.ts', '--session', local.id], { cwd: repo.root, env });
    expect(held.code, held.stderr).toBe(0);

    const [remote] = (await c.createSessions({ task: 'Update src/a.ts and add src/from-host.ts.', agent: 'claude', host: HOST })) as [Session];
    const place = remote.host!;
    const events: AgentEvent[] = [];
    // This machine's environment without any node_modules/.bin (nor the app's own): no `claude` here at all.
    const homeEnv = { ...process.env, PATH: pathWithoutNodeModules(process.env.PATH), COUNCIL_APP_BIN: '' };
    expect(findProgram('claude', homeEnv)).toBeNull();
    const manager = new AgentManager(c, { env: homeEnv, stopGraceMs: 2000, listener: { event: (_run, e) => events.push(e) } });
    await manager.start(remote.id, { mode: 'headless' });
    const ended = (await manager.waitForEnd(remote.id)) as AgentRun;
    expect(ended.state, JSON.stringify({ ended, errors: model.errors })).toBe('done');
    expect(model.errors).toEqual([]);

    // The model worked in the host's worktree: Claude's system prompt named it, its Write paths are there.
    const turns = model.requests.filter((r) => r.kind === 'turn');
    expect(JSON.stringify(turns[0]!.body)).toContain(`Primary working directory: ${place.path}`);

    // The refused write: the model got council's refusal (the home's lock hook's reason, through the forwarded socket).
    const results = model.toolResults();
    const refusal = `src/a.ts is being edited by session ${local.id} (codex: local holder); work on another file or wait${holderLine(local.id)}`;
    expect(results.filter((r) => r.isError).map((r) => r.text)).toEqual([refusal]);
    expect(ended.denials).toBe(1);
    expect(onHost(`cat ${place.path}/src/a.ts`)).toBe('export const a = 1;\n');

    // The allowed write: in the host's worktree, nowhere else on the host, not in the home checkout.
    expect(onHost(`cat ${place.path}/src/from-host.ts`)).toBe(MINE);
    const copies = onHost(`find ${server.home} -name from-host.ts -not -path '*/.claude/*' 2>/dev/null || true`).trim().split('\n').filter(Boolean);
    expect(copies).toEqual([`${place.path}/src/from-host.ts`]);
    expect(existsSync(path.join(repo.root, 'src', 'from-host.ts'))).toBe(false);
    expect(onHost(`git -C ${place.repo} rev-parse --is-bare-repository`).trim()).toBe('true');

    // At home: the diff shows it (fetched from the host when the run's snapshot came), and the run saw it.
    const diff = await reviewDiff(c.ws, c.session(remote.id), { kind: 'base' });
    expect(diff.files.map((f) => [f.path, f.kind])).toEqual([['src/from-host.ts', 'untracked']]);
    expect(diff.files[0]!.patch).toContain('+export const fromHost = 1;');
    expect(ended.filesTouched).toEqual(['src/from-host.ts']);

    // The host session's write locked the file at home: the local session's own lock hook (what a
    // local agent's write runs) refuses it, naming the remote session.
    const who = council(['lock', 'who', 'src/from-host.ts', '--json'], { cwd: repo.root, env });
    expect(who.stdout).toContain(remote.id);
    const payload = { session_id: 'local', cwd: local.worktreePath, hook_event_name: 'PreToolUse', tool_name: 'Write', tool_input: { file_path: path.join(local.worktreePath, 'src', 'from-host.ts'), content: 'x' } };
    const hook = spawnSync(process.execPath, [COUNCIL_BIN, 'hook', 'pre-tool', '--agent', 'claude'], { cwd: local.worktreePath, input: JSON.stringify(payload), encoding: 'utf8', env: { ...process.env, ...env, COUNCIL_SESSION_ID: local.id } });
    expect(hook.status, hook.stderr).toBe(2);
    expect(JSON.parse(hook.stdout)).toMatchObject({ decision: 'block', reason: expect.stringContaining(`src/from-host.ts is being edited by session ${remote.id}`) });
  }, 300_000);

  it("a host whose check found no claude refuses the start before anything runs there, naming the host and the fix (this machine's PATH is not asked)", async () => {
    const c = Council.open(repo.root);
    const [s] = (await c.createSessions({ task: 'no claude there', agent: 'claude', host: 'remote' })) as [Session];
    // Here Claude Code is found (the devDependency): still refused, as the host has none.
    const manager = new AgentManager(c, { env: { ...process.env, PATH: `${path.join(REPO_ROOT, 'node_modules', '.bin')}:${process.env.PATH ?? ''}` }, stopGraceMs: 1000 });
    await expect(manager.start(s.id, { mode: 'headless' })).rejects.toThrow(/Claude Code \(preset claude\) is not installed on remote: its last check \(.+\) found no `claude` on the PATH a non-interactive `ssh remote` command gets \(.+\)\. Install it there on that PATH \(npm i -g @anthropic-ai\/claude-code\), then run `council host check remote`/);
    expect(manager.liveRun(s.id)).toBeNull();
    expect(await manager.waitForEnd(s.id)).toBeNull();
    // `session create --agent claude --host remote`: refused before anything is made.
    const before = c.listSessions().length;
    const created = council(['session', 'create', '--task', 'never made', '--agent', 'claude', '--headless', '--host', 'remote'], { cwd: repo.root, env });
    expect(created.code).not.toBe(0);
    expect(created.stderr).toContain('Claude Code (preset claude) is not installed on remote: its last check');
    expect(created.stderr).toContain('Nothing was created.');
    expect(c.listSessions().length).toBe(before);
    expect(c.listSessions().some((x) => x.task === 'never made')).toBe(false);
  }, 120_000);
});
