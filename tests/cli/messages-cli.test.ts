import { describe, expect, it } from 'vitest';
import type { CouncilMessage } from '../../shared/council';
import type { Session } from '../../shared/models';
import { council as cli, councilJson } from '../helpers/cli';
import { makeRepo } from '../helpers/repo';

/**
 * `council send ID|--all|--supervisor` and `council messages` through the real built CLI, each its
 * own process, on a real repository: every message is kept in the repository's log with its
 * deliveries, a message no agent can take is refused and not kept, and bad input says what to do.
 */

function twoSessions(): { root: string; a: Session; b: Session } {
  const repo = makeRepo();
  const created = councilJson<Session[]>(['session', 'create', '--task', 'api work', '--count', '2'], { cwd: repo.root });
  if (!created.result.ok) throw new Error(created.result.error.message);
  const [a, b] = created.result.value as [Session, Session];
  return { root: repo.root, a, b };
}

describe('council send and council messages', () => {
  it('to all, between sessions, to the supervisor; listed with who → whom and delivery; refused when no agent can take it', () => {
    const { root, a, b } = twoSessions();
    const all = councilJson<{ message: CouncilMessage; deliveries: { sessionId: string; delivered: string }[] }>(['send', '--all', '-m', 'Freeze the API for an hour.'], { cwd: root });
    expect(all.code, all.stderr).toBe(0);
    if (!all.result.ok) throw new Error(all.result.error.message);
    expect(all.result.value.message).toMatchObject({ from: 'supervisor', to: 'all', text: 'Freeze the API for an hour.' });
    // No agent runs in either: it waits in both inboxes (a message to all resumes nobody).
    expect(all.result.value.deliveries.map((d) => [d.sessionId, d.delivered]).sort()).toEqual([[a.id, 'queued'], [b.id, 'queued']].sort());

    const peer = cli(['send', a.id, '--from', b.id, '-m', 'I take src/api.ts'], { cwd: root });
    expect(peer.code, peer.stderr).toBe(0);
    expect(peer.stdout).toContain(`${a.id}: queued`);
    const up = cli(['send', '--supervisor', '--from', a.id, '-m', 'Which API version?'], { cwd: root });
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toContain('supervisor: logged');

    // One session from the supervisor, as `council send` always was: refused without an agent, and not kept.
    const refused = cli(['send', a.id, '-m', 'hello'], { cwd: root });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('has no agent yet: start one with the follow-up as its prompt');

    const listed = councilJson<CouncilMessage[]>(['messages'], { cwd: root });
    if (!listed.result.ok) throw new Error(listed.result.error.message);
    expect(listed.result.value.map((m) => [m.from, m.to, m.text])).toEqual([
      ['supervisor', 'all', 'Freeze the API for an hour.'],
      [b.id, a.id, 'I take src/api.ts'],
      [a.id, 'supervisor', 'Which API version?'],
    ]);
    expect(listed.result.value[2]).toMatchObject({ deliveries: [{ sessionId: 'supervisor', delivered: 'logged' }] });
    expect(listed.result.value[2]!.readAt).toBeUndefined();

    // One session's conversation, as text; and the newest one alone.
    const mine = cli(['messages', b.id], { cwd: root });
    expect(mine.code, mine.stderr).toBe(0);
    expect(mine.stdout).toContain(`${b.id} → ${a.id}`);
    expect(mine.stdout).toContain('supervisor → all');
    expect(mine.stdout).not.toContain('Which API version?');
    const last = councilJson<CouncilMessage[]>(['messages', '--limit', '1'], { cwd: root });
    expect(last.result.ok && last.result.value.map((m) => m.text)).toEqual(['Which API version?']);
    const text = cli(['messages', a.id], { cwd: root }).stdout;
    expect(text).toContain(`${a.id} → supervisor  [unread]`);
  }, 60_000);

  it('bad input: who it is for, --start elsewhere, --limit, an unknown session', () => {
    const { root, a } = twoSessions();
    for (const [args, says] of [
      [['send', '-m', 'x'], 'name who the message is for'],
      [['send', a.id, '--all', '-m', 'x'], 'name who the message is for'],
      [['send', '--all', '--start', '-m', 'x'], '--start is for a message from the supervisor to one session'],
      [['messages', '--limit', '0'], '--limit must be a whole number from 1 to 500'],
      [['send', '--supervisor', '-m', 'x'], 'the supervisor sends to a session or to "all"'],
    ] as const) {
      const run = cli([...args], { cwd: root });
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toContain(says);
    }
    const unknown = cli(['messages', 'ffffff'], { cwd: root });
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('ffffff');
    expect(councilJson<CouncilMessage[]>(['messages'], { cwd: root }).result).toEqual({ ok: true, value: [] });
  }, 60_000);
});
