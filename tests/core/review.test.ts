import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Session } from '../../shared/models';
import { Council } from '../../electron/core/council';
import { addComment, deleteComment, editComment, resolveComment, reviewSummaries, reviewView } from '../../electron/core/review/review';
import { approve, requestChanges } from '../../electron/core/review/send';
import { MessageLog } from '../../electron/core/coordination/messages';
import { readReview, reviewFile } from '../../electron/core/review/store';
import { listRemoved } from '../../electron/core/sessions/removed-log';
import { REVIEW_LIMITS } from '../../shared/review';
import { existsSync } from 'node:fs';
import { useScript } from '../agents/fake-agents';
import { gitSync, makeRepo, writeIn } from '../helpers/repo';

/**
 * Code review through the core, with real git: snapshots kept under refs that gc respects and that
 * touch nothing of the session's; comments that survive a new Council (a restart); outdated and
 * addressed marks read from the quoted code; request changes delivered to a real (fake) agent
 * process as one message; the status following the agent's context.
 */

const FILE = ['export function hello(name: string) {', '  return "hi " + name;', '}', '', 'export const answer = 42;', ''].join('\n');

let open: Council[] = [];
afterEach(async () => {
  for (const c of open) {
    const manager = await c.agents();
    for (const s of c.listSessions()) await manager.stop(s.id).catch(() => undefined);
    await c.close();
  }
  open = [];
});

async function scene(): Promise<{ council: Council; session: Session; root: string }> {
  const repo = makeRepo();
  const council = Council.open(repo.root);
  open.push(council);
  const [session] = await council.createSessions({ task: 'review me' });
  writeIn(session!.worktreePath, 'src/hello.ts', FILE);
  return { council, session: session!, root: repo.root };
}

const write = (s: Session, rel: string, text: string): void => writeFileSync(path.join(s.worktreePath, rel), text);

describe('review snapshots', () => {
  it('record committed, uncommitted and untracked work but not ignored files, leave the index and HEAD alone, and survive gc', async () => {
    const { council, session, root } = await scene();
    writeIn(session.worktreePath, '.gitignore', 'secret.txt\n');
    gitSync(session.worktreePath, 'add', '.gitignore');
    gitSync(session.worktreePath, 'commit', '-qm', 'ignore secrets');
    writeIn(session.worktreePath, 'secret.txt', 'do not keep\n');
    write(session, 'src/a.ts', 'export const a = 2; // changed, not staged\n');
    const head = gitSync(session.worktreePath, 'rev-parse', 'HEAD');
    const indexBefore = gitSync(session.worktreePath, 'ls-files', '-s');
    const statusBefore = gitSync(session.worktreePath, 'status', '--porcelain');

    const comment = await addComment(council, session.id, { path: 'src/hello.ts', startLine: 2, body: 'Greet properly.' });

    expect(gitSync(session.worktreePath, 'rev-parse', 'HEAD')).toBe(head);
    expect(gitSync(session.worktreePath, 'ls-files', '-s')).toBe(indexBefore);
    expect(gitSync(session.worktreePath, 'status', '--porcelain')).toBe(statusBefore);
    expect(gitSync(root, 'rev-parse', `${comment.snapshot}^`)).toBe(head);
    expect(gitSync(root, 'show', `${comment.snapshot}:src/hello.ts`)).toBe(FILE.trimEnd());
    expect(gitSync(root, 'show', `${comment.snapshot}:src/a.ts`)).toContain('changed, not staged');
    expect(gitSync(root, 'ls-tree', '-r', '--name-only', comment.snapshot).split('\n')).not.toContain('secret.txt');

    const ref = `refs/council/review/${session.id}/${comment.snapshot}`;
    gitSync(root, 'reflog', 'expire', '--expire=now', '--all');
    gitSync(root, 'gc', '--prune=now', '--quiet');
    expect(gitSync(root, 'rev-parse', ref)).toBe(comment.snapshot);
    expect(gitSync(root, 'cat-file', '-t', comment.snapshot)).toBe('commit');
  });

  it('deleting the last comment that named a snapshot drops its ref', async () => {
    const { council, session, root } = await scene();
    const c = await addComment(council, session.id, { path: 'src/hello.ts', startLine: 1, body: 'x' });
    await deleteComment(council, session.id, c.id);
    expect(gitSync(root, 'for-each-ref', `refs/council/review/${session.id}/`)).toBe('');
  });
});

describe('bounds', () => {
  it('refuses a comment past the pending limit, naming what to do', async () => {
    const { council, session } = await scene();
    const { updateReview } = await import('../../electron/core/review/store');
    const c = await addComment(council, session.id, { path: 'src/hello.ts', startLine: 1, body: 'x' });
    await updateReview(council.ws.paths, session.id, (r) => ({ next: { ...r, comments: Array.from({ length: REVIEW_LIMITS.pending }, (_, i) => ({ ...c, id: `c${i + 1}` })), nextComment: REVIEW_LIMITS.pending + 1 }, result: null }));
    await expect(addComment(council, session.id, { path: 'src/hello.ts', startLine: 1, body: 'one more' })).rejects.toThrow(`already has ${REVIEW_LIMITS.pending} pending comments`);
  });

  it('drops the review of a session gone from the registry and from the removal log, file and refs; keeps a recent removal\'s', async () => {
    const { council, session, root } = await scene();
    const [recent, old] = await council.createSessions({ task: 'other', count: 2 });
    for (const s of [recent!, old!]) {
      writeIn(s.worktreePath, 'src/hello.ts', FILE);
      await addComment(council, s.id, { path: 'src/hello.ts', startLine: 1, body: 'x' });
    }
    for (const s of [recent!, old!]) await council.removeSession(s.id, { force: true });
    // Both removals are logged; `old` has since fallen out of the log (it keeps the last 200).
    expect(listRemoved(council.ws.paths).map((r) => r.id).sort()).toEqual([recent!.id, old!.id].sort());
    writeFileSync(council.ws.paths.removedLog, JSON.stringify({ version: 1, removed: listRemoved(council.ws.paths).filter((r) => r.id === recent!.id) }));
    expect(existsSync(reviewFile(council.ws.paths, old!.id))).toBe(true);
    await addComment(council, session.id, { path: 'src/hello.ts', startLine: 1, body: 'y' });
    expect(existsSync(reviewFile(council.ws.paths, old!.id))).toBe(false);
    expect(gitSync(root, 'for-each-ref', `refs/council/review/${old!.id}/`)).toBe('');
    expect(existsSync(reviewFile(council.ws.paths, recent!.id))).toBe(true);
    expect(gitSync(root, 'for-each-ref', `refs/council/review/${recent!.id}/`)).not.toBe('');
  });
});

describe('comments', () => {
  it('quote their lines, are refused outside the file with its length, and survive a new Council (a restart)', async () => {
    const { council, session, root } = await scene();
    const c1 = await addComment(council, session.id, { path: 'src/hello.ts', startLine: 1, endLine: 3, body: 'Use a template string.' });
    expect(c1).toMatchObject({ id: 'c1', side: 'new', startLine: 1, endLine: 3, quote: FILE.split('\n').slice(0, 3), round: null, resolvedAt: null });
    const c2 = await addComment(council, session.id, { path: 'src/a.ts', side: 'old', startLine: 1, body: 'Was this needed?' });
    expect(c2).toMatchObject({ id: 'c2', side: 'old', quote: ['export const a = 1;'] });
    await expect(addComment(council, session.id, { path: 'src/hello.ts', startLine: 5, endLine: 9, body: 'x' })).rejects.toThrow('lines 5-9 is outside src/hello.ts: it has 5 lines');
    await expect(addComment(council, session.id, { path: 'src/hello.ts', side: 'old', startLine: 1, body: 'x' })).rejects.toThrow('not in session');
    await expect(addComment(council, session.id, { path: 'src/hello.ts', startLine: 3, endLine: 2, body: 'x' })).rejects.toThrow('run backwards');
    await expect(addComment(council, session.id, { path: 'src/hello.ts', startLine: 1, body: '   ' })).rejects.toThrow('empty');
    await expect(addComment(council, 'ffffff', { path: 'src/hello.ts', startLine: 1, body: 'x' })).rejects.toThrow(/ffffff/);
    await editComment(council, session.id, 'c1', 'Use a template literal.');

    const again = Council.open(root);
    open.push(again);
    const view = await reviewView(again, session.id);
    expect(view.comments.map((c) => [c.id, c.body, c.state, c.outdated])).toEqual([
      ['c1', 'Use a template literal.', 'pending', false],
      ['c2', 'Was this needed?', 'pending', false],
    ]);
    expect(reviewSummaries(again)).toEqual([{ sessionId: session.id, status: 'none', pending: 2, sent: 0 }]);
  });

  it('follow their code when it moves (found exactly once), and are outdated when it changes or is found twice', async () => {
    const { council, session } = await scene();
    await addComment(council, session.id, { path: 'src/hello.ts', startLine: 2, body: 'on the return' });
    await addComment(council, session.id, { path: 'src/hello.ts', startLine: 5, body: 'on the answer' });
    await addComment(council, session.id, { path: 'src/hello.ts', startLine: 3, body: 'on a closing brace' });
    const marks = async () => (await reviewView(council, session.id)).comments.map((c) => ({ id: c.id, outdated: c.outdated, now: c.now }));

    write(session, 'src/hello.ts', `// a header\n// two lines\n${FILE}`);
    expect(await marks()).toEqual([
      { id: 'c1', outdated: false, now: { startLine: 4, endLine: 4 } },
      { id: 'c2', outdated: false, now: { startLine: 7, endLine: 7 } },
      { id: 'c3', outdated: false, now: { startLine: 5, endLine: 5 } },
    ]);

    write(session, 'src/hello.ts', FILE.replace('42', '43').replace('"hi "', '"hello "') + 'export function other() {\n}\n');
    expect(await marks()).toEqual([
      { id: 'c1', outdated: true, now: null },
      { id: 'c2', outdated: true, now: null },
      // its own line still holds "}": anchored there, whatever else the file holds
      { id: 'c3', outdated: false, now: { startLine: 3, endLine: 3 } },
    ]);
    write(session, 'src/hello.ts', `\n${FILE}export function other() {\n}\n`);
    // "}" moved and is now found twice: not guessed at
    expect((await marks())[2]).toEqual({ id: 'c3', outdated: true, now: null });
  });
});

describe('request changes and re-review', () => {
  it('sends the pending comments as one message to the agent, then marks each addressed or open, and follows the agent to ready for re-review', async () => {
    const { council, session, root } = await scene();
    await addComment(council, session.id, { path: 'src/hello.ts', startLine: 2, body: 'Use a template literal.' });
    await addComment(council, session.id, { path: 'src/hello.ts', startLine: 5, body: 'Name this constant better.' });
    await addComment(council, session.id, { path: 'src/hello.ts', startLine: 1, body: 'Export a default too?' });

    // No agent yet: refused, nothing changes — not even a snapshot ref left behind for the
    // worktree as it was at the refused send (it moved since the comments).
    const refsNow = () => gitSync(root, 'for-each-ref', '--format=%(refname)', `refs/council/review/${session.id}/`).split('\n').filter(Boolean).sort();
    const refsBefore = refsNow();
    writeFileSync(path.join(session.worktreePath, 'src', 'unsent.ts'), 'export const unsent = 1;\n');
    await expect(requestChanges(council, session.id, 'Close.')).rejects.toThrow('has no agent yet');
    expect(readReview(council.ws.paths, session.id)?.comments.every((c) => c.round === null)).toBe(true);
    expect(refsNow()).toEqual(refsBefore);
    rmSync(path.join(session.worktreePath, 'src', 'unsent.ts'));

    await useScript(council, 'claude', [{ echoStdin: true }]);
    const manager = await council.agents();
    const output: string[] = [];
    manager.attach(session.id, (_run, chunk) => output.push(chunk.data));
    await manager.start(session.id, { preset: 'claude', mode: 'interactive' });
    const { round, delivered } = await requestChanges(council, session.id, 'Close, a few things.');
    expect(delivered).toBe('terminal');
    expect(round).toMatchObject({ n: 1, commentIds: ['c1', 'c2', 'c3'], summary: 'Close, a few things.' });
    // The review is in the session's conversation (the message log), as delivered.
    const logged = new MessageLog(council.ws.paths).all();
    expect(logged).toEqual([expect.objectContaining({ from: 'supervisor', to: session.id, text: round.message, deliveries: [expect.objectContaining({ sessionId: session.id, delivered: 'terminal' })] })]);
    expect(gitSync(root, 'rev-parse', `refs/council/review/${session.id}/${round.snapshot}`)).toBe(round.snapshot);
    // The fake agent echoes each line it reads: the message arrived whole.
    await expect.poll(() => output.join(''), { timeout: 10_000 }).toContain('echo: When you are done, stop and say briefly what you changed for each comment.');
    expect(output.join('')).toContain('echo: [2] src/hello.ts:5');
    expect(output.join('')).toContain('echo:     5 | export const answer = 42;');

    let view = await reviewView(council, session.id);
    expect(view).toMatchObject({ status: 'changes-requested', sinceSnapshot: round.snapshot });
    expect(view.comments.map((c) => [c.id, c.state, c.outcome])).toEqual([
      ['c1', 'sent', 'open'],
      ['c2', 'sent', 'open'],
      ['c3', 'sent', 'open'],
    ]);

    // The agent works (its hooks say so), changes line 2 only, and its turn ends.
    await council.context.update(session.id, { status: 'working' });
    write(session, 'src/hello.ts', FILE.replace('"hi " + name', '`hi ${name}`'));
    expect((await reviewView(council, session.id)).status).toBe('changes-requested');
    await council.context.update(session.id, { status: 'done' });
    await resolveComment(council, session.id, 'c3');
    view = await reviewView(council, session.id);
    expect(view.status).toBe('ready-for-re-review');
    expect(view.comments.map((c) => [c.id, c.outcome, c.addressedBy])).toEqual([
      ['c1', 'addressed', 'changed'],
      ['c2', 'open', null],
      ['c3', 'addressed', 'resolved'],
    ]);
    // Sent comments are kept: neither edited nor deleted.
    await expect(deleteComment(council, session.id, 'c2')).rejects.toThrow('mark it resolved instead');
    await expect(editComment(council, session.id, 'c2', 'x')).rejects.toThrow('add a new comment instead');

    const { review, entry } = await approve(council, session.id);
    expect(entry).toBeNull();
    expect(review).toMatchObject({ status: 'approved', approval: { queueEntryId: null } });
  });

  it('ready for re-review also when the agent run ends after the request', async () => {
    const { council, session } = await scene();
    await addComment(council, session.id, { path: 'src/hello.ts', startLine: 2, body: 'x' });
    await useScript(council, 'claude', [{ echoStdin: true }]);
    const manager = await council.agents();
    await manager.start(session.id, { preset: 'claude', mode: 'interactive' });
    await requestChanges(council, session.id);
    expect((await reviewView(council, session.id)).status).toBe('changes-requested');
    manager.write(session.id, 'end\r');
    await expect.poll(async () => (await reviewView(council, session.id)).status, { timeout: 10_000 }).toBe('ready-for-re-review');
  });
});
