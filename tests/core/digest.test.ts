import { describe, expect, it } from 'vitest';
import type { Session } from '../../shared/models';
import { Council } from '../../electron/core/council';
import { DIGEST_CHAR_BUDGET, renderDigest, type DigestInput, type DigestPeer } from '../../electron/core/coordination/digest';
import { digestToDeliver } from '../../electron/core/coordination/digest-delivery';
import { readDigestState, setDigestOff } from '../../electron/core/coordination/digest-state';
import { saveRadar } from '../../electron/core/radar/stored';
import { spawnSync } from 'node:child_process';
import { COUNCIL_BIN } from '../helpers/cli';
import { makeRepo } from '../helpers/repo';

const STATUSES = ['working', 'done', 'idle', 'needs-input', 'blocked', 'failed'];

function peer(i: number, extra: Partial<DigestPeer> = {}): DigestPeer {
  const id = (0x100000 + i).toString(16);
  return {
    sessionId: id,
    agent: ['claude', 'codex', 'gemini'][i % 3] as string,
    task: `task number ${i}: make the widget ${i} faster and add tests for its edge cases`,
    status: STATUSES[i % STATUSES.length] as string,
    currentFile: i % 2 ? `src/module-${i}/index.ts` : null,
    filesChanged: [`src/module-${i}/index.ts`],
    locksHeld: i % 4 === 0 ? [`src/module-${i}/index.ts`] : [],
    ...extra,
  };
}

/** 99 peers and this session: 3 conflicts with peers, one with the base, two of my files held by others. */
function hundred(): DigestInput {
  const peers = Array.from({ length: 99 }, (_, i) => peer(i + 1));
  peers[10] = peer(11, { locksHeld: ['src/mine/a.ts'], status: 'done' });
  peers[20] = peer(21, { locksHeld: ['src/mine/b.ts'] });
  return {
    self: { sessionId: 'aaaaaa', filesChanged: ['src/mine/a.ts', 'src/mine/b.ts', 'src/shared.ts'], currentFile: 'src/mine/a.ts' },
    peers,
    conflicts: [
      { with: 'base', files: ['src/shared.ts'], overlap: ['src/shared.ts'], kinds: ['content'] },
      { with: peers[40]!.sessionId, files: [], overlap: ['src/mine/b.ts'], kinds: [] },
      { with: peers[30]!.sessionId, files: ['src/shared.ts'], overlap: ['src/shared.ts'], kinds: ['content'] },
      { with: peers[50]!.sessionId, files: ['src/mine/a.ts', 'src/mine/b.ts'], overlap: ['src/mine/a.ts', 'src/mine/b.ts'], kinds: ['content', 'modify/delete'] },
    ],
    baseBranch: 'main',
  };
}

describe('the digest text', () => {
  it('stays within its budget at 100 sessions, most relevant first, the rest as counts', () => {
    const input = hundred();
    const { text } = renderDigest(input);
    expect(text.length).toBeLessThanOrEqual(DIGEST_CHAR_BUDGET);
    expect(text.length).toBeGreaterThan(DIGEST_CHAR_BUDGET / 2); // it uses its room for peers
    const lines = text.split('\n');
    expect(lines[0]).toBe('[council] You are session aaaaaa; 99 other sessions work in this repository.');
    expect(lines[1]).toBe('Predicted conflicts with your work (the radar):');
    // Conflicts: real ones with peers (by id), then the base, then a mere overlap.
    expect(lines[2]).toMatch(new RegExp(`^- with ${input.peers[30]!.sessionId} .*: conflict in src/shared.ts \\(content\\)$`));
    expect(lines[3]).toMatch(new RegExp(`^- with ${input.peers[50]!.sessionId} .*: conflict in src/mine/a.ts, src/mine/b.ts \\(content, modify/delete\\)$`));
    expect(lines[4]).toBe('- with the base branch (main): conflict in src/shared.ts (content)');
    expect(lines[5]).toMatch(new RegExp(`^- with ${input.peers[40]!.sessionId} .*: you both change src/mine/b.ts \\(no conflict predicted yet\\)$`));
    // Then the files I touched that others hold.
    expect(lines[6]).toBe('Files you touched that another session holds (your edits to them are refused):');
    expect(lines[7]).toMatch(new RegExp(`^- src/mine/a.ts: held by ${input.peers[10]!.sessionId} \\(gemini, done\\): "task number 11`));
    expect(lines[8]).toMatch(/^- src\/mine\/b.ts: held by /);
    // Then other peers, the active ones first; what did not fit is counted; how to reach them last.
    expect(lines[9]).toBe('Other sessions:');
    const shown = lines.slice(10, -2);
    expect(shown.length).toBeGreaterThanOrEqual(3);
    expect(shown.every((l) => /, (working|needs input|blocked)/.test(l))).toBe(true);
    expect(lines.at(-2)).toMatch(/^… and \d+ more sessions \(\d+ \w+.*\): see council's peers tool or `council status`\.$/);
    const counted = Number(/and (\d+) more sessions/.exec(lines.at(-2)!)![1]);
    // every peer is either named (conflict, holder, listed) or counted
    expect(counted + shown.length + 5).toBe(99);
    expect(lines.at(-1)).toBe('To reach a peer: council\'s MCP tools (peers, send_message), or run `council send ID -m "…"`.');
  });

  it('marks the conflicts this conversation was not told yet, without changing the fingerprint', () => {
    const input = hundred();
    const first = renderDigest(input);
    expect(first.text).not.toContain('NEW');
    const known = new Set(first.conflictKeys.filter((k) => !k.startsWith(input.peers[50]!.sessionId)));
    const next = renderDigest(input, known);
    const lines = next.text.split('\n');
    // The new one goes first, marked.
    expect(lines[2]).toMatch(new RegExp(`^- NEW with ${input.peers[50]!.sessionId} `));
    expect(next.text.match(/NEW/g)).toHaveLength(1);
    expect(next.fingerprint).toBe(first.fingerprint);
  });

  it('has the same fingerprint for the same facts and another for any change a peer makes', () => {
    const input = hundred();
    const a = renderDigest(input).fingerprint;
    expect(renderDigest(hundred()).fingerprint).toBe(a);
    const moved = hundred();
    moved.peers = moved.peers.map((p, i) => (i === 1 ? { ...p, status: 'working' } : p));
    expect(renderDigest(moved).fingerprint).not.toBe(a);
    const conflict = hundred();
    conflict.conflicts = conflict.conflicts.slice(1);
    expect(renderDigest(conflict).fingerprint).not.toBe(a);
  });

  it('says nothing when the session is alone', () => {
    expect(renderDigest({ self: { sessionId: 'aaaaaa', filesChanged: [], currentFile: null }, peers: [], conflicts: [], baseBranch: 'main' }).text).toBe('');
  });
});

describe('digest delivery (the shared state)', () => {
  async function world() {
    const repo = makeRepo();
    const council = Council.open(repo.root);
    const [holder] = (await council.createSessions({ task: 'add auth', agent: 'codex' })) as [Session];
    const [me] = (await council.createSessions({ task: 'add y', agent: 'claude' })) as [Session];
    await council.locks.acquire('src/x.ts', holder.id, { cwd: repo.root });
    await council.context.update(holder.id, { status: 'working', currentFile: 'src/x.ts' }, { cwd: repo.root });
    const scope = council;
    return { repo, council, holder, me, scope };
  }

  it('is sent once per conversation, again when something changed (new conflicts marked), and never when off', async () => {
    const { council, holder, me, scope } = await world();
    const first = await digestToDeliver({ host: scope, sessionId: me.id, conversation: 'c1' });
    expect(first).toContain(`- ${holder.id} (codex, working on src/x.ts): "add auth"; holds src/x.ts`);
    expect(await digestToDeliver({ host: scope, sessionId: me.id, conversation: 'c1' })).toBeNull();
    // Another conversation of the same session has been told nothing.
    expect(await digestToDeliver({ host: scope, sessionId: me.id, conversation: 'c2' })).toBe(first);
    // A cleared conversation is told again.
    expect(await digestToDeliver({ host: scope, sessionId: me.id, conversation: 'c1', fresh: true })).toBe(first);

    // The radar predicts a conflict between them: news, marked NEW.
    saveRadar(council.ws.paths, {
      computedAt: new Date().toISOString(),
      base: { branch: 'main', commit: '0'.repeat(40) },
      sessions: [
        { sessionId: holder.id, snapshot: '1'.repeat(40), files: ['src/api.ts'], merged: false },
        { sessionId: me.id, snapshot: '2'.repeat(40), files: ['src/api.ts'], merged: false },
      ],
      pairs: [{ a: holder.id, b: me.id, overlap: ['src/api.ts'], conflicts: [{ path: 'src/api.ts', kind: 'content', message: 'CONFLICT (content): Merge conflict in src/api.ts' }] }],
      lockOwners: {},
      durationMs: 1,
      computedPairs: 1,
    }, { [holder.id]: { 'src/api.ts': 'modified' }, [me.id]: { 'src/api.ts': 'modified' } });
    const second = await digestToDeliver({ host: scope, sessionId: me.id, conversation: 'c1' });
    expect(second).toContain(`- NEW with ${holder.id} (codex, working on src/x.ts): "add auth": conflict in src/api.ts (content)`);
    expect(await digestToDeliver({ host: scope, sessionId: me.id, conversation: 'c1' })).toBeNull();

    // Switched off for the session: nothing, even after a change.
    await setDigestOff(council.ws.paths, me.id, true);
    await council.context.update(holder.id, { status: 'done' }, { cwd: council.root });
    expect(await digestToDeliver({ host: scope, sessionId: me.id, conversation: 'c1' })).toBeNull();
    expect(readDigestState(council.ws.paths, me.id).off).toBe(true);
    await setDigestOff(council.ws.paths, me.id, false);
    expect(await digestToDeliver({ host: scope, sessionId: me.id, conversation: 'c1' })).toContain(`${holder.id} (codex, done)`);
  });

  it('two hooks of one conversation at once send it once', async () => {
    const { me, scope } = await world();
    const both = await Promise.all([digestToDeliver({ host: scope, sessionId: me.id, conversation: 'c1' }), digestToDeliver({ host: scope, sessionId: me.id, conversation: 'c1' })]);
    expect(both.filter((t) => t !== null)).toHaveLength(1);
  });
});

describe('council hook digest, the process', () => {
  it('prints the digest as hookSpecificOutput once, then nothing until something changes; fails open on bad input', async () => {
    const repo = makeRepo();
    const council = Council.open(repo.root);
    const [holder] = (await council.createSessions({ task: 'add auth', agent: 'codex' })) as [Session];
    const [me] = (await council.createSessions({ task: 'add y', agent: 'gemini' })) as [Session];
    const hook = (payload: unknown) => spawnSync(process.execPath, [COUNCIL_BIN, 'hook', 'digest', '--agent', 'gemini'], { input: typeof payload === 'string' ? payload : JSON.stringify(payload), encoding: 'utf8' });
    const payload = { cwd: me.worktreePath, session_id: 'g1', hook_event_name: 'BeforeAgent', prompt: 'go' };
    const first = hook(payload);
    expect(first.status).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual({ hookSpecificOutput: { hookEventName: 'BeforeAgent', additionalContext: expect.stringContaining(`- ${holder.id} (codex, idle): "add auth"`) } });
    // Nothing changed (answered by the lean entry): nothing printed.
    expect(hook(payload)).toMatchObject({ status: 0, stdout: '', stderr: '' });
    // A peer's status changed: told again (handed over to the full CLI, the input intact).
    await council.context.update(holder.id, { status: 'working' }, { cwd: repo.root });
    const again = hook(payload);
    expect(again.status).toBe(0);
    expect(JSON.parse(again.stdout).hookSpecificOutput.additionalContext).toContain(`- ${holder.id} (codex, working): "add auth"`);
    // Resumed, Gemini no longer has it: told again though nothing changed.
    expect(JSON.parse(hook({ ...payload, hook_event_name: 'SessionStart', source: 'resume' }).stdout).hookSpecificOutput.hookEventName).toBe('SessionStart');
    // Garbage in, nothing out, exit 0: a digest never stops an agent.
    expect(hook('not json')).toMatchObject({ status: 0, stdout: '' });
    expect(hook({ cwd: '/nonexistent/place' })).toMatchObject({ status: 0, stdout: '' });
  });
});
