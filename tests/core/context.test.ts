import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Session } from '../../shared/models';
import { Council } from '../../electron/core/council';
import type { StateChange } from '../../electron/core/state/watch';
import { council as cli } from '../helpers/cli';
import { makeRepo, type TestRepo } from '../helpers/repo';

describe('shared context', () => {
  let repo: TestRepo;
  let council: Council;
  let a: Session;
  let b: Session;
  let c: Session;

  beforeEach(async () => {
    repo = makeRepo();
    council = Council.open(repo.root);
    [a, b, c] = (await council.createSessions({ task: 'context', agent: 'claude', count: 3 })) as [Session, Session, Session];
  });

  it('starts as waiting, takes updates, and keeps a history of status changes', async () => {
    expect(council.context.get(a.id)).toMatchObject({ sessionId: a.id, agent: 'claude', task: 'context', status: 'idle', stale: false, filesLocked: [] });
    await council.context.update(a.id, { status: 'working', currentFile: 'src/a.ts', progress: '1/3', message: 'editing' }, { cwd: repo.root });
    await council.context.update(a.id, { progress: '2/3' });
    await council.locks.acquire('src/a.ts', a.id, { cwd: repo.root });
    await council.context.update(a.id, { status: 'done', message: 'finished' });
    const view = council.context.get(a.id);
    expect(view).toMatchObject({ status: 'done', currentFile: 'src/a.ts', progress: '2/3', message: 'finished', filesLocked: ['src/a.ts'] });
    expect(view.history.map((h) => h.status)).toEqual(['idle', 'working', 'done']);
    expect(view.history[2]?.message).toBe('finished');
  });

  it('normalizes the current file like a lock path and refuses one outside the repository', async () => {
    const updated = await council.context.update(a.id, { currentFile: path.join(a.worktreePath, 'src', 'b.ts') });
    expect(updated.currentFile).toBe('src/b.ts');
    await expect(council.context.update(a.id, { currentFile: '/etc/passwd' })).rejects.toThrow(/outside the repository/);
    await expect(council.context.update(a.id, { status: 'sleeping' as never })).rejects.toThrow(/status: must be one of "working", "needs-input", "blocked", "idle", "done", "failed"/);
    await expect(council.context.update(a.id, { bogus: 1 } as never)).rejects.toThrow(/unknown field bogus/);
  });

  it('marks a session blocked with a reason and the file it waits for; a new status clears it', async () => {
    const blocked = await council.context.markBlocked(b.id, 'needs the API first', 'src/api.ts', { cwd: repo.root });
    expect(blocked).toMatchObject({ status: 'blocked', blockedReason: 'needs the API first', blockedOn: 'src/api.ts' });
    const working = await council.context.update(b.id, { status: 'working' });
    expect(working).toMatchObject({ status: 'working', blockedReason: null, blockedOn: null });
  });

  it('finds file conflicts: two sessions on one file, or one on a file another has locked', async () => {
    await council.context.update(a.id, { status: 'working', currentFile: 'src/a.ts' }, { cwd: repo.root });
    await council.context.update(b.id, { status: 'working', currentFile: 'src/a.ts' }, { cwd: repo.root });
    await council.context.update(c.id, { status: 'working', currentFile: 'src/b.ts' }, { cwd: repo.root });
    expect(council.context.fileConflicts()).toEqual([{ path: 'src/a.ts', sessionIds: [a.id, b.id].sort(), lockOwner: null }]);

    await council.locks.acquire('src/b.ts', a.id, { cwd: repo.root });
    expect(council.context.fileConflicts()).toEqual([
      { path: 'src/a.ts', sessionIds: [a.id, b.id].sort(), lockOwner: null },
      { path: 'src/b.ts', sessionIds: [a.id, c.id].sort(), lockOwner: a.id },
    ]);
    // A session that is done no longer conflicts.
    await council.context.update(b.id, { status: 'done' });
    await council.context.update(c.id, { status: 'done' });
    expect(council.context.fileConflicts()).toEqual([]);
  });

  it('summarizes sessions by status', async () => {
    await council.context.update(a.id, { status: 'working' });
    await council.context.update(b.id, { status: 'done' });
    expect(council.context.summary()).toEqual({ total: 3, byStatus: { working: 1, 'needs-input': 0, blocked: 0, idle: 1, done: 1, failed: 0 } });
  });

  it('tells "needs your input" from idle: a new session is idle; a record written before (status "waiting") reads as idle, history and message kept', async () => {
    expect(council.context.get(a.id).status).toBe('idle');
    await council.context.update(a.id, { status: 'needs-input', message: 'Claude needs your permission' });
    expect(council.context.get(a.id)).toMatchObject({ status: 'needs-input', message: 'Claude needs your permission' });
    const file = path.join(council.ws.paths.contextDir, `${b.id}.json`);
    const { clashes: _clashes, ...record } = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    writeFileSync(file, JSON.stringify({ ...record, status: 'waiting', message: 'agent stopped', history: [{ status: 'waiting', at: '2026-01-01T00:00:00.000Z', message: 'session created' }] }));
    expect(council.context.get(b.id)).toMatchObject({ status: 'idle', message: 'agent stopped', history: [{ status: 'idle', message: 'session created' }], clashes: [] });
    expect((await council.context.update(b.id, { progress: '1/2' })).status).toBe('idle');
  });

  it('keeps an advisory lock clash in the file conflicts after the session is done, until the holder lets the file go (issue 12, item 6)', async () => {
    await council.locks.acquire('src/a.ts', b.id, { cwd: repo.root });
    await council.context.noteClash(a.id, { path: 'src/a.ts', holder: b.id }, { cwd: repo.root });
    await council.context.update(a.id, { status: 'done', currentFile: 'src/b.ts', message: 'codex finished' }, { cwd: repo.root });
    expect(council.context.fileConflicts()).toEqual([{ path: 'src/a.ts', sessionIds: [a.id, b.id].sort(), lockOwner: b.id }]);
    expect(council.context.openClashes(a.id)).toMatchObject([{ path: 'src/a.ts', holder: b.id }]);
    await council.locks.release('src/a.ts', b.id, { cwd: repo.root });
    expect(council.context.fileConflicts()).toEqual([]);
    expect(council.context.openClashes(a.id)).toEqual([]);
  });

  it('never crashes a reader on a corrupt or half-written record', async () => {
    const file = path.join(council.ws.paths.contextDir, `${a.id}.json`);
    writeFileSync(file, '{"sessionId": "' + a.id + '", "status": "work');
    expect(council.context.get(a.id)).toMatchObject({ sessionId: a.id, status: 'idle' });
    expect(council.context.all()).toHaveLength(3);
    writeFileSync(file, JSON.stringify({ sessionId: a.id, status: 'exploded' }));
    expect(council.context.summary().total).toBe(3);
    // And an update repairs it.
    expect((await council.context.update(a.id, { status: 'working' })).status).toBe('working');
    expect(JSON.parse(readFileSync(file, 'utf8')).status).toBe('working');
  });

  it('reads a context file again only when it changed: the board lists every session at each change of one (issue 13, item 6)', async () => {
    const first = new Map(council.context.all().map((v) => [v.sessionId, v]));
    const again = new Map(council.context.all().map((v) => [v.sessionId, v]));
    // Unchanged files: the record read before, not a new parse (the view around it is new).
    expect(again.get(a.id)?.history).toBe(first.get(a.id)?.history);
    expect(again.get(b.id)?.history).toBe(first.get(b.id)?.history);
    // A change by another process (the CLI, an agent's hook) is read at once, the others are kept.
    expect(cli(['context', 'update', '--session', a.id, '--status', 'working', '--message', 'from the CLI'], { cwd: repo.root }).code).toBe(0);
    const after = new Map(council.context.all().map((v) => [v.sessionId, v]));
    expect(after.get(a.id)).toMatchObject({ status: 'working', message: 'from the CLI' });
    expect(after.get(b.id)?.history).toBe(first.get(b.id)?.history);
    // Rewritten in place with the same size: still seen (the version has the file's mtime and ctime).
    const file = path.join(council.ws.paths.contextDir, `${c.id}.json`);
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replace('"status": "idle"', '"status": "done"'));
    expect(council.context.get(c.id).status).toBe('done');
  });

  it('flags sessions with no update for longer than the stale setting, and cleans records of removed sessions', async () => {
    const file = path.join(council.ws.paths.contextDir, `${a.id}.json`);
    const record = JSON.parse(readFileSync(file, 'utf8'));
    writeFileSync(file, JSON.stringify({ ...record, status: 'working', updatedAt: new Date(Date.now() - 31 * 60_000).toISOString() }));
    expect(council.context.get(a.id).stale).toBe(true);
    expect(council.context.get(b.id).stale).toBe(false);
    await council.ws.updateSettings({ staleAfterMinutes: 60 });
    expect(council.context.get(a.id).stale).toBe(false);

    writeFileSync(path.join(council.ws.paths.contextDir, 'abcdef.json'), JSON.stringify({ ...record, sessionId: 'abcdef' }));
    expect(council.context.cleanupStale()).toEqual({ removed: ['abcdef'], stale: [] });
  });

  it('tells a watcher within a second when another process changes sessions, locks or context', async () => {
    const seen: StateChange[] = [];
    const stop = await council.watch((changes) => seen.push(...changes));
    try {
      await new Promise((r) => setTimeout(r, 300)); // let the watcher settle
      const started = Date.now();
      expect(cli(['context', 'update', '--session', a.id, '--status', 'working'], { cwd: repo.root }).code).toBe(0);
      expect(cli(['lock', 'acquire', 'README.md', '--session', b.id], { cwd: repo.root }).code).toBe(0);
      expect(cli(['session', 'create', '--task', 'from the cli'], { cwd: repo.root }).code).toBe(0);
      const want = (kind: string) => seen.some((ch) => ch.kind === kind);
      while (!(want('context') && want('locks') && want('sessions')) && Date.now() - started < 5000) {
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(seen).toContainEqual({ kind: 'context', sessionId: a.id });
      expect(seen).toContainEqual({ kind: 'locks' });
      expect(seen).toContainEqual({ kind: 'sessions' });
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await stop();
    }
  });
});
