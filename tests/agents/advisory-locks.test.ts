import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentRun } from '../../shared/agents';
import type { Session } from '../../shared/models';
import { scratchReason } from '../../electron/core/agents/advisory-locks';
import { AgentManager } from '../../electron/core/agents/manager';
import { Council } from '../../electron/core/council';
import { REPO_ROOT } from '../helpers/cli';
import { makeRepo } from '../helpers/repo';
import { startModelServer, type ModelServer } from '../support/model-server/index';
import { fakeScene, type Step, useScript, waitUntil } from './fake-agents';
import { requireCli, testUser } from './harness';
import { proves } from '../helpers/proves';

// Issue 12, item 12: the advisory watcher of agents without a pre-edit hook (Aider, opencode,
// custom). The fake agent stands in for Aider (the aider preset pointed at it, as a user points a
// preset at their own build); opencode runs for real.

const managers: AgentManager[] = [];
const servers: ModelServer[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.stopAll()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** What Aider leaves behind on a task: its history and tags cache (gitignored by its own .gitignore line), and an atomic write. */
const AIDER_LIKE: Step[] = [
  { write: { path: '.gitignore', content: '.aider*\n' } },
  { write: { path: '.aider.chat.history.md', content: '# aider chat started\n' } },
  { write: { path: '.aider.tags.cache.v4/cache.db', content: 'tags\n' } },
  { write: { path: 'hello.txt.0222a8e92730.tmp', content: 'hello\n' } },
  { rename: { from: 'hello.txt.0222a8e92730.tmp', to: 'hello.txt' } },
];

const clashes = (manager: AgentManager, session: Session): string[] =>
  manager
    .events(session.id)
    .flatMap((e) => (e.kind === 'message' && e.text.includes('could not be stopped') ? [e.text] : []));

const locksOf = (council: Council, session: Session): string[] =>
  council.locks
    .list()
    .filter((l) => l.sessionId === session.id)
    .map((l) => l.path)
    .sort();

describe('advisory locks', () => {
  it('names .gitignore and editors\' temporary files as never locked', () => {
    expect(scratchReason('.gitignore')).toBe('a .gitignore');
    expect(scratchReason('docs/.gitignore')).toBe('a .gitignore');
    expect(scratchReason('hello.txt.0222a8e92730.tmp')).toBe('a temporary file');
    expect(scratchReason('src/.a.ts.swp')).toBe('a temporary file');
    expect(scratchReason('notes.md~')).toBe('a temporary file');
    expect(scratchReason('hello.txt')).toBeNull();
    expect(scratchReason('src/tmp.ts')).toBeNull();
  });

  it('an Aider-like run locks only the file it really edited, gives it back when it ends, and a later session sees no false clash', async () => {
    const { council, manager } = await fakeScene('aider', [...AIDER_LIKE, { sleep: 800 }]);
    managers.push(manager);
    const [first, second] = (await council.createSessions({ task: 'say hello', agent: 'aider', count: 2 })) as [Session, Session];

    await manager.start(first.id, { mode: 'headless' });
    // While it runs: hello.txt is its lock; the ignored files, .gitignore and the temp file are not.
    await waitUntil(() => locksOf(council, first).includes('hello.txt'), 'the advisory lock on hello.txt');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(locksOf(council, first)).toEqual(['hello.txt']);
    const run = (await manager.waitForEnd(first.id)) as AgentRun;
    expect(run.state).toBe('done');
    // Advisory locks do not outlive the run.
    expect(locksOf(council, first)).toEqual([]);

    // The next session does the same (its own .gitignore line, its own history file): no clash.
    await useScript(council, 'aider', AIDER_LIKE);
    await manager.start(second.id, { mode: 'headless' });
    expect(((await manager.waitForEnd(second.id)) as AgentRun).state).toBe('done');
    expect(clashes(manager, second)).toEqual([]);
  });

  it('a write in the agent\'s very first moment is seen: the clash with the holder is flagged', async () => {
    // A worktree of a real project's size (a thousand folders): the watcher's scan takes longer
    // than the agent's start, which is when a watcher started after the agent missed the write.
    const files: Record<string, string> = { 'src/a.ts': 'export const a = 1;\n' };
    for (let i = 0; i < 1000; i++) files[`pkg/m${i}/index.ts`] = `export const m${i} = ${i};\n`;
    const { council, manager } = await fakeScene('aider', [{ write: { path: 'src/a.ts', content: 'export const a = 3;\n' } }], undefined, makeRepo(files));
    managers.push(manager);
    const [holder] = (await council.createSessions({ task: 'own a', agent: 'claude' })) as [Session];
    const [writer] = (await council.createSessions({ task: 'edit a', agent: 'aider' })) as [Session];
    await council.locks.acquire('src/a.ts', holder.id, { cwd: council.ws.repo.mainRoot });

    await manager.start(writer.id, { mode: 'headless' });
    await manager.waitForEnd(writer.id);

    expect(clashes(manager, writer)).toEqual([`edited src/a.ts, which session ${holder.id} (claude: own a) holds — aider has no pre-edit hook, so this could not be stopped; coordinate before merging`]);
    expect(await council.locks.who('src/a.ts', { cwd: council.ws.repo.mainRoot })).toMatchObject({ sessionId: holder.id });
    // A fake program under the Aider preset: the watcher's rules, not the real Aider.
    proves('aider', 'locks.flagged', { standIn: true });
  });

  it('opencode (the real CLI): an edit of a file another session holds is flagged, although its output names the file first', async () => {
    requireCli('opencode');
    const server = await startModelServer([{ write: { path: 'src/held.ts', content: 'mine\n' } }, { text: 'Done.' }]);
    servers.push(server);
    const user = testUser('opencode', server.url);
    const repo = makeRepo();
    const council = Council.open(repo.root);
    await council.ws.updateSettings({ agents: { opencode: { path: path.join(REPO_ROOT, 'node_modules', '.bin', 'opencode') } } });
    const [holder] = (await council.createSessions({ task: 'own held', agent: 'claude' })) as [Session];
    const [writer] = (await council.createSessions({ task: 'edit held', agent: 'opencode' })) as [Session];
    await council.locks.acquire('src/held.ts', holder.id, { cwd: repo.root });
    const manager = new AgentManager(council, { env: user.env, userHome: user.home, stopGraceMs: 1000 });
    managers.push(manager);

    await manager.start(writer.id, { mode: 'headless' });
    const run = (await manager.waitForEnd(writer.id)) as AgentRun;

    expect(run.state, run.reason ?? '').toBe('done');
    expect(run.filesTouched).toContain('src/held.ts');
    expect(clashes(manager, writer)).toEqual([`edited src/held.ts, which session ${holder.id} (claude: own held) holds — opencode has no pre-edit hook, so this could not be stopped; coordinate before merging`]);
    // Its --format json, parsed into events: the edit and the answer.
    expect(manager.events(writer.id)).toContainEqual(expect.objectContaining({ kind: 'file-changed', path: 'src/held.ts' }));
    expect(manager.events(writer.id)).toContainEqual(expect.objectContaining({ kind: 'done' }));
    proves('opencode', ['locks.flagged', 'status', 'events']);
  }, 90_000);
});
