import { afterEach, describe, expect, it } from 'vitest';
import type { EventName, EventPayload } from '../../shared/contract';
import { AppCore } from '../../electron/core/app/app-core';
import { dispatch } from '../../electron/core/dispatch';
import { shellProgram } from '../../electron/core/shells/shell-manager';
import { isAlive, waitUntil } from '../agents/fake-agents';
import { makeRepo, tempDir } from '../helpers/repo';

// A session's plain shell through the contract on the real core: the user's shell in the worktree
// with the session's environment, and nothing left running once the session is removed or the
// repository's owner closes (the app quits, the browser host stops) — a job sent to the background
// included.

const cores: AppCore[] = [];
afterEach(async () => {
  await Promise.all(cores.splice(0).map((core) => core.close()));
});

async function setUp() {
  const repo = makeRepo();
  const core = new AppCore({ userDataDir: tempDir(), host: 'browser', version: '0' });
  cores.push(core);
  const output: string[] = [];
  core.addClient('c', <E extends EventName>(event: E, payload: EventPayload<E>) => {
    if (event === 'shell.output') output.push((payload as EventPayload<'shell.output'>).data);
    return true;
  });
  const call = async <T>(command: string, input: unknown): Promise<T> => {
    const result = await dispatch(command, input, core.handlers, { clientId: 'c' });
    if (!result.ok) throw new Error(`${command}: ${result.error.message}`);
    return result.value as T;
  };
  const [session] = await call<{ id: string; worktreePath: string }[]>('sessions.create', { repo: repo.root, task: 'shell' });
  return { repo, core, call, session: session!, text: () => output.join('') };
}

/** Starts the shell, and a job in the background of it; their pids. */
async function shellWithJob(s: Awaited<ReturnType<typeof setUp>>): Promise<{ shell: number; job: number }> {
  const { pid } = await s.call<{ pid: number }>('shell.start', { repo: s.repo.root, id: s.session.id });
  await s.call('shell.attach', { repo: s.repo.root, id: s.session.id });
  await s.call('shell.input', { repo: s.repo.root, id: s.session.id, data: 'sleep 300 & echo "job=$!"\r' });
  await waitUntil(() => /job=(\d+)/.test(s.text()), 'the job to start');
  const job = Number(/job=(\d+)/.exec(s.text())![1]);
  expect(isAlive(job)).toBe(true);
  return { shell: pid, job };
}

describe("a session's shell", () => {
  it('runs in the worktree with the session environment; `pwd` prints the worktree', async () => {
    const s = await setUp();
    await s.call('shell.start', { repo: s.repo.root, id: s.session.id });
    await s.call('shell.attach', { repo: s.repo.root, id: s.session.id });
    await s.call('shell.input', { repo: s.repo.root, id: s.session.id, data: 'pwd; echo "sid=$COUNCIL_SESSION_ID branch=$COUNCIL_BRANCH"\r' });
    await waitUntil(() => s.text().includes(`sid=${s.session.id} branch=`), 'the output');
    expect(s.text()).toContain(s.session.worktreePath);
  });

  it('is ended with everything started in it when the session is removed', async () => {
    const s = await setUp();
    const { shell, job } = await shellWithJob(s);
    await s.call('sessions.remove', { repo: s.repo.root, id: s.session.id, force: true });
    await waitUntil(() => !isAlive(shell) && !isAlive(job), 'the shell and its job to end', 10_000);
  });

  it("is ended with everything started in it when the repository's owner closes", async () => {
    const s = await setUp();
    const { shell, job } = await shellWithJob(s);
    await s.core.close();
    await waitUntil(() => !isAlive(shell) && !isAlive(job), 'the shell and its job to end', 10_000);
  });

  it("uses the user's $SHELL when it is an executable, else bash or sh; ComSpec on Windows", () => {
    expect(shellProgram({ SHELL: '/bin/sh' }, 'linux')).toBe('/bin/sh');
    expect(shellProgram({ SHELL: '/nowhere/zsh' }, 'linux')).toBe('/bin/bash');
    expect(shellProgram({ SHELL: 'zsh' }, 'linux')).toBe('/bin/bash');
    expect(shellProgram({}, 'linux')).toBe('/bin/bash');
    expect(shellProgram({ ComSpec: 'C:\\Windows\\system32\\cmd.exe' }, 'win32')).toBe('C:\\Windows\\system32\\cmd.exe');
    expect(shellProgram({}, 'win32')).toBe('cmd.exe');
  });
});
