import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CommandOutput } from '../../shared/contract';
import type { Session } from '../../shared/models';
import { council, councilJson } from '../helpers/cli';
import type { TestRepo } from '../helpers/repo';
import { useRemoteScene, runOnHost } from '../helpers/remote-scene';
import { sshdUnavailable, type SshServer } from '../helpers/sshd';

/**
 * Issue 17, item 1: `council host remove` takes off the host what council put there — the runtime,
 * the clone per repository (~/.council/repos) and the worktrees folder — never while a session
 * lives there, never work that is not at home. Real sshd (tests/helpers/sshd.ts), real CLI.
 */

const unavailable = sshdUnavailable();
if (unavailable) console.warn(`\n⚠ tests/remote/host-remove.test.ts is SKIPPED: ${unavailable}\n`);

describe.skipIf(unavailable !== null)('council host remove on a real OpenSSH server', () => {
  let server: SshServer;
  let env: Record<string, string>;
  let repo: TestRepo;

  useRemoteScene((scene) => ({ server, env, repo } = scene));

  const onHost = (command: string): string => runOnHost(server, command);
  const value = <T>(args: string[]): T => {
    const done = councilJson<T>(args, { cwd: repo.root, env });
    if (!done.result.ok) throw new Error(`council ${args.join(' ')} failed (exit ${done.code}): ${done.result.error.message}\n${done.stderr}`);
    return done.result.value;
  };
  const refused = (): { code: string; message: string; details?: Record<string, unknown> } => {
    const done = councilJson(['host', 'remove', 'remote'], { cwd: repo.root, env });
    if (done.result.ok) throw new Error('host remove was expected to be refused');
    return done.result.error as never;
  };
  const council_ = path.join('.council');
  const there = (rel: string): boolean => existsSync(path.join(server.home, council_, rel));

  it('refuses while a session lives on the host (naming it and the fix); then refuses a ref there whose commit is not at home; once it is fetched home, removes the clone, the worktrees folder and the runtime', () => {
    const [session] = value<Session[]>(['session', 'create', '--task', 'remote work', '--host', 'remote']) as [Session];
    const place = session.host!;
    // The clone records its home repository.
    expect(onHost(`git -C ${place.repo} config council.home`).trim()).toBe(execFileSync('git', ['rev-parse', '--path-format=absolute', '--git-common-dir'], { cwd: repo.root, encoding: 'utf8' }).trim());

    // 1. A live session: refused, nothing removed, the host still kept.
    const live = refused();
    expect(live.code).toBe('conflict');
    expect(live.details).toMatchObject({ host: 'remote', problem: 'sessions-live' });
    expect(live.message).toContain(`remote still has sessions on it: session ${session.id} (repository ${repo.root}): its worktree ${place.path}`);
    expect(live.message).toContain('Remove or merge them first (`council session remove <id>` or `council merge <id>` in their repository');
    expect(live.message).toContain('Nothing was removed.');
    expect(onHost(`test -d ${place.path} && test -f ${place.repo}/HEAD && ls ~/.council/runtime`).trim()).not.toBe('');
    expect(value<CommandOutput<'host.list'>>(['host', 'list']).hosts.map((h) => h.name)).toEqual(['remote']);

    // 2. The session removed (its work is home); a branch made on the host that home never fetched: refused.
    const removedSession = council(['session', 'remove', session.id], { cwd: repo.root, env });
    expect(removedSession.code, removedSession.stderr).toBe(0);
    expect(onHost(`git -C ${place.repo} for-each-ref`).trim()).toBe('');
    const base = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repo.root, encoding: 'utf8' }).trim();
    const stray = onHost(
      `cd ${place.repo} && t=$(printf '100644 blob %s\\tonly-here.txt\\n' $(printf 'host only\\n' | git hash-object -w --stdin) | git mktree) && c=$(GIT_AUTHOR_NAME=u GIT_AUTHOR_EMAIL=u@h GIT_COMMITTER_NAME=u GIT_COMMITTER_EMAIL=u@h git commit-tree $t -p ${base} -m 'made on the host') && git update-ref refs/heads/host-only $c && echo $c`,
    ).trim();
    const unmerged = refused();
    expect(unmerged.details).toMatchObject({ host: 'remote', problem: 'unmerged-work' });
    expect(unmerged.message).toContain(`remote holds work that is not at home: refs/heads/host-only in ${place.repo} (commit ${stray.slice(0, 12)} is not in `);
    const fetch = `git fetch ssh://remote${place.repo} refs/heads/host-only:refs/heads/host-only`;
    expect(unmerged.message).toContain(`Keep it by fetching it into the repository at home (\`${fetch}\`)`);
    expect(unmerged.message).toContain(`or drop it there (\`ssh remote git -C ${place.repo} update-ref -d refs/heads/host-only\`)`);
    expect(onHost(`git -C ${place.repo} rev-parse refs/heads/host-only`).trim()).toBe(stray);
    expect(there('runtime')).toBe(true);

    // 3. The fix the message gives, as the user runs it (their ssh reaches the host by its name).
    execFileSync('git', fetch.split(' ').slice(1), { cwd: repo.root, env: { ...process.env, GIT_SSH_COMMAND: `ssh -F ${server.config}` } });
    expect(execFileSync('git', ['rev-parse', 'refs/heads/host-only'], { cwd: repo.root, encoding: 'utf8' }).trim()).toBe(stray);
    // What runs there leave behind (a headless run's output, the shell guard's copies, the tmux socket folder).
    onHost('mkdir -p ~/.council/sessions/0123ab/run-1 ~/.council/guard/0123ab/call-1 ~/.council/tty && echo line > ~/.council/sessions/0123ab/run-1/out.log');
    const done = value<CommandOutput<'host.remove'>>(['host', 'remove', 'remote']);
    expect(done.clones).toEqual([place.repo, ...['worktrees', 'sessions', 'guard', 'tty'].map((f) => path.posix.join(server.home, '.council', f))]);
    for (const folder of ['sessions', 'guard', 'tty']) expect(there(folder)).toBe(false);
    expect(done.removed).toHaveLength(1);
    expect(there('repos')).toBe(false);
    expect(there('worktrees')).toBe(false);
    expect(there('runtime')).toBe(false);
    expect(value<CommandOutput<'host.list'>>(['host', 'list']).hosts).toEqual([]);
    const text = council(['host', 'list'], { cwd: repo.root, env });
    expect(text.stdout).toContain('No hosts yet');
  }, 240_000);

  it('a folder left under ~/.council/worktrees (no session, not a worktree any more) refuses the removal: it may hold work', async () => {
    const added = value<CommandOutput<'host.add'>>(['host', 'add', 'remote']);
    expect(added.host.name).toBe('remote');
    onHost('mkdir -p ~/.council/worktrees/demo-0123456789ab/left-over && echo notes > ~/.council/worktrees/demo-0123456789ab/left-over/notes.txt');
    const left = refused();
    expect(left.details).toMatchObject({ problem: 'sessions-live' });
    expect(left.message).toContain(`a folder ${server.home}/.council/worktrees/demo-0123456789ab/left-over (what is left of a session's worktree)`);
    expect(onHost('cat ~/.council/worktrees/demo-0123456789ab/left-over/notes.txt')).toBe('notes\n');
    // Forgetting touches nothing there, as before.
    const forgot = value<CommandOutput<'host.remove'>>(['host', 'remove', 'remote', '--forget']);
    expect(forgot).toEqual({ name: 'remote', removed: [], clones: [], forgotten: true });
    expect(onHost('cat ~/.council/worktrees/demo-0123456789ab/left-over/notes.txt')).toBe('notes\n');
    expect(there('runtime')).toBe(true);
  }, 120_000);
});
