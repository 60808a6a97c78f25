import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Session } from '../../shared/models';
import { Council } from '../../electron/core/council';
import { setDigestOff } from '../../electron/core/coordination/digest-state';
import { saveRadar } from '../../electron/core/radar/stored';
import { COUNCIL_BIN } from '../helpers/cli';
import { makeRepo } from '../helpers/repo';

/**
 * `council hook notice` (after every tool call) as a real process over a real repository's shared
 * state: a conflict the stored radar newly predicts with the session is told once per conversation,
 * with the other session's task, status and file and how to reach it; a conflict the digest
 * already told is not; overlaps and the base branch are not; the session's digest switch turns it off.
 */

type World = { council: Council; me: Session; peer: Session; third: Session };

async function world(): Promise<World> {
  const repo = makeRepo();
  const council = Council.open(repo.root);
  const [me, peer, third] = (await council.createSessions({ task: 'notice', agent: 'claude', count: 3 })) as [Session, Session, Session];
  await council.context.update(peer.id, { status: 'working', currentFile: 'src/a.ts' }, { cwd: repo.root });
  return { council, me, peer, third };
}

function radar(w: World, pairs: { b: string; conflicts?: string[]; overlap?: string[] }[]): void {
  saveRadar(
    w.council.ws.paths,
    {
      computedAt: new Date().toISOString(),
      base: { branch: 'main', commit: '0'.repeat(40) },
      sessions: [w.me, w.peer, w.third].map((s) => ({ sessionId: s.id, snapshot: '1'.repeat(40), files: ['src/a.ts'], merged: false })),
      pairs: pairs.map((p) => ({
        a: w.me.id,
        b: p.b,
        overlap: [...(p.conflicts ?? []), ...(p.overlap ?? [])],
        conflicts: (p.conflicts ?? []).map((file) => ({ path: file, kind: 'content' as const, message: `CONFLICT (content): Merge conflict in ${file}` })),
      })),
      lockOwners: {},
      durationMs: 1,
      computedPairs: pairs.length,
    },
    {},
  );
}

function hook(w: World, conversation: string, kind: 'notice' | 'digest' = 'notice'): string {
  const run = spawnSync(process.execPath, [COUNCIL_BIN, 'hook', kind, '--agent', 'claude'], {
    cwd: w.me.worktreePath,
    env: { ...process.env, COUNCIL_SESSION_ID: w.me.id, COUNCIL_HOOK_DEBUG: '1' },
    input: JSON.stringify({ session_id: conversation, cwd: w.me.worktreePath, hook_event_name: kind === 'notice' ? 'PostToolUse' : 'UserPromptSubmit', tool_name: 'Read', tool_input: { file_path: path.join(w.me.worktreePath, 'README.md') } }),
    encoding: 'utf8',
  });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  if (run.stdout === '') return '';
  const out = JSON.parse(run.stdout) as { hookSpecificOutput: { hookEventName: string; additionalContext: string } };
  expect(out.hookSpecificOutput.hookEventName).toBe(kind === 'notice' ? 'PostToolUse' : 'UserPromptSubmit');
  return out.hookSpecificOutput.additionalContext;
}

describe('council hook notice', () => {
  it('tells a newly predicted conflict once per conversation, saying who, doing what, and how to reach it', async () => {
    const w = await world();
    expect(hook(w, 'c1')).toBe(''); // no radar yet
    radar(w, [{ b: w.peer.id, conflicts: ['src/a.ts'] }, { b: 'base', conflicts: ['src/base.ts'] }, { b: w.third.id, overlap: ['src/c.ts'] }]);
    const told = hook(w, 'c1');
    expect(told).toBe(
      `[council] NEW predicted conflict with your work (the radar, just now):\n- session ${w.peer.id} (claude, working on src/a.ts), whose task is "notice": it changes src/a.ts too (content conflict predicted with your changes). To agree on who changes what: council's MCP send_message tool, or run \`council send ${w.peer.id} -m "…"\`.`,
    );
    expect(hook(w, 'c1')).toBe(''); // told: not again
    expect(hook(w, 'c2')).toContain(`session ${w.peer.id}`); // another conversation has not been told
    // The radar computed again with the same conflict: nothing new. A second conflict: only it.
    radar(w, [{ b: w.peer.id, conflicts: ['src/a.ts'] }]);
    expect(hook(w, 'c1')).toBe('');
    radar(w, [{ b: w.peer.id, conflicts: ['src/a.ts'] }, { b: w.third.id, conflicts: ['src/c.ts'] }]);
    const second = hook(w, 'c1');
    expect(second).toContain(`session ${w.third.id} (claude, idle), whose task is "notice": it changes src/c.ts too`);
    expect(second).not.toContain(w.peer.id);
  });

  it('a conflict the digest already told is not noticed; the digest does not mark a noticed one NEW; off with the session’s digests', async () => {
    const w = await world();
    radar(w, [{ b: w.peer.id, conflicts: ['src/a.ts'] }]);
    expect(hook(w, 'c1', 'digest')).toContain(`with ${w.peer.id}`);
    expect(hook(w, 'c1')).toBe('');
    // …then a conflict noticed first: the next prompt's digest tells the whole picture, without marking it NEW.
    expect(hook(w, 'c2', 'digest')).toContain(`with ${w.peer.id}`); // c2 told the picture as it is…
    radar(w, [{ b: w.peer.id, conflicts: ['src/a.ts'] }, { b: w.third.id, conflicts: ['src/c.ts'] }]);
    expect(hook(w, 'c2')).toContain(`session ${w.third.id}`);
    const digest = hook(w, 'c2', 'digest');
    expect(digest).toContain(`- with ${w.third.id}`);
    expect(digest).not.toContain(`NEW with ${w.third.id}`);
    await setDigestOff(w.council.ws.paths, w.me.id, true);
    radar(w, [{ b: w.third.id, conflicts: ['src/d.ts'] }]);
    expect(hook(w, 'c3')).toBe('');
  });
});
