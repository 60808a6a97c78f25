import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Session } from '../../shared/models';
import { agentRunningIn } from '../../electron/core/agents/run-store';
import { Council } from '../../electron/core/council';
import { isAlive, useScript, waitUntil } from '../agents/fake-agents';
import { council, councilJson } from '../helpers/cli';
import { gitSync, makeRepo, tempDir, writeIn } from '../helpers/repo';

// `council session cleanup` as its own OS process (the built CLI), on real repositories: what it
// removed, and for everything it did not remove, why, in plain words.

interface CleanupAnswer {
  removed: string[];
  kept: { id: string; reason: string }[];
  olderThanMs: number;
  recent: { id: string; idleMs: number }[];
}

describe('council session cleanup', () => {
  it('with no idle session says so, naming the threshold and where it comes from, and lists the sessions it did not look at', async () => {
    const repo = makeRepo();
    const c = Council.open(repo.root);
    const made = (await c.createSessions({ task: 'young', count: 2 })) as Session[];
    await c.ws.updateSettings({ staleAfterMinutes: 7 * 24 * 60 });

    const text = council(['session', 'cleanup'], { cwd: repo.root });
    expect(text.code, text.stderr).toBe(0);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('removed nothing: no session is idle for more than 7 days (the stale setting)');
    expect(lines[1]).toMatch(/^not idle long enough to be removed: /);
    for (const s of made) expect(lines[1]).toMatch(new RegExp(`${s.id} \\(idle \\d+(\\.\\d)? seconds?\\)`));
    expect(lines).toHaveLength(2);

    const json = councilJson<CleanupAnswer>(['session', 'cleanup'], { cwd: repo.root });
    if (!json.result.ok) throw new Error(json.result.error.message);
    expect(json.result.value.removed).toEqual([]);
    expect(json.result.value.kept).toEqual([]);
    expect(json.result.value.olderThanMs).toBe(7 * 86_400_000);
    expect(json.result.value.recent.map((r) => r.id).sort()).toEqual(made.map((s) => s.id).sort());
    expect(c.listSessions()).toHaveLength(2);

    const none = Council.open(makeRepo().root);
    expect(council(['session', 'cleanup'], { cwd: none.root }).stdout).toBe('removed nothing: there are no sessions\n');
  });

  it('removes what loses nothing and says, per session kept, why: unmerged commits, uncommitted files, locks', async () => {
    const repo = makeRepo();
    const c = Council.open(repo.root);
    const [clean, committed, dirty, locked] = (await c.createSessions({ task: 'old', count: 4 })) as Session[];
    for (const n of [1, 2]) {
      writeIn(committed!.worktreePath, `c${n}.txt`, `${n}\n`);
      gitSync(committed!.worktreePath, 'add', '-A');
      gitSync(committed!.worktreePath, 'commit', '-q', '-m', `c${n}`);
    }
    writeIn(dirty!.worktreePath, 'src/a.ts', 'export const a = 9;\n');
    writeIn(dirty!.worktreePath, 'new.txt', 'new\n');
    await c.locks.acquire('README.md', locked!.id, { cwd: repo.root });

    const text = council(['session', 'cleanup', '--older-than', '0s'], { cwd: repo.root });
    expect(text.code, text.stderr).toBe(0);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`removed 1 session: ${clean!.id}`);
    expect(lines[1]).toBe('kept 3 idle sessions:');
    expect(lines.slice(2).sort()).toEqual(
      [`  ${committed!.id}: has 2 unmerged commits`, `  ${dirty!.id}: has uncommitted changes in 2 files`, `  ${locked!.id}: holds 1 lock (README.md)`].sort(),
    );
    expect(existsSync(clean!.worktreePath)).toBe(false);

    // Nothing left that may go: "removed nothing" and why.
    const again = council(['session', 'cleanup', '--older-than', '0s'], { cwd: repo.root });
    const againLines = again.stdout.trimEnd().split('\n');
    expect(againLines[0]).toBe('removed nothing: the 3 sessions idle for more than 0 seconds (--older-than 0s) were kept:');
    expect(againLines.slice(1).sort()).toEqual(lines.slice(2).sort());
    expect(c.listSessions().map((s) => s.id).sort()).toEqual([committed!.id, dirty!.id, locked!.id].sort());
  });

  it('never removes a session while its agent runs, even one with nothing to lose: "its agent is running"', async () => {
    // The child's pid is written outside the worktree: nothing uncommitted, so only the agent can keep it.
    const pidFile = path.join(tempDir('council-cleanup-live-'), 'child.pid');
    const repo = makeRepo();
    const c = Council.open(repo.root);
    await useScript(c, 'claude', [{ claude: 'init' }, { spawnChild: { pidFile } }, { sleep: 60_000 }]);
    expect(council(['session', 'create', '--task', 'busy', '--agent', 'claude', '--headless'], { cwd: repo.root }).code).toBe(0);
    const [s] = c.listSessions();
    await waitUntil(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '', 'the agent to start its child', 15_000);
    const child = Number(readFileSync(pidFile, 'utf8'));
    expect(agentRunningIn(c.ws.paths, s!.id)).toBe(true);

    const text = council(['session', 'cleanup', '--older-than', '0s'], { cwd: repo.root });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toBe(`removed nothing: the one session idle for more than 0 seconds (--older-than 0s) was kept:\n  ${s!.id}: its agent is running\n`);
    expect(existsSync(s!.worktreePath)).toBe(true);
    expect(isAlive(child)).toBe(true);

    expect(council(['session', 'stop', s!.id], { cwd: repo.root }).code).toBe(0);
    await waitUntil(() => !isAlive(child), 'the agent to be gone', 5000);
  });
});

describe('council session cleanup, sessions that hold work', () => {
  it('a young session with unmerged or uncommitted work is listed with that reason, not as "not idle long enough"', async () => {
    const repo = makeRepo();
    const c = Council.open(repo.root);
    const [young, committed, dirty] = (await c.createSessions({ task: 'young', count: 3 })) as Session[];
    await c.ws.updateSettings({ staleAfterMinutes: 7 * 24 * 60 });
    writeIn(committed!.worktreePath, 'c.txt', 'c\n');
    gitSync(committed!.worktreePath, 'add', '-A');
    gitSync(committed!.worktreePath, 'commit', '-q', '-m', 'c');
    writeIn(dirty!.worktreePath, 'src/a.ts', 'export const a = 9;\n');

    const text = council(['session', 'cleanup'], { cwd: repo.root });
    expect(text.code, text.stderr).toBe(0);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('removed nothing: no session is idle for more than 7 days (the stale setting)');
    expect(lines[1]).toBe('kept 2 sessions whatever their idle time:');
    expect(lines.slice(2, 4).map((l) => l.replace(/ \(idle [^)]*\)$/, '')).sort()).toEqual([`  ${committed!.id}: has 1 unmerged commit`, `  ${dirty!.id}: has uncommitted changes in 1 file`].sort());
    expect(lines[4]).toMatch(new RegExp(`^not idle long enough to be removed: ${young!.id} \\(idle [^)]*\\)$`));
    expect(lines).toHaveLength(5);

    const json = councilJson<CleanupAnswer>(['session', 'cleanup'], { cwd: repo.root });
    if (!json.result.ok) throw new Error(json.result.error.message);
    const reasons = Object.fromEntries(json.result.value.recent.map((r) => [r.id, (r as { reason?: string }).reason ?? null]));
    expect(reasons).toEqual({ [young!.id]: null, [committed!.id]: 'has 1 unmerged commit', [dirty!.id]: 'has uncommitted changes in 1 file' });
  });
});
