/**
 * The session view's live diff (renderer/src/features/diff/session-diff.ts): snapshot, deltas in
 * sequence, a re-snapshot on a gap, throttled re-fetches, and watch.stop at the end.
 */
import { describe, expect, it } from 'vitest';
import type { ChangedFile } from '../../shared/models';
import type { EventPayload } from '../../shared/contract';
import { createSessionDiff } from '../../renderer/src/features/diff/session-diff';

const file = (path: string, insertions = 1): ChangedFile => ({ path, origPath: null, kind: 'modified', insertions, deletions: 0, binary: false });

function harness(initial: { seq: number; files: ChangedFile[] }) {
  const calls: { command: string; input: Record<string, unknown> }[] = [];
  let snapshot = initial;
  let changes: ChangedFile[] = initial.files;
  const timers: (() => void)[] = [];
  const invoke = (async (command: string, input: Record<string, unknown>) => {
    calls.push({ command, input });
    switch (command) {
      case 'watch.session':
        return { ok: true, value: snapshot };
      case 'sessions.changes':
        return { ok: true, value: changes };
      case 'sessions.fileDiff':
        return { ok: true, value: { path: input.path, patch: `patch of ${String(input.path)}`, binary: false, tooLarge: false, size: 10 } };
      case 'watch.stop':
        return { ok: true, value: { stopped: true } };
      default:
        throw new Error(`unexpected ${command}`);
    }
  }) as never;
  const diff = createSessionDiff('/repo', 'abc123', {
    invoke,
    setTimeout: (callback) => timers.push(callback),
    clearTimeout: () => {},
  });
  return {
    diff,
    calls,
    commands: () => calls.map((c) => (c.command === 'sessions.fileDiff' ? `fileDiff ${String(c.input.path)}` : c.command)),
    setSnapshot: (next: typeof snapshot) => (snapshot = next),
    setChanges: (next: ChangedFile[]) => (changes = next),
    flushTimers: async () => {
      while (timers.length > 0) timers.shift()!();
      await settle();
    },
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
const event = (seq: number, paths: string[], overflow = false): EventPayload<'worktree.changed'> => ({ repo: '/repo', sessionId: 'abc123', seq, paths, overflow });

describe('session diff', () => {
  it('takes a snapshot, then shows the first file', async () => {
    const h = harness({ seq: 4, files: [file('a.ts'), file('b.ts')] });
    await h.diff.start();
    await settle();
    const state = h.diff.store.get();
    expect(state.status).toBe('ready');
    expect(state.seq).toBe(4);
    expect(state.files.map((f) => f.path)).toEqual(['a.ts', 'b.ts']);
    expect(state.diff).toMatchObject({ path: 'a.ts', status: 'ready', value: { patch: 'patch of a.ts' } });
    expect(h.calls[0]).toEqual({ command: 'watch.session', input: { repo: '/repo', id: 'abc123' } });
  });

  it('re-fetches the list once per burst of deltas, and the selected diff only when it was touched', async () => {
    const h = harness({ seq: 0, files: [file('a.ts'), file('b.ts')] });
    await h.diff.start();
    await settle();
    h.calls.length = 0;

    h.diff.handleEvent(event(1, ['b.ts']));
    h.diff.handleEvent(event(2, ['c.ts']));
    h.setChanges([file('a.ts'), file('b.ts', 5), file('c.ts')]);
    await h.flushTimers();
    expect(h.commands()).toEqual(['sessions.changes']);
    expect(h.diff.store.get().files.map((f) => f.path)).toEqual(['a.ts', 'b.ts', 'c.ts']);
    expect(h.diff.store.get().seq).toBe(2);

    h.diff.handleEvent(event(3, ['a.ts']));
    await h.flushTimers();
    expect(h.commands()).toEqual(['sessions.changes', 'sessions.changes', 'fileDiff a.ts']);
  });

  it('keeps unchanged file objects, so memoized rows do not re-render', async () => {
    const h = harness({ seq: 0, files: [file('a.ts'), file('b.ts')] });
    await h.diff.start();
    await settle();
    const [a] = h.diff.store.get().files;
    h.setChanges([file('a.ts'), file('b.ts', 9)]);
    h.diff.handleEvent(event(1, ['b.ts']));
    await h.flushTimers();
    expect(h.diff.store.get().files[0]).toBe(a);
    expect(h.diff.store.get().files[1]?.insertions).toBe(9);
  });

  it('takes the snapshot again when seq skips', async () => {
    const h = harness({ seq: 1, files: [file('a.ts')] });
    await h.diff.start();
    await settle();
    h.calls.length = 0;
    h.setSnapshot({ seq: 7, files: [file('a.ts'), file('z.ts')] });
    h.diff.handleEvent(event(3, ['z.ts']));
    await settle();
    expect(h.commands()).toEqual(['watch.session', 'fileDiff a.ts']);
    expect(h.diff.store.get().seq).toBe(7);
    expect(h.diff.store.get().files.map((f) => f.path)).toEqual(['a.ts', 'z.ts']);

    // Old or repeated deltas are ignored; the next in sequence is applied.
    h.calls.length = 0;
    h.diff.handleEvent(event(7, ['a.ts']));
    await h.flushTimers();
    expect(h.commands()).toEqual([]);
    h.diff.handleEvent(event(8, ['a.ts']));
    await h.flushTimers();
    expect(h.commands()).toEqual(['sessions.changes', 'fileDiff a.ts']);
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

  it('loads a file when selected, and on an overflow batch reloads it whatever the paths', async () => {
    const h = harness({ seq: 0, files: [file('a.ts'), file('b.ts')] });
    await h.diff.start();
    await settle();
    h.diff.select('b.ts');
    await settle();
    expect(h.diff.store.get().diff).toMatchObject({ path: 'b.ts', status: 'ready' });
    h.calls.length = 0;
    h.diff.handleEvent(event(1, ['x.ts'], true));
    await h.flushTimers();
    expect(h.commands()).toEqual(['sessions.changes', 'fileDiff b.ts']);
  });

  it('stops watching once, and ignores events afterwards', async () => {
    const h = harness({ seq: 0, files: [file('a.ts')] });
    await h.diff.start();
    await settle();
    h.calls.length = 0;
    h.diff.stop();
    h.diff.stop();
    h.diff.handleEvent(event(1, ['a.ts']));
    await h.flushTimers();
    expect(h.calls).toEqual([{ command: 'watch.stop', input: { repo: '/repo', id: 'abc123' } }]);
  });
});
