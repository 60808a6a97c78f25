import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RegistryFileSchema, type RegistryFile, type Session } from '../../shared/models';
import { RegistryFileCheck, SessionCheck } from '../../shared/record-checks';
import { Council } from '../../electron/core/council';
import { Registry } from '../../electron/core/sessions/registry';
import { statePaths } from '../../electron/core/state/paths';
import { discoverRepo } from '../../electron/core/git/repo';
import { rejection } from '../helpers/errors';
import { makeRepo } from '../helpers/repo';

/**
 * The registry is read on every lock call and changed twice per session create. Issue 13, item 6:
 * at 500 sessions, validating every record on every change cost ~15 ms a change; a change now
 * validates the file only when another process changed it, and of its own result only the records
 * it changed. These tests hold it to that, and to never trusting a file someone else changed.
 */

const record = (id: string, over: Partial<Session> = {}): Session => ({
  id,
  task: 'registry test',
  agent: null,
  branch: `council/registry-test-${id}`,
  worktreePath: `/tmp/council-registry-test/${id}`,
  baseBranch: 'main',
  baseCommit: 'a'.repeat(40),
  createdAt: new Date().toISOString(),
  state: 'ready',
  ...over,
});

const add = (registry: Registry, session: Session) =>
  registry.update((file) => ({ next: { ...file, sessions: { ...file.sessions, [session.id]: session } }, result: undefined }));

function twoProcesses(): { a: Registry; b: Registry; file: string } {
  const paths = statePaths(discoverRepo(makeRepo().root));
  return { a: new Registry(paths), b: new Registry(paths), file: paths.registry };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('registry updates', () => {
  it('validate the whole file only when another process changed it, and only the changed records of their own result', async () => {
    const { a, b } = twoProcesses();
    for (let i = 0; i < 20; i++) await add(a, record((0xa00000 + i).toString(16)));
    const whole = vi.spyOn(RegistryFileCheck, 'safeParse');
    const one = vi.spyOn(SessionCheck, 'safeParse');

    await add(a, record('b00001'));
    await add(a, record('b00002'));
    expect(whole).not.toHaveBeenCalled(); // a wrote the file last: nothing to read back
    expect(one).toHaveBeenCalledTimes(2); // the one new record of each change

    await add(b, record('c00001')); // b never read it: reads and checks it once
    expect(whole).toHaveBeenCalledTimes(1);
    await add(a, record('b00003')); // b changed it since a wrote it: a reads and checks it again
    expect(whole).toHaveBeenCalledTimes(2);
    expect(a.all().map((s) => s.id)).toContain('c00001');
    expect(b.all()).toHaveLength(a.all().length);
  });

  it('never trusts its copy of a file changed behind its back: a corrupt file is refused, not overwritten', async () => {
    const { a, file } = twoProcesses();
    await add(a, record('d00001'));
    writeFileSync(file, '{"version": 1, "sessions": {"d00001": {"id": "d00001"}}}');
    const err = await rejection(add(a, record('d00002')));
    expect(err.message).toContain('is corrupt');
    expect(readFileSync(file, 'utf8')).toBe('{"version": 1, "sessions": {"d00001": {"id": "d00001"}}}');
  });

  it('refuses a change that would write an invalid record, and leaves the file as it was', async () => {
    const { a, file } = twoProcesses();
    await add(a, record('e00001'));
    const before = readFileSync(file, 'utf8');
    await expect(add(a, record('e00002', { baseCommit: 'not a commit' }))).rejects.toThrow(/malformed session record \(session\.baseCommit: does not match/);
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(a.all().map((s) => s.id)).toEqual(['e00001']);
  });

  it('keeps what the core writes readable by every other reader', async () => {
    const repo = makeRepo();
    const council = Council.open(repo.root);
    const created = await council.createSessions({ task: 'registry round trip', count: 3 });
    const onDisk = RegistryFileSchema.parse(JSON.parse(readFileSync(council.ws.paths.registry, 'utf8'))) as RegistryFile;
    expect(Object.keys(onDisk.sessions).sort()).toEqual(created.map((s) => s.id).sort());
    expect(Council.open(repo.root).listSessions()).toEqual(council.listSessions());
  });
});
