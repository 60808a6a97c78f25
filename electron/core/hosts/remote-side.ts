import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { copyIndexFile } from '../git/index-copy';

/**
 * What runs on a host (issue 17), as out/cli/remote.cjs of council's runtime there
 * (~/.council/runtime/<version>/remote.cjs), under the host's own node. Plain Node and git, nothing
 * else. Its input is one JSON line on stdin; it never runs a shell.
 *
 * - `remote.cjs op`: one operation (prepare the clone, add a worktree, snapshot one, remove one),
 *   its answer one JSON line on stdout.
 * - `remote.cjs run`: runs a session's agent in its worktree, in a process group of its own, its
 *   stdout and stderr passed through (the SSH channel carries them home); watches the worktree,
 *   snapshots it (a commit under refs/council/snapshot/<id>, the uncommitted work on top of HEAD)
 *   and tells home on stderr (a line starting with SIGNAL). Home closing the channel (stdin ends)
 *   or a stop line on stdin kills the agent and everything it started.
 */

/** A line on stderr home reads as ours, not the agent's. */
export const SIGNAL = '\u001e\u001fcouncil-remote ';

export type RemoteOp =
  | { op: 'prepare'; repo: string; home?: string }
  | { op: 'add-worktree'; repo: string; path: string; branch: string }
  | { op: 'snapshot'; path: string; id: string }
  | { op: 'commit'; path: string; id: string; message: string; author: { name: string; email: string } | null }
  | { op: 'remove'; repo: string; path: string; branch: string; id: string; expectTree: string | null };

export interface RunSpec {
  id: string;
  cwd: string;
  command: string;
  args: string[];
  env: Record<string, string>;
  /** ms between an edit and its snapshot (edits in a burst are one snapshot). */
  settleMs?: number;
}

export interface Snapshot {
  commit: string;
  tree: string;
  head: string;
}

const IDENTITY = { GIT_AUTHOR_NAME: 'council', GIT_AUTHOR_EMAIL: 'council@localhost', GIT_COMMITTER_NAME: 'council', GIT_COMMITTER_EMAIL: 'council@localhost' };

function git(args: string[], cwd: string, env?: NodeJS.ProcessEnv): string {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', env: env ?? process.env, maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed (${r.status}): ${(r.stderr || r.stdout).trim().slice(0, 1000)}`);
  return r.stdout.trim();
}

function tryGit(args: string[], cwd: string): string | null {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

export const snapshotRef = (id: string): string => `refs/council/snapshot/${id}`;

/**
 * The worktree as it is now, uncommitted and untracked files included, as a commit on top of its
 * HEAD (through a copy of its index: the agent's own index is never touched); the ref moves only
 * when the tree or HEAD changed.
 */
export function snapshot(worktree: string, id: string): Snapshot {
  const gitDir = git(['rev-parse', '--absolute-git-dir'], worktree);
  const index = path.join(gitDir, 'council-snapshot-index');
  try {
    // With the index's own time stamp: a plain copy (newer) would make git trust the stat data of a
    // file rewritten in the second of its checkout with the same size, and leave that edit out.
    copyIndexFile(path.join(gitDir, 'index'), index);
  } catch {
    rmSync(index, { force: true });
  }
  const env = { ...process.env, ...IDENTITY, GIT_INDEX_FILE: index };
  git(['add', '-A'], worktree, env);
  const tree = git(['write-tree'], worktree, env);
  const head = git(['rev-parse', 'HEAD'], worktree);
  const before = tryGit(['rev-parse', '-q', '--verify', `${snapshotRef(id)}^{commit}`], worktree);
  if (before && tryGit(['rev-parse', `${before}^{tree}`, `${before}^1`], worktree) === `${tree}\n${head}`) return { commit: before, tree, head };
  const commit = git(['commit-tree', tree, '-p', head, '-m', `council: snapshot of session ${id}`], worktree, env);
  git(['update-ref', snapshotRef(id), commit], worktree);
  return { commit, tree, head };
}

export function runOp(op: RemoteOp): unknown {
  switch (op.op) {
    case 'prepare': {
      mkdirSync(path.dirname(op.repo), { recursive: true });
      const created = !existsSync(path.join(op.repo, 'HEAD'));
      if (created) git(['init', '--bare', '-q', op.repo], path.dirname(op.repo));
      // The home repository it serves (`council host remove` checks that the clone's work is there).
      if (op.home) git(['config', 'council.home', op.home], op.repo);
      return { created };
    }
    case 'add-worktree': {
      mkdirSync(path.dirname(op.path), { recursive: true });
      git(['worktree', 'add', '-q', op.path, op.branch], op.repo);
      return { path: op.path };
    }
    case 'snapshot':
      return snapshot(op.path, op.id);
    case 'commit': {
      // Everything in the worktree, as `council session commit` does at home; then a fresh snapshot.
      const who = op.author ? { GIT_AUTHOR_NAME: op.author.name, GIT_AUTHOR_EMAIL: op.author.email, GIT_COMMITTER_NAME: op.author.name, GIT_COMMITTER_EMAIL: op.author.email } : IDENTITY;
      const env = { ...process.env, ...who };
      git(['add', '-A'], op.path, env);
      const staged = git(['diff', '--cached', '--name-only', '-z'], op.path).split('\0').filter(Boolean).length;
      let commit: string | null = null;
      if (staged > 0) {
        git(['commit', '-q', '--no-verify', '-m', op.message], op.path, env);
        commit = git(['rev-parse', 'HEAD'], op.path);
      }
      return { commit, files: staged, snapshot: snapshot(op.path, op.id) };
    }
    case 'remove': {
      if (existsSync(op.path)) {
        // Home fetched the work first; anything new since then is not removed.
        const now = snapshot(op.path, op.id);
        if (op.expectTree !== null && now.tree !== op.expectTree) {
          return { removed: false, changed: now };
        }
        git(['worktree', 'remove', '--force', op.path], op.repo);
      }
      git(['worktree', 'prune'], op.repo);
      tryGit(['update-ref', '-d', snapshotRef(op.id)], op.repo);
      tryGit(['branch', '-D', op.branch], op.repo);
      const parent = path.dirname(op.path);
      try {
        if (readdirSync(parent).length === 0) rmSync(parent, { recursive: true });
      } catch {
        // gone already
      }
      return { removed: true };
    }
  }
}

/** Every process below `root` (Linux /proc; elsewhere only the group is reached). */
export function descendants(root: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((n) => /^\d+$/.test(n));
  } catch {
    return [];
  }
  const children = new Map<number, number[]>();
  for (const name of entries) {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(name));
      children.set(ppid, list);
    } catch {
      // ended meanwhile
    }
  }
  const out: number[] = [];
  const queue = [root];
  while (queue.length) {
    for (const child of children.get(queue.shift() as number) ?? []) {
      out.push(child);
      queue.push(child);
    }
  }
  return out;
}

const signal = (pid: number, sig: NodeJS.Signals): void => {
  try {
    process.kill(pid, sig);
  } catch {
    // gone
  }
};

/** A detached run's outputs (supervise): stdout a file, stderr lines to the log, stop by a signal. */
export interface DetachedIo {
  stdout: number;
  stderr(chunk: Buffer): void;
  onStop(fn: () => void): void;
}

/**
 * Snapshots the worktree whenever it changes (a burst of edits is one snapshot, `settleMs` after the
 * first), telling each new snapshot's commit through `say`. `now`: one at once (the run's end).
 */
export function watchSnapshots(cwd: string, id: string, say: (value: unknown) => void, settleMs: number): { now(): void; close(): void } {
  let timer: NodeJS.Timeout | null = null;
  let last = '';
  const snap = (): void => {
    timer = null;
    try {
      const s = snapshot(cwd, id);
      if (s.commit !== last) {
        last = s.commit;
        say({ snapshot: s.commit });
      }
    } catch (err) {
      say({ snapshotError: String((err as Error).message).slice(0, 500) });
    }
  };
  let watcher: FSWatcher | null = null;
  try {
    watcher = watch(cwd, { recursive: true }, (_event, file) => {
      const name = String(file ?? '');
      if (name === '.git' || name.startsWith(`.git${path.sep}`)) return;
      if (!timer) timer = setTimeout(snap, settleMs);
    });
    watcher.on('error', () => undefined);
  } catch (err) {
    say({ watchError: String((err as Error).message) });
  }
  return {
    now: snap,
    close: () => {
      watcher?.close();
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}

/** Runs the agent (see the file's comment); resolves with the exit code to leave with. */
export function runAgent(spec: RunSpec, stdin: NodeJS.ReadableStream | null, say: (value: unknown) => void, io?: DetachedIo): Promise<number> {
  return new Promise((resolve) => {
    let child: ChildProcess;
    try {
      child = spawn(spec.command, spec.args, { cwd: spec.cwd, env: { ...process.env, ...spec.env }, detached: true, stdio: ['ignore', io ? io.stdout : 'inherit', io ? 'pipe' : 'inherit'] });
      if (io) child.stderr?.on('data', (d: Buffer) => io.stderr(d));
    } catch (err) {
      say({ error: String((err as Error).message) });
      resolve(127);
      return;
    }
    let ended = false;
    let killing = false;
    const pid = child.pid ?? 0;
    say({ pid });
    const snaps = watchSnapshots(spec.cwd, spec.id, say, spec.settleMs ?? 40);
    const killAll = (graceMs: number): void => {
      if (killing || ended) return;
      killing = true;
      const tree = [pid, ...descendants(pid)];
      signal(-pid, 'SIGTERM');
      for (const p of tree) signal(p, 'SIGTERM');
      setTimeout(() => {
        for (const p of [pid, ...descendants(pid), ...tree]) signal(p, 'SIGKILL');
        signal(-pid, 'SIGKILL');
      }, graceMs).unref();
    };
    io?.onStop(() => killAll(3000));
    let input = '';
    stdin?.setEncoding?.('utf8');
    stdin?.on('data', (d: string) => {
      input += d;
      let nl: number;
      while ((nl = input.indexOf('\n')) !== -1) {
        const line = input.slice(0, nl).trim();
        input = input.slice(nl + 1);
        if (line === 'stop') killAll(3000);
      }
    });
    // Home is gone (the SSH channel closed): nothing may keep running here for it.
    stdin?.on('end', () => killAll(1000));
    stdin?.on('error', () => killAll(1000));
    child.on('error', (err) => {
      say({ error: err.message });
    });
    child.on('close', (code, sig) => {
      ended = true;
      snaps.close();
      // Whatever the agent left behind in the background goes with it.
      for (const p of descendants(pid)) signal(p, 'SIGKILL');
      signal(-pid, 'SIGKILL');
      snaps.now();
      // The end of the forwarded socket the hooks reached home through (sshd may leave it).
      if (spec.env.COUNCIL_AUTHORITY) rmSync(spec.env.COUNCIL_AUTHORITY, { force: true });
      say({ exit: code, signal: sig });
      resolve(code ?? (sig === 'SIGKILL' ? 137 : 143));
    });
  });
}

/** The entry (out/cli/remote.cjs): `op` or `run`, with the JSON line on stdin. */
export function remoteMain(argv: string[]): void {
  const mode = argv[0];
  const say = (value: unknown): void => {
    process.stderr.write(`${SIGNAL}${JSON.stringify(value)}\n`);
  };
  let buffered = '';
  const onData = (d: Buffer): void => {
    buffered += d.toString('utf8');
    const nl = buffered.indexOf('\n');
    if (nl === -1) return;
    process.stdin.off('data', onData);
    process.stdin.pause();
    const line = buffered.slice(0, nl);
    const rest = buffered.slice(nl + 1);
    if (mode === 'op') {
      try {
        process.stdout.write(`${JSON.stringify({ ok: true, value: runOp(JSON.parse(line) as RemoteOp) })}\n`);
      } catch (err) {
        process.stdout.write(`${JSON.stringify({ ok: false, message: String((err as Error).message) })}\n`);
        process.exitCode = 1;
      }
      return;
    }
    if (mode === 'run') {
      const spec = JSON.parse(line) as RunSpec;
      if (rest.trim() === 'stop') process.exit(143);
      void runAgent(spec, process.stdin, say).then((code) => {
        // stderr first, then leave: the last lines must reach home.
        process.stderr.write('', () => process.exit(code));
      });
      process.stdin.resume();
      return;
    }
    process.stderr.write(`remote.cjs: unknown mode ${String(mode)} (op | run)\n`);
    process.exit(2);
  };
  process.stdin.on('data', onData);
  process.stdin.on('end', () => {
    if (!buffered.includes('\n')) process.exit(2);
  });
}
