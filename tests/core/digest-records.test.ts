import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Session } from '../../shared/models';
import { Council } from '../../electron/core/council';
import { digestInputOf, digestView } from '../../electron/core/coordination/digest-input';
import { digestRecordsFile } from '../../electron/core/coordination/digest-records';
import { peersView } from '../../electron/core/coordination/peers';
import { RACY_MS } from '../../electron/core/state/dir-version';
import { contextFile } from '../../electron/core/state/paths';
import { RepoState } from '../../electron/core/state/repo-state';
import { makeRepo } from '../helpers/repo';

/**
 * The digest hook reads the context records and the lock list through the ones the digest hooks
 * keep (core/coordination/digest-records.ts, `council/digests/records.json`): a kept record is
 * used only while its file's version is the one kept with it, the lock list only under the same
 * settled lock folder and registry. Whatever the kept file holds, the view is the peers view's.
 */

type Kept = { format: number; contexts: Record<string, [string, Record<string, unknown> | null]>; locks: { key: string; list: { path: string; sessionId: string; acquiredAt: string }[] } | null };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function world(count: number): Promise<{ council: Council; sessions: Session[]; lean: RepoState }> {
  const repo = makeRepo();
  const council = Council.open(repo.root);
  const sessions = await council.createSessions({ task: 'improve the parser and its tests', agent: 'claude', count });
  for (const [i, s] of sessions.entries()) await council.context.update(s.id, { status: i % 2 ? 'working' : 'blocked', currentFile: `src/f${i}.ts` }, { cwd: repo.root });
  return { council, sessions, lean: new RepoState(council.ws.repo) };
}

const sameAsPeers = (council: Council, lean: RepoState, sessions: readonly Session[], label: string): void => {
  for (const s of sessions) expect(digestInputOf(digestView(lean, s.id)), `${label}, as ${s.id}`).toEqual(digestInputOf(peersView(council, s.id)));
};

describe('the digest’s kept records', () => {
  it('uses a kept context record only while its file is the one it was read from', async () => {
    const { council, sessions, lean } = await world(4);
    const [me, peer] = sessions as [Session, Session];
    sameAsPeers(council, lean, sessions, 'first read');
    const file = digestRecordsFile(council.ws.paths);
    const kept = JSON.parse(readFileSync(file, 'utf8')) as Kept;
    expect(Object.keys(kept.contexts).sort()).toEqual(sessions.map((s) => `${s.id}.json`).sort());

    // The kept record is what the view takes while the file is unchanged (proof it is not read again)…
    const entry = kept.contexts[`${peer.id}.json`] as [string, Record<string, unknown>];
    writeFileSync(file, JSON.stringify({ ...kept, contexts: { ...kept.contexts, [`${peer.id}.json`]: [entry[0], { ...entry[1], task: 'kept, not read' }] } }));
    expect(digestView(lean, me.id).peers.find((p) => p.sessionId === peer.id)?.task).toBe('kept, not read');

    // …and the file is read again as soon as it changed: the peer's context updated (a rename).
    await council.context.update(peer.id, { status: 'done', currentFile: 'src/new.ts' }, { cwd: council.ws.repo.mainRoot });
    const seen = digestView(lean, me.id).peers.find((p) => p.sessionId === peer.id);
    expect(seen).toMatchObject({ task: 'improve the parser and its tests', status: 'done', currentFile: 'src/new.ts' });
    sameAsPeers(council, lean, sessions, 'after an update');

    // A record written in place (same inode, other size or times) is read again too; a corrupt one reads as the default.
    writeFileSync(contextFile(council.ws.paths, peer.id), '{"sessionId": "nope"');
    sameAsPeers(council, lean, sessions, 'a corrupt record');
    expect(digestView(lean, me.id).peers.find((p) => p.sessionId === peer.id)?.status).toBe('idle');
    council.context.remove(peer.id);
    sameAsPeers(council, lean, sessions, 'a removed record');
  });

  it('drops the records of sessions gone from the registry', async () => {
    const { council, sessions, lean } = await world(3);
    const [me, , gone] = sessions as [Session, Session, Session];
    digestView(lean, me.id);
    await council.ws.registry.update((registry) => {
      const rest = { ...registry.sessions };
      delete rest[gone.id];
      return { next: { ...registry, sessions: rest }, result: undefined };
    });
    digestView(lean, me.id);
    const kept = JSON.parse(readFileSync(digestRecordsFile(council.ws.paths), 'utf8')) as Kept;
    expect(Object.keys(kept.contexts).sort()).toEqual(sessions.filter((s) => s !== gone).map((s) => `${s.id}.json`).sort());
  });

  it('keeps the lock list under a settled lock folder and registry, and reads it again when either changes', async () => {
    const { council, sessions, lean } = await world(3);
    const [me, a, b] = sessions as [Session, Session, Session];
    const root = council.ws.repo.mainRoot;
    await council.locks.acquire('src/a.ts', a.id, { cwd: root });
    // Within the racy window nothing is kept for the locks; past it, the list is.
    digestView(lean, me.id);
    expect((JSON.parse(readFileSync(digestRecordsFile(council.ws.paths), 'utf8')) as Kept).locks).toBeNull();
    await sleep(RACY_MS + 50);
    sameAsPeers(council, lean, sessions, 'one lock, settled');
    const file = digestRecordsFile(council.ws.paths);
    const kept = JSON.parse(readFileSync(file, 'utf8')) as Kept;
    expect(kept.locks?.list.map((l) => l.path)).toEqual(['src/a.ts']);

    // Kept: what the view takes while nothing changed (proof the lock files are not read again).
    writeFileSync(file, JSON.stringify({ ...kept, locks: { key: kept.locks?.key, list: [{ path: 'src/kept.ts', sessionId: a.id, acquiredAt: 'x' }] } }));
    expect(digestView(lean, me.id).peers.find((p) => p.sessionId === a.id)?.filesLocked).toEqual(['src/kept.ts']);

    // A lock taken: the folder changes, the list is read again (within the racy window and past it).
    await council.locks.acquire('src/b.ts', b.id, { cwd: root });
    sameAsPeers(council, lean, sessions, 'a second lock, racy');
    await sleep(RACY_MS + 50);
    sameAsPeers(council, lean, sessions, 'a second lock, settled');
    expect(digestView(lean, me.id).peers.find((p) => p.sessionId === b.id)?.filesLocked).toEqual(['src/b.ts']);

    // The registry changes (a's session removed behind the locks' back): its lock no longer counts.
    await council.ws.registry.update((registry) => {
      const rest = { ...registry.sessions };
      delete rest[a.id];
      return { next: { ...registry, sessions: rest }, result: undefined };
    });
    const left = sessions.filter((s) => s !== a);
    sameAsPeers(council, lean, left, 'a holder gone');
    expect(digestView(lean, me.id).peers.flatMap((p) => p.filesLocked)).toEqual(['src/b.ts']);
  });

  it('reads every record when the kept file is missing, corrupt, of another format or holds bad entries', async () => {
    const { council, sessions, lean } = await world(3);
    await council.locks.acquire('src/x.ts', (sessions[1] as Session).id, { cwd: council.ws.repo.mainRoot });
    await sleep(RACY_MS + 50);
    sameAsPeers(council, lean, sessions, 'first read');
    const file = digestRecordsFile(council.ws.paths);
    const kept = JSON.parse(readFileSync(file, 'utf8')) as Kept;
    const bad: [string, string][] = [
      ['not JSON', '{"format": 1, "contexts": '],
      ['another format', JSON.stringify({ ...kept, format: 2, contexts: Object.fromEntries(Object.entries(kept.contexts).map(([n, e]) => [n, [e[0], { ...e[1], task: 'other format' }]])) })],
      ['bad entries', JSON.stringify({ format: 1, contexts: Object.fromEntries(Object.entries(kept.contexts).map(([n, e]) => [n, [e[0], { ...e[1], task: 7 }]])), locks: { key: kept.locks?.key, list: [{ path: 'src/y.ts' }] } })],
      ['an array', '[]'],
    ];
    for (const [label, text] of bad) {
      writeFileSync(file, text);
      sameAsPeers(council, lean, sessions, label);
    }
  });
});
