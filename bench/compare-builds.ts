import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isolateGitEnvironment } from '../tests/helpers/git-env';
import { BackgroundLoad } from './load';
import { argOf, runScript } from './scale/kept-fleet';
import { generateRepo } from './repo-gen';
import { median } from './stats';

/**
 * Two builds of the CLI side by side, for a before/after table: each hot verb and `session create`
 * of an older checkout (its `bin/council.cjs`, built) and of this one, interleaved round by round
 * with their baselines (`node -e 0`, raw `git worktree add -b`), idle and then under the bench's
 * fixed load (bench/load.ts). Each build works on its own copy of the same generated repositories,
 * so neither reads the other's state.
 *
 *   npx tsx bench/compare-builds.ts --old ../old [--runs 21] [--creates 7] [--files 10000] [--one-repo] [--creates-only]
 */

interface Build {
  name: string;
  bin: string;
}

function timed(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv, input = ''): { ms: number; stdout: string } {
  const start = performance.now();
  const r = spawnSync(command, [...args], { cwd, env, input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const ms = performance.now() - start;
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} in ${cwd} exited with ${String(r.status)}: ${r.stderr}${r.stdout}`);
  return { ms, stdout: r.stdout };
}

const claudeEdit = (worktree: string, rel: string): string =>
  JSON.stringify({
    session_id: '6f1c2a9e-3b7d-4e21-9a55-0c8d7e6f5a41',
    cwd: worktree,
    hook_event_name: 'PreToolUse',
    tool_name: 'Edit',
    tool_input: { file_path: path.join(worktree, rel), old_string: 'a', new_string: 'b' },
  });

interface Side {
  build: Build;
  repo: string;
  session: { id: string; worktreePath: string };
}

function sessionOf(build: Build, repo: string, env: NodeJS.ProcessEnv): Side['session'] {
  const out = timed(process.execPath, [build.bin, '--json', 'session', 'create', '--task', 'compare'], repo, env).stdout;
  const made = (JSON.parse(out) as { value: { id: string; worktreePath: string }[] }).value[0];
  if (!made) throw new Error(`${build.name}: session create made nothing`);
  return made;
}

type Figures = Record<string, number[]>;
const push = (f: Figures, key: string, v: number): void => void (f[key] ??= []).push(v);

/** Hot verbs: per round node -e 0, then each build's hook, acquire, who, release. */
function hotRounds(sides: Side[], runs: number, env: NodeJS.ProcessEnv): Figures {
  const f: Figures = {};
  let n = 0;
  const round = (record: boolean): void => {
    const bare = timed(process.execPath, ['-e', '0'], os.tmpdir(), env).ms;
    if (record) push(f, 'node -e 0', bare);
    for (const s of sides) {
      const rel = `src/hook-${n++}.ts`;
      const hook = timed(process.execPath, [s.build.bin, 'hook', 'pre-tool', '--agent', 'claude'], s.session.worktreePath, { ...env, COUNCIL_SESSION_ID: s.session.id }, claudeEdit(s.session.worktreePath, rel));
      const acquire = timed(process.execPath, [s.build.bin, 'lock', 'acquire', 'README.md', '--session', s.session.id], s.repo, env).ms;
      const who = timed(process.execPath, [s.build.bin, 'lock', 'who', 'README.md'], s.repo, env).ms;
      timed(process.execPath, [s.build.bin, 'lock', 'release-all', '--session', s.session.id], s.repo, env);
      if (!record) continue;
      push(f, `${s.build.name} hook pre-tool`, hook.ms);
      push(f, `${s.build.name} lock acquire`, acquire);
      push(f, `${s.build.name} lock who`, who);
      for (const [k, v] of [['hook pre-tool', hook.ms], ['lock acquire', acquire], ['lock who', who]] as const) push(f, `${s.build.name} ${k} ÷ node -e 0`, v / bare);
    }
  };
  for (let i = 0; i < 3; i++) round(false);
  for (let i = 0; i < runs; i++) round(true);
  return f;
}

/** session create: per round raw git worktree add -b, then each build's create (removed untimed). */
function createRounds(sides: Side[], rawRepo: string, rawRoot: string, runs: number, env: NodeJS.ProcessEnv): Figures {
  const f: Figures = {};
  let n = 0;
  const settle = (): void => void spawnSync('sync');
  const round = (record: boolean): void => {
    const i = n++;
    const wt = path.join(rawRoot, `raw-${i}`);
    const raw = timed('git', ['worktree', 'add', '-b', `bench/raw-${i}`, wt, 'HEAD'], rawRepo, env).ms;
    timed('git', ['worktree', 'remove', '--force', wt], rawRepo, env);
    timed('git', ['branch', '-D', `bench/raw-${i}`], rawRepo, env);
    settle();
    if (record) push(f, 'git worktree add -b', raw);
    for (const s of sides) {
      const { ms, stdout } = timed(process.execPath, [s.build.bin, '--json', 'session', 'create', '--task', 'compare create'], s.repo, env);
      const id = (JSON.parse(stdout) as { value: { id: string }[] }).value[0]?.id as string;
      timed(process.execPath, [s.build.bin, 'session', 'remove', id, '--force'], s.repo, env);
      settle();
      if (!record) continue;
      push(f, `${s.build.name} session create`, ms);
      push(f, `${s.build.name} session create ÷ git`, ms / raw);
    }
  };
  round(false);
  for (let i = 0; i < runs; i++) round(true);
  return f;
}

function report(title: string, f: Figures): void {
  process.stdout.write(`\n${title}\n`);
  for (const [k, xs] of Object.entries(f)) {
    const m = median(xs);
    process.stdout.write(`  ${k.padEnd(44)} median ${k.includes('÷') ? `${m.toFixed(2)}×` : `${m.toFixed(1)} ms`}  (n ${xs.length})\n`);
  }
}

async function main(): Promise<void> {
  const home = isolateGitEnvironment();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'council-compare-'));
  const oldDir = path.resolve(argOf('old', '../old'));
  const builds: Build[] = [
    { name: 'before', bin: path.join(oldDir, 'bin', 'council.cjs') },
    { name: 'after', bin: path.resolve('bin', 'council.cjs') },
  ];
  const runs = Number(argOf('runs', '21'));
  const creates = Number(argOf('creates', '7'));
  const files = Number(argOf('files', '10000'));
  const env: NodeJS.ProcessEnv = { ...process.env, COUNCIL_WORKTREE_ROOT: path.join(tmp, 'worktrees') };
  delete env.COUNCIL_SESSION_ID;
  try {
    const small = builds.map((b) => generateRepo(path.join(tmp, b.name), 'hot', 700).root);
    // --one-repo: every side creates in the same repository (its objects stay in the page cache
    // between runs; on a VM that pages out what is idle for seconds, three repositories in turn
    // make every checkout read the objects from disk, and git's time drowns the rest).
    const oneRepo = process.argv.includes('--one-repo');
    const rawRepo = generateRepo(path.join(tmp, 'raw'), 'large', files).root;
    const large = builds.map((b) => (oneRepo ? rawRepo : generateRepo(path.join(tmp, b.name), 'large', files).root));
    const rawRoot = path.join(tmp, 'raw-worktrees');
    mkdirSync(rawRoot, { recursive: true });
    const hotSides: Side[] = builds.map((b, i) => ({ build: b, repo: small[i] as string, session: sessionOf(b, small[i] as string, env) }));
    const createSides: Side[] = builds.map((b, i) => ({ build: b, repo: large[i] as string, session: { id: '', worktreePath: '' } }));
    for (const condition of ['idle', 'loaded'] as const) {
      const load = condition === 'loaded' ? await BackgroundLoad.start() : null;
      try {
        if (!process.argv.includes('--creates-only')) report(`${condition}: hot verbs, ${runs} rounds`, hotRounds(hotSides, runs, env));
        if (creates > 0) report(`${condition}: session create on ${files} files, ${creates} rounds`, createRounds(createSides, rawRepo, rawRoot, creates, env));
      } finally {
        const usage = await load?.stop();
        if (usage) process.stdout.write(`  (load got ${usage.map((u) => u.toFixed(0)).join(' / ')} % of a core)\n`);
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  }
}

runScript(main);
