import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Council } from '../../electron/core/council';
import { CouncilError } from '../../electron/core/errors';
import { processQueue } from '../../electron/core/merge/index';
import { discardChange } from '../../electron/core/sessions/discard';
import { defaultOpenCommand, openWorktree } from '../../electron/core/sessions/open-worktree';
import { abortUpdateFromBase, clearResolvedUpdateMark, updateFromBase } from '../../electron/core/sessions/update-base';
import { commitSession } from '../../electron/core/sessions/commit';
import { sessionStats } from '../../electron/core/sessions/inspect';
import { RadarService } from '../../electron/core/radar/radar';
import { splitPatch } from '../../electron/core/git/patch';
import type { Session } from '../../shared/models';
import { gitSync, makeRepo, tempDir, writeIn } from '../helpers/repo';

/**
 * What a reviewer does to a session (issue 14, item 5), on real repositories with real git:
 * discarding a file's or a hunk's uncommitted change (kept first under the session's archive ref),
 * updating from the base (merge, rebase, conflict, undo), opening the worktree, the merge message.
 */

const LINES = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`);
const text = (lines: readonly string[]): string => `${lines.join('\n')}\n`;

async function setup(): Promise<{ council: Council; session: Session; root: string; wt: string }> {
  const repo = makeRepo({ 'README.md': '# demo\n', 'src/long.txt': text(LINES), 'src/b.ts': 'export const b = 2;\n' });
  const council = Council.open(repo.root);
  const [session] = await council.createSessions({ task: 'review me' });
  return { council, session: session!, root: repo.root, wt: session!.worktreePath };
}

async function errorOf(promise: Promise<unknown>): Promise<CouncilError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof CouncilError)) throw new Error(`expected a CouncilError, got ${String(err)}`);
  return err;
}

const read = (wt: string, rel: string): string => readFileSync(path.join(wt, rel), 'utf8');
const status = (wt: string): string => gitSync(wt, 'status', '--short', '--untracked-files=all').split('\n').map((l) => l.trim()).join('\n');

describe('discard a file', () => {
  it('tracked: keeps the change under the archive ref, puts the file back to HEAD, touches no other file', async () => {
    const { council, session, wt, root } = await setup();
    writeIn(wt, 'src/long.txt', 'all new\n');
    writeIn(wt, 'src/b.ts', 'export const b = 3;\n');
    writeIn(wt, 'notes.md', 'untracked, kept\n');
    const done = await discardChange(council.ws, session, 'src/long.txt');
    expect(done).toMatchObject({ outcome: 'restored', hunk: null, archivedAs: `refs/council/archive/${session.id}/discard-1` });
    expect(read(wt, 'src/long.txt')).toBe(text(LINES));
    // The archive holds exactly what was discarded, on top of the session's HEAD.
    expect(gitSync(root, 'show', `${done.archivedAs}:src/long.txt`)).toBe('all new');
    expect(gitSync(root, 'rev-parse', `${done.archivedAs}^`)).toBe(gitSync(wt, 'rev-parse', 'HEAD'));
    expect(gitSync(root, 'diff', '--name-only', `${done.archivedAs}^`, done.archivedAs)).toBe('src/long.txt');
    // The other files are as they were.
    expect(read(wt, 'src/b.ts')).toBe('export const b = 3;\n');
    expect(read(wt, 'notes.md')).toBe('untracked, kept\n');
    expect(status(wt).split('\n').sort()).toEqual(['?? notes.md', 'M src/b.ts']);
    // And the command it gives gets it back.
    expect(done.restoreCommand).toBe(`git -C ${wt} checkout ${done.archivedAs} -- src/long.txt`);
    gitSync(wt, 'checkout', done.archivedAs, '--', 'src/long.txt');
    expect(read(wt, 'src/long.txt')).toBe('all new\n');
  });

  it('untracked: archived, then deleted; a deleted tracked file comes back; numbers go on', async () => {
    const { council, session, wt, root } = await setup();
    writeIn(wt, 'new dir/new file.txt', 'brand new\n');
    const first = await discardChange(council.ws, session, 'new dir/new file.txt');
    expect(first).toMatchObject({ outcome: 'deleted', archivedAs: `refs/council/archive/${session.id}/discard-1` });
    expect(existsSync(path.join(wt, 'new dir/new file.txt'))).toBe(false);
    expect(gitSync(root, 'show', `${first.archivedAs}:new dir/new file.txt`)).toBe('brand new');
    expect(first.restoreCommand).toContain(`-- 'new dir/new file.txt'`);
    rmSync(path.join(wt, 'src/b.ts'));
    const second = await discardChange(council.ws, session, 'src/b.ts');
    expect(second).toMatchObject({ outcome: 'restored', archivedAs: `refs/council/archive/${session.id}/discard-2` });
    expect(read(wt, 'src/b.ts')).toBe('export const b = 2;\n');
    // The second archive records the deletion it undid.
    expect(gitSync(root, 'diff', '--name-status', `${second.archivedAs}^`, second.archivedAs)).toBe('D\tsrc/b.ts');
    expect(status(wt)).toBe('');
  });

  it('refuses a file with no change, a path outside the worktree, an absolute path — and changes nothing', async () => {
    const { council, session, wt, root } = await setup();
    writeIn(wt, 'src/b.ts', 'changed\n');
    expect((await errorOf(discardChange(council.ws, session, 'README.md'))).message).toBe(`README.md has no uncommitted change in session ${session.id}; nothing to discard`);
    expect((await errorOf(discardChange(council.ws, session, '../demo/src/b.ts'))).code).toBe('invalid-input');
    expect((await errorOf(discardChange(council.ws, session, path.join(wt, 'src/b.ts')))).message).toContain('is absolute');
    expect(read(wt, 'src/b.ts')).toBe('changed\n');
    expect(gitSync(root, 'for-each-ref', 'refs/council/archive/')).toBe('');
  });
});

describe('discard a hunk', () => {
  function twoHunks(wt: string): void {
    const lines = [...LINES];
    lines[1] = 'line 2 CHANGED';
    lines[27] = 'line 28 CHANGED';
    writeIn(wt, 'src/long.txt', text(lines));
  }

  it('by number: reverses that hunk only, keeps the file as it was under the archive ref', async () => {
    const { council, session, wt, root } = await setup();
    twoHunks(wt);
    writeIn(wt, 'src/b.ts', 'export const b = 3;\n');
    const done = await discardChange(council.ws, session, 'src/long.txt', 2);
    expect(done.outcome).toBe('hunk-reversed');
    expect(done.hunk).toMatch(/^@@ -25,6 \+25,6 @@/);
    const expected = [...LINES];
    expected[1] = 'line 2 CHANGED';
    expect(read(wt, 'src/long.txt')).toBe(text(expected));
    expect(gitSync(root, 'show', `${done.archivedAs}:src/long.txt`).split('\n')).toContain('line 28 CHANGED');
    expect(gitSync(root, 'show', `${done.archivedAs}:src/long.txt`).split('\n')).toContain('line 2 CHANGED');
    expect(read(wt, 'src/b.ts')).toBe('export const b = 3;\n');
  });

  it('by its text as the diff showed it; refused (nothing changed, nothing archived) once it no longer applies', async () => {
    const { council, session, wt, root } = await setup();
    twoHunks(wt);
    const { hunks } = splitPatch(gitSync(wt, 'diff', 'HEAD', '--', 'src/long.txt') + '\n');
    const first = hunks[0]!;
    const header = first.slice(0, first.indexOf('\n'));
    const body = first.slice(first.indexOf('\n') + 1);
    const done = await discardChange(council.ws, session, 'src/long.txt', { header, text: body });
    expect(done.hunk).toBe(header);
    expect(read(wt, 'src/long.txt')).not.toContain('line 2 CHANGED');
    expect(read(wt, 'src/long.txt')).toContain('line 28 CHANGED');
    // Shown again from the old diff: that hunk is gone from the file.
    const again = await errorOf(discardChange(council.ws, session, 'src/long.txt', { header, text: body }));
    expect(again.code).toBe('conflict');
    expect(again.message).toContain('no longer applies');
    expect(read(wt, 'src/long.txt')).toContain('line 28 CHANGED');
    expect(gitSync(root, 'for-each-ref', '--format=%(refname)', `refs/council/archive/${session.id}`)).toBe(`refs/council/archive/${session.id}/discard-1`);
    expect((await errorOf(discardChange(council.ws, session, 'src/long.txt', 3))).message).toContain('has 1 hunk(s) of uncommitted change');
  });

  it("refuses a hunk text that carries another file's change (it would be reversed unarchived), and changes nothing", async () => {
    const { council, session, wt, root } = await setup();
    twoHunks(wt);
    writeIn(wt, 'src/b.ts', 'export const b = 3;\n');
    const { hunks } = splitPatch(gitSync(wt, 'diff', 'HEAD', '--', 'src/long.txt') + '\n');
    const first = hunks[0]!;
    const header = first.slice(0, first.indexOf('\n'));
    const other = gitSync(wt, 'diff', 'HEAD', '--', 'src/b.ts') + '\n';
    const smuggled = `${first.slice(first.indexOf('\n') + 1)}${other}`;
    const err = await errorOf(discardChange(council.ws, session, 'src/long.txt', { header, text: smuggled }));
    expect(err.code).toBe('invalid-input');
    expect(err.message).toContain('must be one hunk of src/long.txt');
    expect(read(wt, 'src/b.ts')).toBe('export const b = 3;\n');
    expect(read(wt, 'src/long.txt')).toContain('line 2 CHANGED');
    expect(gitSync(root, 'for-each-ref', '--format=%(refname)', `refs/council/archive/${session.id}`)).toBe('');
  });

  it('refuses a hunk of a new file (discard the file instead)', async () => {
    const { council, session, wt } = await setup();
    writeIn(wt, 'fresh.txt', 'a\nb\n');
    expect((await errorOf(discardChange(council.ws, session, 'fresh.txt', 1))).message).toContain('is a new file');
    expect(read(wt, 'fresh.txt')).toBe('a\nb\n');
  });
});

describe('update from base', () => {
  async function baseMoves(root: string, rel: string, content: string, message: string): Promise<string> {
    writeIn(root, rel, content);
    gitSync(root, 'add', '-A');
    gitSync(root, 'commit', '-q', '-m', message);
    return gitSync(root, 'rev-parse', 'HEAD');
  }

  it('merge: brings the base in, says how many commits came in; then up to date', async () => {
    const { council, session, wt, root } = await setup();
    writeIn(wt, 'src/b.ts', 'export const b = 3;\n');
    gitSync(wt, 'commit', '-qam', 'session work');
    await baseMoves(root, 'README.md', '# one\n', 'one');
    const tip = await baseMoves(root, 'README.md', '# two\n', 'two');
    const done = await updateFromBase(council.ws, council.context, session, { agentRunning: false });
    expect(done).toMatchObject({ state: 'updated', strategy: 'merge', commitsIn: 2, files: [] });
    expect(gitSync(wt, 'rev-list', '--parents', '-n', '1', 'HEAD').split(' ')).toContain(tip);
    expect(read(wt, 'README.md')).toBe('# two\n');
    expect(read(wt, 'src/b.ts')).toBe('export const b = 3;\n');
    expect(await updateFromBase(council.ws, council.context, session, { agentRunning: false })).toMatchObject({ state: 'up-to-date', commitsIn: 0 });
  });

  it('rebase: the session commits replayed on the base', async () => {
    const { council, session, wt, root } = await setup();
    writeIn(wt, 'src/b.ts', 'export const b = 3;\n');
    gitSync(wt, 'commit', '-qam', 'session work');
    const tip = await baseMoves(root, 'README.md', '# one\n', 'one');
    const done = await updateFromBase(council.ws, council.context, session, { strategy: 'rebase', agentRunning: false });
    expect(done).toMatchObject({ state: 'updated', strategy: 'rebase', commitsIn: 1 });
    expect(gitSync(wt, 'rev-parse', 'HEAD^')).toBe(tip);
    expect(gitSync(wt, 'log', '-1', '--format=%s')).toBe('session work');
  });

  it('a session with no commits of its own, fast-forwarded by a rebase, starts from the new base: not merged, nothing of its own', async () => {
    const { council, session, wt, root } = await setup();
    const tip = await baseMoves(root, 'README.md', '# one\n', 'one');
    expect(await updateFromBase(council.ws, council.context, session, { strategy: 'rebase', agentRunning: false })).toMatchObject({ state: 'updated', commitsIn: 1 });
    expect(gitSync(wt, 'rev-parse', 'HEAD')).toBe(tip);
    const after = council.session(session.id);
    expect(after.baseCommit).toBe(tip);
    expect(await sessionStats(council.ws, after)).toMatchObject({ merged: false, ahead: 0, behind: 0, mergeBlocked: expect.stringContaining('nothing to merge') });
    // And the radar agrees: not merged (its tip is its start), so it stays in its group.
    const radar = await new RadarService(council).compute();
    expect(radar.sessions.find((s) => s.sessionId === session.id)?.merged).toBe(false);
  });

  it("merge: the incoming base commits are not counted as the session's own", async () => {
    const { council, session, wt, root } = await setup();
    writeIn(wt, 'src/b.ts', 'export const b = 3;\n');
    gitSync(wt, 'commit', '-qam', 'session work');
    const tip = await baseMoves(root, 'README.md', '# one\n', 'one');
    await updateFromBase(council.ws, council.context, session, { agentRunning: false });
    expect(council.session(session.id).baseCommit).toBe(tip);
    expect(gitSync(root, 'rev-list', '--count', `${tip}..${session.branch}`)).toBe('2');
  });

  it('refuses uncommitted changes, a running agent — and changes nothing', async () => {
    const { council, session, wt, root } = await setup();
    await baseMoves(root, 'README.md', '# one\n', 'one');
    const head = gitSync(wt, 'rev-parse', 'HEAD');
    writeIn(wt, 'src/b.ts', 'dirty\n');
    const dirty = await errorOf(updateFromBase(council.ws, council.context, session, { agentRunning: false }));
    expect(dirty.code).toBe('conflict');
    expect(dirty.message).toContain('uncommitted changes in 1 file(s) (src/b.ts): commit them first');
    gitSync(wt, 'checkout', '--', 'src/b.ts');
    const agent = await errorOf(updateFromBase(council.ws, council.context, session, { agentRunning: true }));
    expect(agent.message).toContain("agent is running in its worktree: stop it first");
    expect(gitSync(wt, 'rev-parse', 'HEAD')).toBe(head);
    expect(status(wt)).toBe('');
  });

  it('a conflict resolved and committed no longer blocks the session', async () => {
    const { council, session, wt, root } = await setup();
    writeIn(wt, 'src/b.ts', 'export const b = "session";\n');
    gitSync(wt, 'commit', '-qam', 'session work');
    await baseMoves(root, 'src/b.ts', 'export const b = "base";\n', 'base work');
    expect((await updateFromBase(council.ws, council.context, session, { agentRunning: false })).state).toBe('conflict');
    writeIn(wt, 'src/b.ts', 'export const b = "both";\n');
    await commitSession(council.ws, session.id, 'resolve the update');
    await clearResolvedUpdateMark(council.context, session);
    expect(council.context.get(session.id).status).toBe('idle');
    // A merge commit: both the session's and the base's work are in it.
    expect(gitSync(wt, 'rev-list', '--parents', '-n', '1', 'HEAD').split(' ')).toHaveLength(3);
    expect(read(wt, 'src/b.ts')).toBe('export const b = "both";\n');
  });

  for (const strategy of ['merge', 'rebase'] as const) {
    it(`${strategy}: a conflict is left in the worktree with its files named and the session blocked; undo restores exactly`, async () => {
      const { council, session, wt, root } = await setup();
      writeIn(wt, 'src/b.ts', 'export const b = "session";\n');
      writeIn(wt, 'src/long.txt', text(['session line', ...LINES.slice(1)]));
      gitSync(wt, 'commit', '-qam', 'session work');
      writeIn(wt, 'ignored-by-nobody.txt', 'x');
      rmSync(path.join(wt, 'ignored-by-nobody.txt'));
      await baseMoves(root, 'src/b.ts', 'export const b = "base";\n', 'base work');
      const before = { head: gitSync(wt, 'rev-parse', 'HEAD'), branch: gitSync(wt, 'symbolic-ref', 'HEAD'), b: read(wt, 'src/b.ts'), long: read(wt, 'src/long.txt'), tree: gitSync(wt, 'rev-parse', 'HEAD^{tree}') };
      const done = await updateFromBase(council.ws, council.context, session, { strategy, agentRunning: false });
      expect(done).toMatchObject({ state: 'conflict', strategy, commitsIn: 1, files: ['src/b.ts'] });
      expect(done.resolvePrompt).toContain('src/b.ts');
      expect(read(wt, 'src/b.ts')).toContain('<<<<<<<');
      const context = council.context.get(session.id);
      expect(context.status).toBe('blocked');
      expect(context.blockedReason).toContain('stopped on conflicts in src/b.ts');
      // A second update is refused while this one is in progress; so is a discard of the conflicted file.
      expect((await errorOf(updateFromBase(council.ws, council.context, session, { agentRunning: false }))).message).toContain(`has a ${strategy} in progress`);
      expect((await errorOf(discardChange(council.ws, session, 'src/b.ts'))).message).toContain('conflicted merge');

      const undone = await abortUpdateFromBase(council.context, session);
      expect(undone).toMatchObject({ state: 'aborted', strategy, head: before.head });
      expect(gitSync(wt, 'rev-parse', 'HEAD')).toBe(before.head);
      expect(gitSync(wt, 'symbolic-ref', 'HEAD')).toBe(before.branch);
      expect(gitSync(wt, 'rev-parse', 'HEAD^{tree}')).toBe(before.tree);
      expect(read(wt, 'src/b.ts')).toBe(before.b);
      expect(read(wt, 'src/long.txt')).toBe(before.long);
      expect(status(wt)).toBe('');
      expect(council.context.get(session.id).status).toBe('idle');
      expect((await errorOf(abortUpdateFromBase(council.context, session))).message).toContain('no update (merge or rebase) in progress');
    });
  }
});

describe('open the worktree', () => {
  function standIn(): { program: string; log: string } {
    const dir = tempDir('council-open-');
    const log = path.join(dir, 'log.txt');
    const program = path.join(dir, 'stand-in-editor');
    writeFileSync(program, `#!/bin/sh\n{ pwd; for a in "$@"; do printf '%s\\n' "$a"; done; } > '${log}'\n`);
    chmodSync(program, 0o755);
    return { program, log };
  }

  const waitForFile = async (file: string): Promise<string> => {
    const end = Date.now() + 10_000;
    while (Date.now() < end) {
      if (existsSync(file) && readFileSync(file, 'utf8').endsWith('\n')) return readFileSync(file, 'utf8');
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`${file} was never written`);
  };

  it('starts the configured program with its arguments, {path} filled in, in the worktree', async () => {
    const { council, wt } = await setup();
    const { program, log } = standIn();
    await council.ws.updateSettings({ openEditor: [program, '--new-window', '{path}', 'literal $HOME; rm -rf /'] });
    const done = await openWorktree(wt, 'editor', council.ws.settings());
    expect(done).toMatchObject({ target: 'editor', argv: [program, '--new-window', wt, 'literal $HOME; rm -rf /'], cwd: wt, setting: 'openEditor' });
    expect(await waitForFile(log)).toBe(`${wt}\n--new-window\n${wt}\nliteral $HOME; rm -rf /\n`);
  });

  it('a missing program is a clear error naming the setting to change', async () => {
    const { council, wt } = await setup();
    await council.ws.updateSettings({ openTerminal: ['no-such-terminal-program-here'] });
    const err = await errorOf(openWorktree(wt, 'terminal', council.ws.settings()));
    expect(err.code).toBe('not-found');
    expect(err.message).toContain('the terminal "no-such-terminal-program-here" was not found (setting openTerminal)');
    expect(err.message).toContain('council settings set openTerminal');
  });

  it('has a default per platform', () => {
    const none = () => false;
    expect(defaultOpenCommand('editor', 'linux', (n) => n === 'code')).toEqual(['code', '{path}']);
    expect(defaultOpenCommand('editor', 'linux', none)).toEqual(['xdg-open', '{path}']);
    expect(defaultOpenCommand('editor', 'darwin', none)).toEqual(['open', '{path}']);
    expect(defaultOpenCommand('terminal', 'linux', none)).toEqual(['x-terminal-emulator']);
    expect(defaultOpenCommand('terminal', 'darwin', none)).toEqual(['open', '-a', 'Terminal', '{path}']);
    expect(defaultOpenCommand('terminal', 'win32', none)).toEqual(['wt', '-d', '{path}']);
    expect(defaultOpenCommand('files', 'win32', none)).toEqual(['explorer', '{path}']);
  });
});

describe("the merge queue's message", () => {
  it("an entry's own message is the base's merge commit message; refused for a rebase or when blank", async () => {
    const { council, session, wt, root } = await setup();
    writeIn(wt, 'src/b.ts', 'export const b = 3;\n');
    gitSync(wt, 'commit', '-qam', 'session work');
    expect((await errorOf(council.queue.enqueue(session.id, { strategy: 'rebase', message: 'x' }))).message).toContain('a rebase makes no merge commit');
    expect((await errorOf(council.queue.enqueue(session.id, { message: '  \n' }))).message).toContain('the merge message is empty');
    await council.queue.enqueue(session.id, { strategy: 'merge', gate: null, message: 'Land the b change\n\nReviewed by a person.  \n\n' });
    await processQueue(council);
    expect(gitSync(root, 'log', '-1', '--format=%B', 'main')).toBe('Land the b change\n\nReviewed by a person.');
    expect(gitSync(root, 'rev-list', '--parents', '-n', '1', 'main').split(' ')).toHaveLength(3);
  });
});
