import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { CouncilError } from '../errors';
import { hostUrl } from './control';
import { posixQuote, sshOrThrow, type SshOptions } from './ssh';

/**
 * What `council host remove` takes off a host besides the runtime (issue 17): the clones council
 * made there per repository (~/.council/repos/<repo-id>.git), the worktrees folder
 * (~/.council/worktrees) and what runs left there (RUN_FOLDERS). Never work that is not at home:
 *
 * - a session whose worktree is on the host (any folder under ~/.council/worktrees/<repo-id>/, or a
 *   worktree a clone lists) refuses the removal, naming it and the fix: remove or merge it first
 *   (that fetches its work home under the never-lose-work rules of a session's removal);
 * - a branch or snapshot ref in a clone whose commit is not at home (not reachable from any ref of
 *   the home repository the clone was made from, which the clone records as `council.home`) refuses
 *   it too, naming the ref and both fixes (fetch it home, or delete it there). It is not fetched
 *   home on its own: such a ref belongs to no session any more, and a hidden ref at home nobody
 *   asked for is work as good as lost; the user decides.
 *
 * Two passes over SSH, both Node programs on stdin (`node -`, the host's node from its check): the
 * first lists what is there, judged here against the home repositories; the second removes the
 * clones only if their refs and worktrees are still exactly what was judged.
 */

export interface CloneFacts {
  /** The clone's folder on the host. */
  repo: string;
  /** The home repository's git folder it was made from (`council.home`), null when not recorded. */
  home: string | null;
  /** Worktrees the clone lists (its own bare folder excluded). */
  worktrees: { path: string; branch: string | null }[];
  /** Every ref but HEAD: refs/heads/* and refs/council/* (the host's snapshots). */
  refs: { name: string; commit: string }[];
  /** A digest of the refs and worktrees, for the second pass. */
  digest: string;
}

export interface HostInventory {
  home: string;
  clones: CloneFacts[];
  /** Folders under ~/.council/worktrees/<repo-id>/ (a session's worktree, or what is left of one). */
  folders: string[];
}

/** Lists what council has on the host into `root`, `clones` and `folders` (worktree records whose folder is gone are pruned first). */
const LIST = String.raw`'use strict';
const fs = require('fs'), path = require('path'), os = require('os'), cp = require('child_process'), crypto = require('crypto');
const git = (args, cwd) => { const r = cp.spawnSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }); if (r.error) throw r.error; if (r.status !== 0) throw new Error('git ' + args.join(' ') + ' in ' + cwd + ': ' + (r.stderr || '').trim()); return r.stdout; };
const list = (dir) => { try { return fs.readdirSync(dir); } catch { return []; } };
const root = path.join(os.homedir(), '.council');
function facts(repo) {
  let home = null;
  const h = cp.spawnSync('git', ['config', '--get', 'council.home'], { cwd: repo, encoding: 'utf8' });
  if (h.status === 0 && h.stdout.trim()) home = h.stdout.trim();
  const worktrees = [];
  let current = null;
  git(['worktree', 'prune'], repo);
  for (const line of git(['worktree', 'list', '--porcelain'], repo).split('\n')) {
    if (line.startsWith('worktree ')) current = { path: line.slice(9), branch: null, bare: false };
    else if (line === 'bare' && current) current.bare = true;
    else if (line.startsWith('branch ') && current) current.branch = line.slice(7).replace(/^refs\/heads\//, '');
    else if (line === '' && current) { if (!current.bare) worktrees.push({ path: current.path, branch: current.branch }); current = null; }
  }
  if (current && !current.bare) worktrees.push({ path: current.path, branch: current.branch });
  const refs = git(['for-each-ref', '--format=%(objectname) %(refname)'], repo).split('\n').filter(Boolean).map((l) => ({ commit: l.slice(0, l.indexOf(' ')), name: l.slice(l.indexOf(' ') + 1) }));
  const digest = crypto.createHash('sha256').update(JSON.stringify([refs, worktrees])).digest('hex');
  return { repo, home, worktrees, refs, digest };
}
const clones = list(path.join(root, 'repos')).filter((n) => n.endsWith('.git')).map((n) => path.join(root, 'repos', n)).filter((d) => fs.existsSync(path.join(d, 'HEAD'))).map(facts);
const folders = [];
for (const id of list(path.join(root, 'worktrees'))) {
  const dir = path.join(root, 'worktrees', id);
  try { if (!fs.statSync(dir).isDirectory()) { folders.push(dir); continue; } } catch { continue; }
  for (const name of list(dir)) folders.push(path.join(dir, name));
}
`;

const INVENTORY = `${LIST}process.stdout.write(JSON.stringify({ council: 'inventory', home: os.homedir(), clones, folders }) + '\\n');
`;

/**
 * The runtime's run folders under ~/.council there: `sessions` (headless runs' output and exit,
 * remote-detached.ts), `guard` (the shell guard's copies, shell-guard.ts), `tty` (the private tmux
 * server's socket, remote-tty-side.ts).
 */
export const RUN_FOLDERS = ['sessions', 'guard', 'tty'] as const;

/** The second pass: removes the clones named (each only if its digest is unchanged and no worktree folder appeared), then the empty folders and the run folders. */
export function removalScript(expected: { repo: string; digest: string }[]): string {
  return `'use strict';
const expected = ${JSON.stringify(expected)};
${LIST}
const now = new Map(clones.map((c) => [c.repo, c]));
const changed = [];
for (const e of expected) { const c = now.get(e.repo); if (c && c.digest !== e.digest) changed.push(e.repo); }
for (const c of clones) if (!expected.some((e) => e.repo === c.repo)) changed.push(c.repo);
if (folders.length) changed.push(...folders);
if (changed.length) { process.stdout.write(JSON.stringify({ council: 'removed', ok: false, changed }) + '\\n'); process.exit(0); }
const removed = [];
for (const e of expected) { if (now.has(e.repo)) { fs.rmSync(e.repo, { recursive: true, force: true }); removed.push(e.repo); } }
for (const dir of [path.join(root, 'worktrees'), path.join(root, 'repos')]) {
  for (const name of list(dir)) { try { fs.rmdirSync(path.join(dir, name)); } catch {} }
  try { fs.rmdirSync(dir); if (dir.endsWith('worktrees')) removed.push(dir); } catch {}
}
// What runs there left behind, no work in it (a session's work is in its worktree, all gone by now):
// the output logs of headless runs, the shell guard's copies, the tmux socket folder.
for (const name of ${JSON.stringify(RUN_FOLDERS)}) {
  const dir = path.join(root, name);
  if (fs.existsSync(dir)) { fs.rmSync(dir, { recursive: true, force: true }); removed.push(dir); }
}
process.stdout.write(JSON.stringify({ council: 'removed', ok: true, removed }) + '\\n');
`;
}

function lastJson<T>(stdout: string, marker: string): T | null {
  for (const line of stdout.trim().split('\n').reverse()) {
    try {
      const value = JSON.parse(line) as { council?: unknown };
      if (value?.council === marker) return value as T;
    } catch {
      // not ours
    }
  }
  return null;
}

async function runNode<T>(host: string, node: string, script: string, marker: string, ssh: SshOptions): Promise<T> {
  const result = await sshOrThrow(host, [posixQuote(node), '-'], { ...ssh, stdin: script, timeoutMs: 120_000 });
  const answer = lastJson<T>(result.stdout, marker);
  if (!answer) {
    const why = result.stderr.trim().split('\n').pop() || `exit ${result.code}`;
    throw new CouncilError('command-failed', `council could not look at its folders on ${host} (${why}): nothing was removed; \`council host check ${host}\` shows what is wrong there, or \`council host remove ${host} --forget\` only forgets the host`, { host, problem: 'inventory' });
  }
  return answer;
}

export function inventory(host: string, node: string, ssh: SshOptions = {}): Promise<HostInventory> {
  return runNode<HostInventory>(host, node, INVENTORY, 'inventory', ssh);
}

/** Whether `commit` is reachable from a ref of the home repository at `gitDir` (false when the object is not there). */
function atHome(gitDir: string, commit: string): boolean {
  const r = spawnSync('git', ['--git-dir', gitDir, 'rev-list', '-n', '1', commit, '--not', '--all'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() === '';
}

const sessionIdOf = (branch: string | null): string | null => /-([0-9a-f]{6})$/.exec(branch ?? '')?.[1] ?? null;

/** What keeps the host's clones from being removed, each naming the fix; [] when nothing does. */
export function blockers(facts: HostInventory): { live: string[]; unmerged: { text: string; repo: string; ref: string }[] } {
  const live: string[] = [];
  const listed = new Set<string>();
  for (const clone of facts.clones) {
    for (const w of clone.worktrees) {
      listed.add(w.path);
      const id = sessionIdOf(w.branch);
      const where = clone.home ? ` (repository ${clone.home.replace(/\/\.git$/, '')})` : '';
      live.push(id ? `session ${id}${where}: its worktree ${w.path}` : `a worktree ${w.path} on branch ${w.branch ?? '(detached)'}${where}`);
    }
  }
  for (const folder of facts.folders) if (!listed.has(folder)) live.push(`a folder ${folder} (what is left of a session's worktree)`);
  const unmerged: { text: string; repo: string; ref: string }[] = [];
  for (const clone of facts.clones) {
    const home = clone.home && existsSync(clone.home) ? clone.home : null;
    for (const ref of clone.refs) {
      if (home && atHome(home, ref.commit)) continue;
      const why = clone.home ? (home ? `commit ${ref.commit.slice(0, 12)} is not in ${clone.home}` : `its home repository ${clone.home} is gone from this machine`) : 'council cannot tell which repository at home it belongs to';
      unmerged.push({ text: `${ref.name} in ${clone.repo} (${why})`, repo: clone.repo, ref: ref.name });
    }
  }
  return { live, unmerged };
}

/**
 * Removes council's clones and worktrees folder from the host, refusing (nothing removed) while a
 * session lives there or a ref there holds work that is not at home. Answers what was removed.
 */
export async function removeHostClones(host: string, node: string, ssh: SshOptions = {}): Promise<string[]> {
  const facts = await inventory(host, node, ssh);
  const { live, unmerged } = blockers(facts);
  if (live.length) {
    throw new CouncilError(
      'conflict',
      `${host} still has sessions on it: ${live.join('; ')}. Remove or merge them first (\`council session remove <id>\` or \`council merge <id>\` in their repository: either brings their work home), then remove the host again. Nothing was removed.`,
      { host, problem: 'sessions-live', live },
    );
  }
  const first = unmerged[0];
  if (first) {
    const others = unmerged.length > 1 ? ' (and likewise for the others)' : '';
    throw new CouncilError(
      'conflict',
      `${host} holds work that is not at home: ${unmerged.map((u) => u.text).join('; ')}. Keep it by fetching it into the repository at home (\`git fetch ${hostUrl(host, first.repo)} ${first.ref}:${first.ref}\`${others}), or drop it there (\`ssh ${host} git -C ${first.repo} update-ref -d ${first.ref}\`${others}); then remove the host again. Nothing was removed.`,
      { host, problem: 'unmerged-work', unmerged: unmerged.map((u) => u.text) },
    );
  }
  const done = await runNode<{ ok: boolean; removed?: string[]; changed?: string[] }>(host, node, removalScript(facts.clones.map((c) => ({ repo: c.repo, digest: c.digest }))), 'removed', ssh);
  if (!done.ok) {
    throw new CouncilError('conflict', `council's folders on ${host} changed while it was being removed (${(done.changed ?? []).join(', ')}): nothing was removed; remove the host again`, { host, problem: 'changed' });
  }
  return done.removed ?? [];
}
