/**
 * The session view's live diff (renderer/src/features/diff/session-diff.ts): snapshot, then the
 * view's files (`diff.get`), deltas in sequence, a re-snapshot on a gap, throttled re-fetches,
 * views and whitespace, a large file on request, and watch.stop at the end.
 */
import { describe, expect, it } from 'vitest';
import type { DiffFile } from '../../shared/commands/diff';
import type { EventPayload } from '../../shared/contract';
import { createSessionDiff, keepUnchanged } from '../../renderer/src/features/diff/session-diff';

const file = (path: string, hash = 'h1', extra: Partial<DiffFile> = {}): DiffFile => ({
  path,
  origPath: null,
  kind: 'modified',
  insertions: 1,
  deletions: 0,
  binary: false,
  patch: `patch of ${path}`,
  size: 10,
  tooLarge: false,
  hash,
  image: null,
  ...extra,
});

function harness(initial: { seq: number; files: DiffFile[] }) {
  const calls: { command: string; input: Record<string, unknown> }[] = [];
  let seq = initial.seq;
  let files = initial.files;
  let listed: DiffFile[] | null = null;
  const timers: (() => void)[] = [];
  const invoke = (async (command: string, input: Record<string, unknown>) => {
    calls.push({ command, input });
    switch (command) {
      case 'watch.session':
        return { ok: true, value: { seq, files: (listed ?? files).map((f) => ({ path: f.path, origPath: f.origPath, kind: f.kind, insertions: f.insertions, deletions: f.deletions, binary: f.binary })) } };
      case 'diff.get':
        return { ok: true, value: { from: 'abc', to: null, files } };
      case 'diff.file':
        return { ok: true, value: { ...files.find((f) => f.path === input.path)!, patch: 'the whole patch', tooLarge: false } };
      case 'watch.stop':
        return { ok: true, value: { stopped: true } };
      default:
        throw new Error(`unexpected ${command}`);
    }
  }) as never;
  const diff = createSessionDiff('/repo', 'abc123', { invoke, setTimeout: (callback) => timers.push(callback), clearTimeout: () => {} });
  return {
    diff,
    calls,
    commands: () => calls.map((c) => c.command),
    setSeq: (next: number) => (seq = next),
    setFiles: (next: DiffFile[]) => (files = next),
    /** What the watch lists, when it differs from the diff (the worktree moved in between). */
    setListed: (next: DiffFile[] | null) => (listed = next),
    flushTimers: async () => {
      while (timers.length > 0) timers.shift()!();
      await settle();
    },
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
const event = (seq: number, paths: string[], overflow = false): EventPayload<'worktree.changed'> => ({ repo: '/repo', sessionId: 'abc123', seq, paths, overflow });

describe('session diff', () => {
  it('takes a snapshot, then reads the view’s files in the tree’s order (folders first)', async () => {
    const h = harness({ seq: 4, files: [file('a.ts'), file('src/b.ts')] });
    await h.diff.start();
    const state = h.diff.store.get();
    expect(state).toMatchObject({ status: 'ready', seq: 4, from: 'abc', to: null, view: { kind: 'base' } });
    expect(state.files.map((f) => f.path)).toEqual(['src/b.ts', 'a.ts']);
    // Both at once; the watch's list agrees with the diff, so nothing more.
    expect(h.calls).toEqual([
      { command: 'diff.get', input: { repo: '/repo', id: 'abc123', view: { kind: 'base' } } },
      { command: 'watch.session', input: { repo: '/repo', id: 'abc123' } },
    ]);
  });

  it('reads the diff again when the watch lists other changes than the diff read at the same time', async () => {
    const h = harness({ seq: 0, files: [file('a.ts')] });
    h.setListed([file('a.ts', 'h1', { insertions: 7 })]);
    await h.diff.start();
    expect(h.commands()).toEqual(['diff.get', 'watch.session', 'diff.get']);
  });

  it('fetches again once per burst of deltas, keeping the objects of files that did not change', async () => {
    const h = harness({ seq: 0, files: [file('a.ts'), file('b.ts')] });
    await h.diff.start();
    const [a] = h.diff.store.get().files;
    h.calls.length = 0;
    h.diff.handleEvent(event(1, ['b.ts']));
    h.diff.handleEvent(event(2, ['c.ts']));
    h.setFiles([file('a.ts'), file('b.ts', 'h2'), file('c.ts')]);
    await h.flushTimers();
    expect(h.commands()).toEqual(['diff.get']);
    expect(h.diff.store.get().seq).toBe(2);
    expect(h.diff.store.get().files[0]).toBe(a);
    expect(h.diff.store.get().files[1]?.hash).toBe('h2');
  });

  it('takes the snapshot again when seq skips, and ignores old deltas', async () => {
    const h = harness({ seq: 1, files: [file('a.ts')] });
    await h.diff.start();
    h.calls.length = 0;
    h.setSeq(7);
    h.diff.handleEvent(event(3, ['z.ts']));
    await settle();
    expect(h.commands()).toEqual(['diff.get', 'watch.session']);
    expect(h.diff.store.get().seq).toBe(7);
    h.calls.length = 0;
    h.diff.handleEvent(event(7, ['a.ts']));
    await h.flushTimers();
    expect(h.commands()).toEqual([]);
  });

  it('ignores other sessions and repositories', async () => {
    const h = harness({ seq: 0, files: [] });
    await h.diff.start();
    h.calls.length = 0;
    h.diff.handleEvent({ ...event(1, ['a.ts']), sessionId: 'ffff00' });
    h.diff.handleEvent({ ...event(1, ['a.ts']), repo: '/other' });
    await h.flushTimers();
    expect(h.calls).toEqual([]);
  });

  it('switches views and whitespace; a commit’s view does not follow the worktree', async () => {
    const h = harness({ seq: 0, files: [file('a.ts')] });
    await h.diff.start();
    h.calls.length = 0;
    h.diff.setIgnoreWhitespace(true);
    await settle();
    h.diff.setView({ kind: 'commit', sha: 'abcdef12' });
    await settle();
    expect(h.calls.map((c) => c.input)).toEqual([
      { repo: '/repo', id: 'abc123', view: { kind: 'base' }, ignoreWhitespace: true },
      { repo: '/repo', id: 'abc123', view: { kind: 'commit', sha: 'abcdef12' }, ignoreWhitespace: true },
    ]);
    h.calls.length = 0;
    h.diff.handleEvent(event(1, ['a.ts']));
    await h.flushTimers();
    expect(h.calls).toEqual([]);
  });

  it('a large file’s patch asked for stays while its content does not change', async () => {
    const big = file('big.ts', 'hb', { patch: null, tooLarge: true, size: 2_000_000 });
    const h = harness({ seq: 0, files: [big] });
    await h.diff.start();
    expect(await h.diff.loadFile('big.ts')).toBeNull();
    expect(h.diff.store.get().files[0]?.patch).toBe('the whole patch');
    h.diff.handleEvent(event(1, ['other']));
    await h.flushTimers();
    expect(h.diff.store.get().files[0]?.patch).toBe('the whole patch');
    h.setFiles([{ ...big, hash: 'changed' }]);
    h.diff.handleEvent(event(2, ['big.ts']));
    await h.flushTimers();
    expect(h.diff.store.get().files[0]).toMatchObject({ patch: null, tooLarge: true });
  });

  it('keepUnchanged returns the same array when nothing changed', () => {
    const list = [file('a'), file('b')];
    expect(keepUnchanged(list, [file('a'), file('b')])).toBe(list);
  });

  it('stops watching once, and ignores events afterwards', async () => {
    const h = harness({ seq: 0, files: [file('a.ts')] });
    await h.diff.start();
    h.calls.length = 0;
    h.diff.stop();
    h.diff.stop();
    h.diff.handleEvent(event(1, ['a.ts']));
    await h.flushTimers();
    expect(h.calls).toEqual([{ command: 'watch.stop', input: { repo: '/repo', id: 'abc123' } }]);
  });
});
