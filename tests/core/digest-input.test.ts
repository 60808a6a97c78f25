import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Session } from '../../shared/models';
import { Council } from '../../electron/core/council';
import { renderDigest } from '../../electron/core/coordination/digest';
import { digestInputOf, digestView } from '../../electron/core/coordination/digest-input';
import { digestStateFile, readDigestState } from '../../electron/core/coordination/digest-state';
import { peersView } from '../../electron/core/coordination/peers';
import { RACY_MS } from '../../electron/core/state/dir-version';
import { saveRadar } from '../../electron/core/radar/stored';
import { RepoState } from '../../electron/core/state/repo-state';
import { contextFile } from '../../electron/core/state/paths';
import { COUNCIL_BIN, REPO_ROOT } from '../helpers/cli';
import { makeRepo } from '../helpers/repo';

/**
 * The digest hook reads what a digest is made of without zod (core/coordination/digest-input.ts).
 * Its answer must be the peers view's (the MCP tools', read with the zod schemas) field for field,
 * whatever the records hold: contexts updated, never written, legacy (`waiting`), corrupt or
 * foreign; locks, of live sessions and of one gone; the stored radar with conflicts, overlaps and
 * the base, missing or corrupt.
 */

describe('the digest’s order without an ICU collator', () => {
  it('sorts session ids, "base", statuses and ISO times by code unit exactly as localeCompare did', () => {
    // digest.ts and digest-state.ts sort these with byText (building a collator was ~20 ms of the hook's process)
    const ids = Array.from({ length: 400 }, (_, i) => ((i * 2654435761) >>> 0).toString(16).slice(0, 4 + (i % 9)));
    const words = [...ids, 'base', 'working', 'needs-input', 'blocked', 'idle', 'done', 'failed', new Date(0).toISOString(), new Date().toISOString(), '2026-12-07T01:02:03.004Z', ''];
    const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    expect([...words].sort(byText)).toEqual([...words].sort((a, b) => a.localeCompare(b)));
  });
});

describe('the digest hook’s zod-free view', () => {
  it('gives the peers view’s digest input for every session, whatever the records hold', async () => {
    const repo = makeRepo();
    const council = Council.open(repo.root);
    const sessions = (await council.createSessions({ task: 'improve the parser and its tests', agent: 'claude', count: 6 })) as Session[];
    const [a, b, c, d, e, f] = sessions as [Session, Session, Session, Session, Session, Session];
    await council.context.update(a.id, { status: 'working', currentFile: 'src/a.ts', progress: '1/3' }, { cwd: repo.root });
    await council.context.update(b.id, { status: 'blocked', blockedReason: 'waits for a', currentFile: 'src/b.ts' }, { cwd: repo.root });
    await council.context.update(c.id, { status: 'done', message: 'finished' }, { cwd: repo.root });
    await council.locks.acquire('src/a.ts', a.id, { cwd: repo.root });
    await council.locks.acquire('src/shared.ts', a.id, { cwd: repo.root });
    await council.locks.acquire('src/b.ts', b.id, { cwd: repo.root });
    await council.locks.acquire('README.md', f.id, { cwd: repo.root });
    const paths = council.ws.paths;
    // d: a record from before issue 12 (waiting); e: a corrupt one; f's record removed (never written).
    writeFileSync(
      contextFile(paths, d.id),
      JSON.stringify({ sessionId: d.id, agent: 'codex', task: 'legacy', status: 'waiting', currentFile: 'src/d.ts', progress: null, message: null, blockedReason: null, blockedOn: null, updatedAt: 'x', history: [{ status: 'waiting', at: 'x', message: null }] }),
    );
    writeFileSync(contextFile(paths, e.id), '{"sessionId": "nope"');
    council.context.remove(f.id);

    const lean = new RepoState(council.ws.repo);
    const same = (label: string) => {
      for (const s of sessions) {
        const full = digestInputOf(peersView(council, s.id));
        const ours = digestInputOf(digestView(lean, s.id));
        expect(ours, `${label}, as ${s.id}`).toEqual(full);
        expect(renderDigest(ours).text).toBe(renderDigest(full).text);
      }
    };
    same('no radar');

    saveRadar(
      paths,
      {
        computedAt: new Date().toISOString(),
        base: { branch: 'main', commit: '0'.repeat(40) },
        sessions: sessions.map((s, i) => ({ sessionId: s.id, snapshot: '1'.repeat(40), files: i < 3 ? ['src/shared.ts', `src/own-${i}.ts`] : [], merged: false })),
        pairs: [
          { a: a.id, b: b.id, overlap: ['src/shared.ts'], conflicts: [{ path: 'src/shared.ts', kind: 'content', message: 'CONFLICT (content): Merge conflict in src/shared.ts' }] },
          { a: a.id, b: c.id, overlap: ['src/shared.ts', 'src/x.ts'], conflicts: [] },
          { a: b.id, b: 'base', overlap: ['src/shared.ts'], conflicts: [{ path: 'src/shared.ts', kind: 'modify/delete', message: 'CONFLICT (modify/delete): src/shared.ts' }] },
        ],
        lockOwners: { 'src/shared.ts': a.id },
        durationMs: 12.5,
        computedPairs: 3,
      },
      { [a.id]: { 'src/shared.ts': 'modified', 'src/own-0.ts': 'added' }, [b.id]: { 'src/shared.ts': 'deleted' } },
    );
    same('a stored radar');
    expect(digestInputOf(digestView(lean, a.id)).conflicts.map((x) => x.with).sort()).toEqual([b.id, c.id].sort());

    // A session removed behind the locks' back: its lock no longer counts, in both.
    await council.ws.registry.update((file) => {
      const rest = { ...file.sessions };
      delete rest[c.id];
      return { next: { ...file, sessions: rest }, result: undefined };
    });
    writeFileSync(paths.radar, '{"version":1,"radar":{}}'); // corrupt: no radar, in both
    for (const s of sessions.filter((x) => x.id !== c.id)) {
      expect(digestInputOf(digestView(lean, s.id))).toEqual(digestInputOf(peersView(council, s.id)));
    }
    expect(digestInputOf(digestView(lean, a.id)).baseBranch).toBeNull();
  });

  it('the hook prints the digest from its own lean path, loading neither the full CLI nor zod', async () => {
    const repo = makeRepo();
    const council = Council.open(repo.root);
    const [holder, me] = (await council.createSessions({ task: 'hook path', agent: 'claude', count: 2 })) as [Session, Session];
    await council.locks.acquire('src/x.ts', holder.id, { cwd: repo.root });
    const probe = `${repo.root}/../probe-${process.pid}.cjs`;
    const out = `${repo.root}/../loaded-${process.pid}.json`;
    writeFileSync(probe, `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify(Object.keys(require.cache))));\n`);
    const run = spawnSync(process.execPath, ['--require', probe, COUNCIL_BIN, 'hook', 'digest', '--agent', 'claude'], {
      cwd: me.worktreePath,
      env: { ...process.env, COUNCIL_SESSION_ID: me.id, COUNCIL_HOOK_DEBUG: '1' },
      input: JSON.stringify({ session_id: 'conv-1', cwd: me.worktreePath, hook_event_name: 'SessionStart', source: 'startup' }),
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    const told = (JSON.parse(run.stdout) as { hookSpecificOutput: { hookEventName: string; additionalContext: string } }).hookSpecificOutput;
    expect(told.hookEventName).toBe('SessionStart');
    expect(told.additionalContext).toContain(`${holder.id} (claude, idle): "hook path"; holds src/x.ts`);
    const files = JSON.parse(readFileSync(out, 'utf8')) as string[];
    // Its own bundle (out/cli/digest.cjs), not the lock verbs' hot.cjs nor the full CLI.
    expect(files.some((file) => file.endsWith('/out/cli/digest.cjs'))).toBe(true);
    expect(files.filter((file) => file.endsWith('/out/cli/hot.cjs') || file.endsWith('/out/cli/council.cjs') || file.includes('/zod/'))).toEqual([]);
  });

  it('the digest bundle holds the digest alone: no zod, no lock verbs, no commander, no Council (esbuild metafile of out/cli/digest.cjs)', () => {
    // What the bundle holds: the inputs with bytes in its output (esbuild lists the modules it shook out entirely too).
    const meta = JSON.parse(readFileSync(path.join(REPO_ROOT, 'out', 'cli', 'digest.meta.json'), 'utf8')) as { outputs: Record<string, { entryPoint?: string; inputs: Record<string, { bytesInOutput: number }> }> };
    const output = Object.values(meta.outputs).find((o) => o.entryPoint !== undefined);
    const inputs = Object.entries(output?.inputs ?? {})
      .filter(([, input]) => input.bytesInOutput > 0)
      .map(([file]) => file.replace(/^(\.\.\/)+main\//, ''));
    expect(inputs).toContain('electron/cli/digest-entry.ts');
    expect(inputs).toContain('electron/core/coordination/digest-records.ts');
    const heavy = inputs.filter((file) => /(^|\/)node_modules\/(zod|commander)\/|^electron\/cli\/(hot|locks|output|main|commands)\.ts$|^electron\/core\/(council|workspace)\.ts$|^shared\/(contract|commands\/)/.test(file));
    expect(heavy).toEqual([]);
  });

  it('any other spelling of the digest hook still gets its answer from the lock verbs’ lean bundle', async () => {
    const repo = makeRepo();
    const council = Council.open(repo.root);
    const [holder, me] = (await council.createSessions({ task: 'hook path', agent: 'claude', count: 2 })) as [Session, Session];
    await council.locks.acquire('src/x.ts', holder.id, { cwd: repo.root });
    const probe = `${repo.root}/../probe-${process.pid}.cjs`;
    const out = `${repo.root}/../loaded-${process.pid}.json`;
    writeFileSync(probe, `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify(Object.keys(require.cache))));\n`);
    const run = spawnSync(process.execPath, ['--require', probe, COUNCIL_BIN, 'hook', 'digest', '--agent=claude'], {
      cwd: me.worktreePath,
      env: { ...process.env, COUNCIL_SESSION_ID: me.id, COUNCIL_HOOK_DEBUG: '1' },
      input: JSON.stringify({ session_id: 'conv-1', cwd: me.worktreePath, hook_event_name: 'SessionStart', source: 'startup' }),
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect((JSON.parse(run.stdout) as { hookSpecificOutput: { additionalContext: string } }).hookSpecificOutput.additionalContext).toContain('holds src/x.ts');
    const files = JSON.parse(readFileSync(out, 'utf8')) as string[];
    expect(files.filter((file) => /\/out\/cli\/(hot|digest|council)\.cjs$/.test(file)).map((file) => path.basename(file))).toEqual(['hot.cjs']);
  });
});

describe('the digest hook’s inputs key (told again exactly when something changed)', () => {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const hook = (me: Session, conversation: string): string => {
    const run = spawnSync(process.execPath, [COUNCIL_BIN, 'hook', 'digest', '--agent', 'claude'], {
      cwd: me.worktreePath,
      env: { ...process.env, COUNCIL_SESSION_ID: me.id, COUNCIL_HOOK_DEBUG: '1' },
      input: JSON.stringify({ session_id: conversation, cwd: me.worktreePath, hook_event_name: 'UserPromptSubmit', prompt: 'go on' }),
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    return run.stdout === '' ? '' : (JSON.parse(run.stdout) as { hookSpecificOutput: { additionalContext: string } }).hookSpecificOutput.additionalContext;
  };

  it('another process’s lock taken or released is told at the next prompt, within the racy window and past it; nothing else is resent', async () => {
    const repo = makeRepo();
    const council = Council.open(repo.root);
    const [me, other] = (await council.createSessions({ task: 'inputs key', agent: 'claude', count: 2 })) as [Session, Session];
    expect(hook(me, 'c1')).toContain(other.id);
    expect(hook(me, 'c1')).toBe('');
    // Within the racy window of the lock folder's change (the hook runs at once after it)…
    const holder = Council.open(repo.root);
    await holder.locks.acquire('src/a.ts', other.id, { cwd: repo.root });
    expect(hook(me, 'c1')).toContain('holds src/a.ts');
    expect(hook(me, 'c1')).toBe('');
    // …and past it: the folder's version alone must tell the change.
    await sleep(RACY_MS + 100);
    expect(hook(me, 'c1')).toBe(''); // settled: the key changes form (folder version), the digest is the same: not resent
    expect(hook(me, 'c1')).toBe('');
    await holder.locks.acquire('src/b.ts', other.id, { cwd: repo.root });
    await sleep(RACY_MS + 100);
    expect(hook(me, 'c1')).toContain('holds src/a.ts, src/b.ts');
    await sleep(RACY_MS + 100);
    expect(hook(me, 'c1')).toBe('');
    await holder.locks.release('src/a.ts', other.id, { cwd: repo.root });
    await sleep(RACY_MS + 100);
    const after = hook(me, 'c1');
    expect(after).toContain('holds src/b.ts');
    expect(after).not.toContain('src/a.ts');
    // A peer's context changed past the window: told; the session's own record changing: not resent.
    await holder.context.update(other.id, { status: 'blocked', currentFile: 'src/b.ts' }, { cwd: repo.root });
    await sleep(RACY_MS + 100);
    expect(hook(me, 'c1')).toContain('blocked');
    await holder.context.update(me.id, { status: 'working', currentFile: 'README.md' }, { cwd: repo.root });
    expect(hook(me, 'c1')).toBe('');
  });

  it('keeps the session’s digest state small: a hash per conversation, and a long key of an older version dropped', async () => {
    const repo = makeRepo();
    const council = Council.open(repo.root);
    const sessions = await council.createSessions({ task: 'state size', agent: 'claude', count: 12 });
    const me = sessions[0] as Session;
    for (const s of sessions.slice(1)) await council.locks.acquire(`src/${s.id}.ts`, s.id, { cwd: repo.root });
    const file = digestStateFile(council.ws.paths, me.id);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify({ off: false, conversations: { old: { fingerprint: 'x', conflicts: [], at: '2026-01-01T00:00:00.000Z', inputs: 'v'.repeat(5000) } } }));
    for (let i = 0; i < 5; i++) expect(hook(me, `conv-${i}`)).toContain(sessions[1]?.id);
    const state = readDigestState(council.ws.paths, me.id);
    expect(Object.keys(state.conversations).sort()).toEqual(['conv-0', 'conv-1', 'conv-2', 'conv-3', 'conv-4', 'old']);
    // The older version's long key is dropped; every new conversation keeps a short hash.
    expect(state.conversations.old?.inputs).toBeUndefined();
    for (let i = 0; i < 5; i++) expect(state.conversations[`conv-${i}`]?.inputs).toMatch(/^[0-9a-f]{28}$/);
    expect(statSync(file).size).toBeLessThan(3_000);
  });
});
