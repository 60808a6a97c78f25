import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Council } from '../../electron/core/council';
import { rejection } from '../helpers/errors';
import { gitSync, makeRepo, tempDir, writeIn } from '../helpers/repo';


const worktreePaths = (root: string): string[] =>
  gitSync(root, 'worktree', 'list', '--porcelain')
    .split('\n')
    .filter((l) => l.startsWith('worktree '))
    .map((l) => l.slice('worktree '.length));

/** Edits the registry file behind the core's back, as a crash, an old backup or a user would. */
function editRegistry(council: Council, change: (registry: { sessions: Record<string, Record<string, unknown>> }) => void): void {
  const registry = JSON.parse(readFileSync(council.ws.paths.registry, 'utf8'));
  change(registry);
  writeFileSync(council.ws.paths.registry, JSON.stringify(registry));
}

describe('session worktrees', () => {
  it('creates a session: its own worktree outside the working tree, on council/<slug>-<id>, from the current branch', async () => {
    const repo = makeRepo();
    const council = Council.open(repo.root);
    const [s] = await council.createSessions({ task: 'Add login form', agent: 'claude' });
    expect(s).toBeDefined();
    const session = s!;
    expect(session.branch).toBe(`council/add-login-form-${session.id}`);
    expect(session.baseBranch).toBe('main');
    expect(session.baseCommit).toBe(gitSync(repo.root, 'rev-parse', 'main'));
    expect(session.state).toBe('ready');
    expect(path.relative(repo.root, session.worktreePath).startsWith('..')).toBe(true);
    expect(readFileSync(path.join(session.worktreePath, 'src', 'a.ts'), 'utf8')).toBe('export const a = 1;\n');
    expect(gitSync(session.worktreePath, 'branch', '--show-current')).toBe(session.branch);
    expect(worktreePaths(repo.root)).toContain(session.worktreePath);
    // The registry is in the git common dir, so it is seen from inside the worktree too.
    expect(Council.open(session.worktreePath).listSessions().map((x) => x.id)).toEqual([session.id]);
    expect(gitSync(repo.root, 'status', '--porcelain')).toBe('');
  });

  it('creates three sessions on the same task, each with its own branch and worktree', async () => {
    const repo = makeRepo();
    const council = Council.open(repo.root);
    const sessions = await council.createSessions({ task: 'Refactor the parser', count: 3 });
    expect(sessions).toHaveLength(3);
    expect(new Set(sessions.map((s) => s.id)).size).toBe(3);
    expect(new Set(sessions.map((s) => s.branch)).size).toBe(3);
    expect(new Set(sessions.map((s) => s.worktreePath)).size).toBe(3);
    for (const s of sessions) expect(existsSync(path.join(s.worktreePath, 'README.md'))).toBe(true);
    expect(council.listSessions()).toHaveLength(3);
  });

  it('uses a configured worktree location and a given base branch', async () => {
    const repo = makeRepo();
    gitSync(repo.root, 'branch', 'develop');
    const council = Council.open(repo.root);
    const root = path.join(tempDir(), 'trees');
    await council.ws.updateSettings({ worktreeRoot: root });
    const [s] = await council.createSessions({ task: 'x', base: 'develop' });
    expect(path.dirname(s!.worktreePath)).toBe(root);
    expect(s!.baseBranch).toBe('develop');
  });

  it('commits in a worktree and reports stats against the base: ahead/behind, files, +/-, dirty', async () => {
    const repo = makeRepo();
    const council = Council.open(repo.root);
    const [s] = await council.createSessions({ task: 'stats' });
    const id = s!.id;
    expect(await council.stats(id)).toEqual({ ahead: 0, behind: 0, filesChanged: 0, insertions: 0, deletions: 0, dirty: false, merged: false, mergeBlocked: expect.stringMatching(/^nothing to merge/) });

    writeIn(s!.worktreePath, 'src/a.ts', 'export const a = 10;\nexport const a2 = 11;\n');
    writeIn(s!.worktreePath, 'src/new.ts', 'one\ntwo\nthree\n');
    writeIn(s!.worktreePath, 'logo.png', '\x89PNG\r\n\x1a\n\0\0\0\rIHDR\n\n\n');
    // The binary file counts as a changed file, its "lines" do not.
    expect(await council.stats(id)).toEqual({ ahead: 0, behind: 0, filesChanged: 3, insertions: 5, deletions: 1, dirty: true, merged: false, mergeBlocked: null });

    const commit = await council.commit(id, 'change a, add new, add a logo');
    expect(commit.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(commit.files).toBe(3);
    expect(gitSync(s!.worktreePath, 'log', '-1', '--format=%s')).toBe('change a, add new, add a logo');
    expect(await council.commit(id, 'again')).toEqual({ id, commit: null, files: 0 });

    repo.write('README.md', '# changed on main\n');
    repo.commitAll('main moves on');
    expect(await council.stats(id)).toEqual({ ahead: 1, behind: 1, filesChanged: 3, insertions: 5, deletions: 1, dirty: false, merged: false, mergeBlocked: null });
  });

  it('refuses bad input with a message that names the problem', async () => {
    const repo = makeRepo();
    const council = Council.open(repo.root);
    expect(await rejection(council.createSessions({ task: '   ' }))).toMatchObject({ code: 'invalid-input', message: expect.stringContaining('task is empty') });
    expect(await rejection(council.createSessions({ task: 'x', base: 'nope' }))).toMatchObject({ code: 'not-found', message: expect.stringContaining('unknown base branch "nope"') });
    expect(await rejection(council.createSessions({ task: 'x', count: 0 }))).toMatchObject({ code: 'invalid-input', message: expect.stringContaining('count') });
    expect(await rejection(council.createSessions({ task: 'x', agent: 'bad agent; rm' }))).toMatchObject({ code: 'invalid-input' });
    expect(() => council.session('zzz')).toThrow(/not a session id/);
    expect(() => council.session('abcdef')).toThrow(/no session with id abcdef/);
    expect(council.listSessions()).toEqual([]);
  });

  it('refuses a repository with no commits, a bare repository and a folder outside any repository', async () => {
    const empty = path.join(tempDir(), 'empty');
    gitSync(tempDir(), 'init', '-q', empty);
    expect(await rejection(Council.open(empty).createSessions({ task: 'x' }))).toMatchObject({ code: 'not-a-repo', message: expect.stringContaining('no commits yet') });
    const bare = path.join(tempDir(), 'bare.git');
    gitSync(tempDir(), 'init', '-q', '--bare', bare);
    expect(() => Council.open(bare)).toThrow(/bare repository/);
    expect(() => Council.open(tempDir())).toThrow(/not inside a git repository/);
  });

  it('resolves a unique id prefix in any case, and refuses an ambiguous one naming the candidates', async () => {
    const repo = makeRepo();
    const council = Council.open(repo.root);
    const [s] = await council.createSessions({ task: 'p' });
    expect(council.session(s!.id.slice(0, 3)).id).toBe(s!.id);
    expect(council.session(s!.id.toUpperCase()).id).toBe(s!.id);
    // Two registered ids sharing a prefix (ids are random, so the registry is written directly).
    editRegistry(council, (registry) => {
      registry.sessions.abc123 = { ...registry.sessions[s!.id], id: 'abc123' };
      registry.sessions.abc456 = { ...registry.sessions[s!.id], id: 'abc456' };
    });
    expect(() => council.session('abc')).toThrow('session id prefix abc is ambiguous: abc123, abc456');
    expect(council.session('abc4').id).toBe('abc456');
  });
});

describe('removing sessions', () => {
  it('removes a session without work: worktree, branch and registry entry gone, no archive', async () => {
    const repo = makeRepo();
    const council = Council.open(repo.root);
    const [s] = await council.createSessions({ task: 'nothing to keep' });
    const result = await council.removeSession(s!.id);
    expect(result.archivedAs).toBeNull();
    expect(existsSync(s!.worktreePath)).toBe(false);
    expect(gitSync(repo.root, 'branch', '--list', s!.branch)).toBe('');
    expect(council.listSessions()).toEqual([]);
    expect(worktreePaths(repo.root)).toEqual([repo.root]);
  });

  it('refuses to remove a session with unmerged commits, and with --force keeps its tip under an archive ref', async () => {
    const repo = makeRepo();
    const council = Council.open(repo.root);
    const [s] = await council.createSessions({ task: 'precious work' });
    writeIn(s!.worktreePath, 'src/precious.ts', 'export const precious = true;\n');
    const { commit } = await council.commit(s!.id, 'precious');

    const refused = await rejection(council.removeSession(s!.id));
    expect(refused.code).toBe('conflict');
    expect(refused.message).toContain('1 unmerged commit');
    expect(refused.message).toContain('nothing was removed');
    expect(existsSync(path.join(s!.worktreePath, 'src', 'precious.ts'))).toBe(true);
    expect(council.session(s!.id).state).toBe('ready');

    const removed = await council.removeSession(s!.id, { force: true });
    expect(removed.archivedAs).toMatch(new RegExp(`^refs/council/archive/${s!.id}-\\d{8}T\\d{6}Z$`));
    expect(removed.archivedCommit).toBe(commit);
    expect(gitSync(repo.root, 'rev-parse', removed.archivedAs!)).toBe(commit);
    expect(gitSync(repo.root, 'show', `${removed.archivedAs}:src/precious.ts`)).toBe('export const precious = true;');
    expect(existsSync(s!.worktreePath)).toBe(false);
    expect(council.listSessions()).toEqual([]);
    gitSync(repo.root, 'fsck', '--no-progress');
  });

  it('refuses to remove a session with uncommitted changes, and with --force snapshots them (untracked too, ignored files not)', async () => {
    const repo = makeRepo({ '.gitignore': 'node_modules/\n', 'a.txt': 'a\n' });
    const council = Council.open(repo.root);
    const [s] = await council.createSessions({ task: 'dirty' });
    writeIn(s!.worktreePath, 'a.txt', 'edited\n');
    writeIn(s!.worktreePath, 'notes/new.md', 'untracked\n');
    writeIn(s!.worktreePath, 'node_modules/big.js', 'ignored\n');
    const indexBefore = gitSync(s!.worktreePath, 'diff', '--cached', '--name-only');

    const refused = await rejection(council.removeSession(s!.id));
    expect(refused.message).toContain('uncommitted changes in 2 files');
    // Looking at the work did not stage anything.
    expect(gitSync(s!.worktreePath, 'diff', '--cached', '--name-only')).toBe(indexBefore);

    const removed = await council.removeSession(s!.id, { force: true });
    const archived = removed.archivedAs!;
    expect(gitSync(repo.root, 'show', `${archived}:a.txt`)).toBe('edited');
    expect(gitSync(repo.root, 'show', `${archived}:notes/new.md`)).toBe('untracked');
    expect(gitSync(repo.root, 'ls-tree', '-r', '--name-only', archived)).not.toContain('node_modules');
    expect(gitSync(repo.root, 'rev-parse', `${archived}^`)).toBe(s!.baseCommit);
  });

  it('removes a session whose work was merged into the base, without archiving', async () => {
    const repo = makeRepo();
    const council = Council.open(repo.root);
    const [s] = await council.createSessions({ task: 'merged' });
    writeIn(s!.worktreePath, 'src/c.ts', 'export const c = 3;\n');
    await council.commit(s!.id, 'add c');
    gitSync(repo.root, 'merge', '-q', '--no-ff', '-m', 'merge', s!.branch);
    const removed = await council.removeSession(s!.id);
    expect(removed.archivedAs).toBeNull();
    expect(council.listSessions()).toEqual([]);
  });

  it('releases the locks and deletes the context of a removed session', async () => {
    const repo = makeRepo();
    const council = Council.open(repo.root);
    const [s] = await council.createSessions({ task: 'locks' });
    await council.locks.acquire('src/a.ts', s!.id, { cwd: repo.root });
    await council.context.update(s!.id, { status: 'working' });
    const removed = await council.removeSession(s!.id);
    expect(removed.locksReleased).toEqual(['src/a.ts']);
    expect(council.locks.list()).toEqual([]);
    expect(existsSync(path.join(council.ws.paths.contextDir, `${s!.id}.json`))).toBe(false);
  });
});

describe('cleanup and reconcile', () => {
  it('cleanup removes only idle sessions whose removal loses nothing, and says why it kept the others', async () => {
    const repo = makeRepo();
    const council = Council.open(repo.root);
    const [clean, committed, dirty, locked, fresh] = await council.createSessions({ task: 'stale', count: 5 });
    writeIn(committed!.worktreePath, 'x.txt', 'x\n');
    await council.commit(committed!.id, 'x');
    writeIn(dirty!.worktreePath, 'y.txt', 'y\n');
    await council.locks.acquire('README.md', locked!.id, { cwd: repo.root });
    await council.context.update(fresh!.id, { status: 'working' });

    // Everything but `fresh` has been idle since creation; make that look an hour ago.
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
    for (const s of [clean!, committed!, dirty!, locked!]) {
      const file = path.join(council.ws.paths.contextDir, `${s.id}.json`);
      const record = JSON.parse(readFileSync(file, 'utf8'));
      writeFileSync(file, JSON.stringify({ ...record, updatedAt: hourAgo }));
    }
    const result = await council.cleanup(30 * 60_000);
    expect(result.removed).toEqual([clean!.id]);
    const reasons = new Map(result.kept.map((k) => [k.id, k.reason]));
    expect(reasons.get(committed!.id)).toContain('unmerged commit');
    expect(reasons.get(dirty!.id)).toContain('uncommitted changes');
    expect(reasons.get(locked!.id)).toContain('lock');
    expect(reasons.has(fresh!.id)).toBe(false);
    expect(council.listSessions().map((s) => s.id).sort()).toEqual([committed!.id, dirty!.id, locked!.id, fresh!.id].sort());
  });

  it('reconcile: a deleted worktree folder is recreated from its branch, with its commits', async () => {
    const repo = makeRepo();
    const council = Council.open(repo.root);
    const [s] = await council.createSessions({ task: 'lost folder' });
    writeIn(s!.worktreePath, 'kept.txt', 'kept\n');
    await council.commit(s!.id, 'kept');
    rmSync(s!.worktreePath, { recursive: true, force: true });

    const report = await council.reconcile();
    expect(report.pruned).toEqual([s!.worktreePath]);
    expect(report.restoredWorktrees).toEqual([s!.id]);
    expect(readFileSync(path.join(s!.worktreePath, 'kept.txt'), 'utf8')).toBe('kept\n');
    expect(worktreePaths(repo.root)).toContain(s!.worktreePath);
  });

  it("reconcile: one session it cannot repair is reported and left as it was; the others are still reconciled", async () => {
    const repo = makeRepo();
    const council = Council.open(repo.root);
    const [blocked, lost] = await council.createSessions({ task: 'two lost folders', count: 2 });
    for (const s of [blocked!, lost!]) rmSync(s.worktreePath, { recursive: true, force: true });
    // A file where the first session's worktree must be recreated: git refuses to add it there.
    writeFileSync(blocked!.worktreePath, 'in the way\n');

    const report = await council.reconcile();
    expect(report.restoredWorktrees).toEqual([lost!.id]);
    expect(report.failed).toHaveLength(1);
    expect(report.failed[0]).toMatch(new RegExp(`^${blocked!.id}: reconciling it failed: .*already exists`));
    expect(existsSync(path.join(lost!.worktreePath, '.git'))).toBe(true);
    // Nothing of the failed one was dropped: its record and branch are there for the next try.
    expect(council.listSessions().map((s) => s.id).sort()).toEqual([blocked!.id, lost!.id].sort());
    expect(gitSync(repo.root, 'rev-parse', '--verify', blocked!.branch)).toMatch(/^[0-9a-f]{40}$/);

    rmSync(blocked!.worktreePath);
    const again = await council.reconcile();
    expect(again.failed).toEqual([]);
    expect(again.restoredWorktrees).toEqual([blocked!.id]);
  });

  it('reconcile: an entry with neither worktree nor branch is dropped; an unknown council worktree is adopted', async () => {
    const repo = makeRepo();
    const council = Council.open(repo.root);
    const [gone, unknown] = await council.createSessions({ task: 'reconcile', count: 2 });
    gitSync(repo.root, 'worktree', 'remove', '--force', gone!.worktreePath);
    gitSync(repo.root, 'branch', '-D', gone!.branch);
    // Lose the registry entry of `unknown` (as if the registry were restored from an old copy).
    editRegistry(council, (registry) => delete registry.sessions[unknown!.id]);

    const report = await council.reconcile();
    expect(report.droppedEntries).toEqual([gone!.id]);
    expect(report.adopted).toEqual([unknown!.id]);
    const adopted = council.session(unknown!.id);
    expect(adopted.branch).toBe(unknown!.branch);
    expect(adopted.worktreePath).toBe(unknown!.worktreePath);
    expect(adopted.baseCommit).toBe(unknown!.baseCommit);
    expect(council.listSessions().map((x) => x.id)).toEqual([unknown!.id]);
  });

  it('reconcile: a session left half-created by a crash is finished when git made it, rolled back when not', async () => {
    const repo = makeRepo();
    const council = Council.open(repo.root);
    const [made, notMade] = await council.createSessions({ task: 'crash', count: 2 });
    gitSync(repo.root, 'worktree', 'remove', '--force', notMade!.worktreePath);
    gitSync(repo.root, 'branch', '-D', notMade!.branch);
    editRegistry(council, (registry) => {
      for (const id of [made!.id, notMade!.id]) registry.sessions[id]!.state = 'creating';
    });

    const report = await council.reconcile();
    expect(report.finishedCreating).toEqual([made!.id]);
    expect(report.rolledBack).toEqual([notMade!.id]);
    expect(council.listSessions().map((s) => [s.id, s.state])).toEqual([[made!.id, 'ready']]);
  });

  it('reconcile: a removal interrupted after archiving is completed; one with unarchived work goes back to ready', async () => {
    const repo = makeRepo();
    const council = Council.open(repo.root);
    const [archived, unarchived] = await council.createSessions({ task: 'interrupted', count: 2 });
    writeIn(archived!.worktreePath, 'a.txt', 'a\n');
    const a = await council.commit(archived!.id, 'a');
    gitSync(repo.root, 'update-ref', `refs/council/archive/${archived!.id}-20260101T000000Z`, a.commit!);
    writeIn(unarchived!.worktreePath, 'b.txt', 'b\n');
    await council.commit(unarchived!.id, 'b');
    editRegistry(council, (registry) => {
      for (const id of [archived!.id, unarchived!.id]) registry.sessions[id]!.state = 'removing';
    });

    const report = await council.reconcile();
    expect(report.finishedRemoving).toEqual([archived!.id]);
    expect(council.listSessions().map((s) => [s.id, s.state])).toEqual([[unarchived!.id, 'ready']]);
    expect(gitSync(repo.root, 'rev-parse', `refs/council/archive/${archived!.id}-20260101T000000Z`)).toBe(a.commit);
    expect(gitSync(repo.root, 'log', '-1', '--format=%s', unarchived!.branch)).toBe('b');
  });
});
