import { chmodSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Radar } from '../../shared/merge';
import { AppCore } from '../../electron/core/app/app-core';
import { dispatch } from '../../electron/core/dispatch';
import { makeRepo, tempDir } from '../helpers/repo';

/*
 * Issue 13, item 6: with every agent asleep, the live radar's 30 s sweep re-read every session (a
 * `git status` each): at 100 sessions a quarter of a core in git. The sweep now re-reads only the
 * worktrees no watcher covers; edits reach the radar through the worktree watchers, commits and
 * staging through the HEAD and index files it reads. Every git process the core starts is counted
 * here by a `git` on PATH that logs its working folder and arguments, then runs the real git.
 */

const REAL_GIT = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();

let core: AppCore | null = null;
let savedPath: string | undefined;
let log = '';

beforeEach(() => {
  const bin = tempDir('council-git-wrapper-');
  log = path.join(bin, 'git.log');
  writeFileSync(log, '');
  const wrapper = path.join(bin, 'git');
  writeFileSync(wrapper, ['#!/bin/sh', `printf '%s\\t%s\\n' "$PWD" "$*" >> '${log}'`, `exec '${REAL_GIT}' "$@"`, ''].join('\n'));
  chmodSync(wrapper, 0o755);
  savedPath = process.env.PATH;
  process.env.PATH = `${bin}${path.delimiter}${process.env.PATH ?? ''}`;
});

afterEach(async () => {
  await core?.close();
  core = null;
  process.env.PATH = savedPath;
});

/** git processes started since `from` (a line count), as [working folder, arguments]. */
const gitSince = (from: number): [string, string][] =>
  readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .slice(from)
    .map((line) => line.split('\t') as [string, string]);
const lines = (): number => readFileSync(log, 'utf8').split('\n').filter(Boolean).length;
/** The test's own git, never through the wrapper. */
const realGit = (cwd: string, ...args: string[]): string => execFileSync(REAL_GIT, args, { cwd, encoding: 'utf8' }).trim();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function watchedRepo(sessions: number, maxWorktreeWatches?: number) {
  const repo = makeRepo();
  core = new AppCore({ userDataDir: tempDir(), host: 'browser', version: '1', maxWorktreeWatches });
  const radars: Radar[] = [];
  core.addClient('w1', (event, payload) => {
    if (event === 'radar.changed') radars.push((payload as { radar: Radar }).radar);
    return true;
  });
  const call = async <T>(command: Parameters<typeof dispatch>[0], input: unknown): Promise<T> => {
    const result = await dispatch(command, input, core!.handlers, { clientId: 'w1' });
    if (!result.ok) throw new Error(result.error.message);
    return result.value as T;
  };
  const made = await call<{ id: string; worktreePath: string }[]>('sessions.create', { repo: repo.root, task: 'idle radar', count: sessions });
  await call('watch.repo', { repo: repo.root });
  const feed = await core.radar(repo.root);
  // The first compute (every session read once), and every watcher in place.
  await sleep(500);
  await feed.compute();
  return { repo, made, feed, radars };
}

/** One sweep of the live radar, and the compute it asks for (after its debounce). */
async function sweep(feed: Awaited<ReturnType<typeof watchedRepo>>['feed']): Promise<Radar> {
  feed.sweepOnce();
  await sleep(400);
  return feed.compute();
}

/** The worktrees whose `git status` ran: one each, or several in one `for-each-repo` (git/status.ts). */
const statusIn = (calls: [string, string][]): string[] =>
  calls.flatMap(([cwd, args]) => {
    if (args.startsWith('status')) return [realpathSync(cwd)];
    if (!/ for-each-repo .* status /.test(` ${args} `)) return [];
    return [...args.matchAll(/council\.statusof=(\S+)/g)].map((m) => realpathSync(m[1] as string));
  });

describe('the live radar at rest', () => {
  it('an idle sweep starts no git process when nothing changed', async () => {
    const { feed } = await watchedRepo(3);
    const from = lines();
    await sweep(feed);
    await sweep(feed);
    expect(gitSince(from)).toEqual([]);
  });

  it('an edit made from a shell in one worktree re-reads that worktree only, and the radar shows it', async () => {
    const { feed, made } = await watchedRepo(3);
    const [, edited] = made as [{ id: string; worktreePath: string }, { id: string; worktreePath: string }];
    const from = lines();
    execFileSync('sh', ['-c', 'echo "// from a shell" >> src/a.ts'], { cwd: edited.worktreePath });
    // The watcher reports it; the feed recomputes after its debounce.
    await sleep(800);
    const radar = await sweep(feed);
    expect(statusIn(gitSince(from))).toEqual([realpathSync(edited.worktreePath)]);
    expect(radar.sessions.find((s) => s.sessionId === edited.id)?.files).toEqual(['src/a.ts']);
  });

  it('a commit made by another process (nothing for the watcher to see) reaches the radar at the next sweep, re-reading that worktree only', async () => {
    const { feed, made } = await watchedRepo(3);
    const [, , committed] = made as { id: string; worktreePath: string }[];
    const from = lines();
    realGit(committed!.worktreePath, 'commit', '-q', '--allow-empty', '-m', 'from another process');
    const head = realGit(committed!.worktreePath, 'rev-parse', 'HEAD');
    const radar = await sweep(feed);
    expect(statusIn(gitSince(from))).toEqual([realpathSync(committed!.worktreePath)]);
    expect(radar.sessions.find((s) => s.sessionId === committed!.id)?.snapshot).toBe(head);
  });

  it('staging by another process (the index rewritten, no file changed) re-reads that worktree', async () => {
    const { feed, made } = await watchedRepo(2);
    const [staged] = made as { id: string; worktreePath: string }[];
    const from = lines();
    // A mode flipped in the index only: no file in the tree changes, so no watcher sees it.
    realGit(staged!.worktreePath, 'update-index', '--chmod=+x', 'src/b.ts');
    await sweep(feed);
    expect(statusIn(gitSince(from))).toEqual([realpathSync(staged!.worktreePath)]);
  });

  it('past the watch budget, the uncovered worktrees are re-read in turn, a few per sweep, and an edit in one still reaches the radar', async () => {
    // No folder watch allowed: no worktree is covered (as the 300 past the budget at 500 sessions).
    const { feed, made } = await watchedRepo(8, 0);
    const ids = (calls: [string, string][]): string[] => statusIn(calls).map((cwd) => made.find((s) => realpathSync(s.worktreePath) === cwd)?.id ?? cwd);
    let from = lines();
    await sweep(feed);
    const first = ids(gitSince(from));
    from = lines();
    await sweep(feed);
    const second = ids(gitSince(from));
    expect(first).toHaveLength(4);
    expect(second).toHaveLength(4);
    // The four left out of the first sweep are the second's (read longest ago first).
    expect(new Set([...first, ...second])).toEqual(new Set(made.map((s) => s.id)));

    const edited = made[3]!;
    execFileSync('sh', ['-c', 'echo "// unwatched" >> src/b.ts'], { cwd: edited.worktreePath });
    let radar: Radar | null = null;
    for (let i = 0; i < 3 && !radar?.sessions.find((s) => s.sessionId === edited.id)?.files.length; i++) radar = await sweep(feed);
    expect(radar?.sessions.find((s) => s.sessionId === edited.id)?.files).toEqual(['src/b.ts']);
  });
});
