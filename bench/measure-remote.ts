import { spawn } from 'node:child_process';
import { existsSync, rmSync, watch } from 'node:fs';
import path from 'node:path';
import { version } from '../package.json';
import { AgentManager } from '../electron/core/agents/manager';
import { Council } from '../electron/core/council';
import { closeControl, hostSsh } from '../electron/core/hosts/control';
import { Hosts } from '../electron/core/hosts/hosts';
import { sshArgs } from '../electron/core/hosts/ssh';
import { reviewDiff } from '../electron/core/sessions/review-diff';
import { FAKE_AGENT } from '../tests/agents/fake-agents';
import { REPO_ROOT } from '../tests/helpers/cli';
import { makeRepo } from '../tests/helpers/repo';
import { sshdUnavailable, startSshd, type SshServer } from '../tests/helpers/sshd';
import { idleThenLoaded } from './load';
import type { BenchConfig, SummaryRow } from './result';
import { runStandaloneIfMain } from './standalone';
import { summarize, type Summary } from './stats';
import { formatMs, formatRatio, renderTable } from './table';

/**
 * Remote sessions (issue 17), measured on a real OpenSSH server on this machine (tests/helpers/sshd.ts:
 * Debian's sshd on 127.0.0.1 logging in a second local user that stands for the host; needs root).
 * Each figure beside a baseline from the same run:
 *   1. session create on the host vs a local session create, same repository, alternated;
 *   2. an edit on the host (the fake agent writing a new file) → that file in diff.get at home, vs
 *      `ssh HOST true` over the host's ControlMaster (the connection the snapshot fetch rides);
 *   3. the lock hook (`council hook pre-tool`, a whole process) on the host asking home through the
 *      run's forwarded socket — a new lock, and a file held at home (denied) — vs `ssh HOST true`
 *      over the ControlMaster and vs the same hook at home for a local session. Alternated in rounds.
 * The sshd and the host's runtime are set up once (remoteWorld) and shared by the idle and loaded runs.
 */

const HOST = 'remote';

export interface RemoteCounts {
  /** Creates of each kind (after one warm-up pair). */
  creates: number;
  /** Edits on the host, one every `editGapMs`. */
  edits: number;
  editGapMs: number;
  /** Hook runs of each kind, in rounds of ROUND (after one warm-up round). */
  hooks: number;
}
export const REMOTE_FULL: RemoteCounts = { creates: 10, edits: 20, editGapMs: 600, hooks: 40 };
export const REMOTE_QUICK: RemoteCounts = { creates: 3, edits: 8, editGapMs: 500, hooks: 10 };
const ROUND = 5;

export interface RemoteWorld {
  server: SshServer;
  stop(): Promise<void>;
}

/** Starts the sshd, points council at it (COUNCIL_SSH_CONFIG) and adds the host (its runtime installed there). */
export async function remoteWorld(): Promise<RemoteWorld> {
  const why = sshdUnavailable();
  if (why) throw new Error(`cannot measure remote sessions: ${why}`);
  process.env.COUNCIL_CLI = path.join(REPO_ROOT, 'out', 'cli', 'council.cjs');
  const server = await startSshd();
  process.env.COUNCIL_SSH_CONFIG = server.config;
  try {
    await new Hosts({ version }).add(HOST);
  } catch (err) {
    await server.stop();
    throw err;
  }
  return {
    server,
    async stop() {
      closeControl(HOST);
      await server.stop();
    },
  };
}

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function run(command: string, args: string[], stdin = ''): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: performance.now() - t }));
    child.stdin.end(stdin);
  });
}

const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** A command on the host over its ControlMaster (what every step of a remote session rides). */
async function onHost(command: string): Promise<Ran> {
  const r = await run('ssh', sshArgs(HOST, [command], hostSsh(HOST)));
  if (r.code !== 0) throw new Error(`on the host: ${command.slice(0, 200)} failed (${r.code}): ${r.stderr}`);
  return r;
}

/** Times runs of the hook, each a process of its own, from a driver process (spawnSync: home answers meanwhile). */
const DRIVER = `
const { spawnSync } = require('node:child_process');
const c = JSON.parse(process.argv[1]);
const out = [];
for (const file of c.files) {
  const payload = JSON.stringify({ session_id: 'b', cwd: c.cwd, hook_event_name: 'PreToolUse', tool_name: 'Write', tool_input: { file_path: c.cwd + '/' + file, content: 'x' } });
  const t = process.hrtime.bigint();
  const r = spawnSync(c.node, [c.launch, 'hook', 'pre-tool', '--agent', 'claude'], { cwd: c.cwd, input: payload, env: { ...process.env, ...(c.socket ? { COUNCIL_AUTHORITY: c.socket } : {}), COUNCIL_SESSION_ID: c.session } });
  out.push({ ms: Number(process.hrtime.bigint() - t) / 1e6, code: r.status, err: String(r.stderr).slice(0, 300) });
}
process.stdout.write(JSON.stringify(out));
`;
type HookRun = { ms: number; code: number | null; err: string };

const cells = (name: string, s: Summary, ratio = ''): (string | number)[] => [name, s.n, formatMs(s.p50), formatMs(s.p95), formatMs(s.max), ratio];

/** Measurement: remote session create, edit → diff at home, and the lock hook from the host, each beside its baseline. */
export async function measureRemote(cfg: BenchConfig, world: RemoteWorld, counts: RemoteCounts): Promise<SummaryRow[]> {
  const { server } = world;
  const repo = makeRepo();
  for (let i = 0; i < 200; i++) repo.write(`pkg/m${i}.ts`, `export const m${i} = ${i};\n`);
  repo.commitAll('more files');
  const c = Council.open(repo.root);
  const manager = new AgentManager(c, { stopGraceMs: 1000 });
  const running: string[] = [];
  const sshTrue = async (): Promise<number> => (await onHost('true')).ms;
  try {
    // 1. create: local vs on the host, alternated; the first pair warms up (the host's first create makes its clone there).
    cfg.log('remote: session create on the host vs local');
    const local: number[] = [];
    const remote: number[] = [];
    let first = 0;
    for (let i = 0; i <= counts.creates; i++) {
      let t = performance.now();
      await c.createSessions({ task: `local ${i}` });
      if (i > 0) local.push(performance.now() - t);
      t = performance.now();
      await c.createSessions({ task: `remote ${i}`, host: HOST });
      if (i === 0) first = performance.now() - t;
      else remote.push(performance.now() - t);
    }

    // 2. edit on the host → diff.get at home, and ssh HOST true over the ControlMaster between edits.
    cfg.log(`remote: ${counts.edits} edits on the host → diff.get at home`);
    const steps: Record<string, unknown>[] = [{ claude: 'init', sessionId: 'bench' }];
    for (let i = 0; i < counts.edits; i++) steps.push({ write: { path: `src/e${i}.ts`, content: `export const e${i} = ${i};\n` } }, { sleep: counts.editGapMs });
    steps.push({ claude: 'result', text: 'done' });
    await c.ws.updateSettings({ agents: { claude: { path: FAKE_AGENT, env: { FAKE_AGENT_SCRIPT: JSON.stringify(steps) } } } });
    const [s] = await c.createSessions({ task: 'bench edits', agent: 'claude', host: HOST });
    if (!s?.host) throw new Error('the edit session was not made on the host');
    const editedAt = new Map<string, number>();
    const watcher = watch(path.join(s.host.path, 'src'), (_e, file) => {
      if (file && !editedAt.has(String(file))) editedAt.set(String(file), performance.now());
    });
    const editMs: number[] = [];
    const editSsh: number[] = [];
    try {
      await manager.start(s.id, { mode: 'headless' });
      running.push(s.id);
      for (let i = 0; i < counts.edits; i++) {
        const name = `e${i}.ts`;
        const mirror = path.join(s.worktreePath, 'src', name);
        const deadline = performance.now() + 30_000;
        for (;;) {
          if (performance.now() > deadline) throw new Error(`${name} never reached diff.get at home`);
          if (existsSync(mirror)) {
            const diff = await reviewDiff(c.ws, c.session(s.id), { kind: 'base' });
            if (diff.files.some((f) => f.path === `src/${name}`)) break;
          }
          await new Promise((r) => setTimeout(r, 5));
        }
        const seen = performance.now();
        const edited = editedAt.get(name);
        if (edited === undefined) throw new Error(`the edit of ${name} on the host was not seen by the bench's watcher`);
        editMs.push(seen - edited);
        editSsh.push(await sshTrue());
      }
    } finally {
      watcher.close();
    }
    await manager.waitForEnd(s.id);
    running.splice(running.indexOf(s.id), 1);

    // 3. the lock hook on the host vs ssh HOST true (ControlMaster) vs the local hook at home.
    cfg.log('remote: the lock hook from the host vs ssh HOST true vs the local hook');
    const [holder] = await c.createSessions({ task: 'holder' });
    await c.locks.tryAcquire('src/held.ts', holder!.id, { cwd: repo.root });
    const [localSession] = await c.createSessions({ task: 'local hook' });
    await c.ws.updateSettings({ agents: { claude: { path: FAKE_AGENT, env: { FAKE_AGENT_SCRIPT: JSON.stringify([{ claude: 'init', sessionId: 'bench' }, { sleep: 3_600_000 }]) } } } });
    const [h] = await c.createSessions({ task: 'remote hook', agent: 'claude', host: HOST });
    if (!h?.host) throw new Error('the hook session was not made on the host');
    const before = new Set((await onHost('ls ~/.council/ | grep "^a-[0-9a-f]*$" || true')).stdout.trim().split('\n').filter(Boolean));
    await manager.start(h.id, { mode: 'headless' });
    running.push(h.id);
    let socket = '';
    for (let i = 0; i < 300 && !socket; i++) {
      socket = (await onHost('ls ~/.council/ | grep "^a-[0-9a-f]*$" || true')).stdout.trim().split('\n').find((n) => n && !before.has(n)) ?? '';
      if (!socket) await new Promise((r) => setTimeout(r, 100));
    }
    if (!socket) throw new Error('the forwarded socket never showed on the host');
    const runtime = (await onHost('ls -d ~/.council/runtime/*/')).stdout.trim().split('\n')[0]!.replace(/\/$/, '');
    const node = (await onHost('command -v node')).stdout.trim();
    const base = { node, launch: `${runtime}/launch.cjs`, socket: `${server.home}/.council/${socket}`, session: h.id, cwd: h.host.path };
    const localLaunch = path.join(REPO_ROOT, 'out', 'cli', 'launch.cjs');
    const hostAllow: number[] = [];
    const hostDeny: number[] = [];
    const localHook: number[] = [];
    const hookSsh: number[] = [];
    let n = 0;
    for (let round = 0; round * ROUND < counts.hooks + ROUND; round++) {
      const warm = round === 0; // the first round warms every path and is not counted
      const files = Array.from({ length: ROUND }, () => `src/bench-${n++}.ts`);
      const allow = JSON.parse((await onHost(`node -e ${q(DRIVER)} ${q(JSON.stringify({ ...base, files }))}`)).stdout) as HookRun[];
      const deny = JSON.parse((await onHost(`node -e ${q(DRIVER)} ${q(JSON.stringify({ ...base, files: files.map(() => 'src/held.ts') }))}`)).stdout) as HookRun[];
      for (const a of allow) if (a.code !== 0) throw new Error(`the hook on the host refused a free file: ${a.err}`);
      for (const d of deny) if (d.code !== 2 || !d.err.includes(holder!.id)) throw new Error(`the hook on the host did not refuse a held file: ${d.code} ${d.err}`);
      const here = JSON.parse((await run(process.execPath, ['-e', DRIVER, JSON.stringify({ node: process.execPath, launch: localLaunch, socket: '', session: localSession!.id, cwd: localSession!.worktreePath, files: files.map((f) => f.replace('bench', 'local')) })])).stdout) as HookRun[];
      for (const l of here) if (l.code !== 0) throw new Error(`the local hook refused a free file: ${l.err}`);
      const ssh: number[] = [];
      for (let i = 0; i < files.length; i++) ssh.push(await sshTrue());
      if (!warm) {
        hostAllow.push(...allow.map((a) => a.ms));
        hostDeny.push(...deny.map((d) => d.ms));
        localHook.push(...here.map((l) => l.ms));
        hookSsh.push(...ssh);
      }
    }

    const lc = summarize(local);
    const rc = summarize(remote);
    const e = summarize(editMs);
    const es = summarize(editSsh);
    const ha = summarize(hostAllow);
    const hd = summarize(hostDeny);
    const lh = summarize(localHook);
    const hs = summarize(hookSsh);
    cfg.print(
      renderTable(
        '16. Remote sessions over a real sshd on this machine (127.0.0.1)',
        ['measure', 'n', 'p50', 'p95', 'max', 'ratio of medians'],
        [
          cells('session create, local (in process)', lc),
          cells('session create on the host (in process)', rc, `${formatRatio(rc.p50 / lc.p50)} local`),
          ['first create on the host (makes its clone there)', 1, formatMs(first), '', '', ''],
          cells('edit on the host → diff.get at home', e, `p95 ${formatRatio(e.p95 / es.p95)} ssh true`),
          cells('ssh HOST true over the ControlMaster (between edits)', es),
          cells('hook pre-tool on the host → home (a new lock), whole process', ha, `${formatRatio(ha.p50 / hs.p50)} ssh true, ${formatRatio(ha.p50 / lh.p50)} local hook`),
          cells('hook pre-tool on the host → home (held at home: denied), whole process', hd, `${formatRatio(hd.p50 / hs.p50)} ssh true, ${formatRatio(hd.p50 / lh.p50)} local hook`),
          cells('hook pre-tool at home, local session (a new lock), whole process', lh),
          cells('ssh HOST true over the ControlMaster (between hook rounds)', hs),
        ],
        [
          `repository of 203 files; creates alternated local/host after one warm-up pair; ${counts.edits} edits ${counts.editGapMs} ms apart; hooks alternated in rounds of ${ROUND} after one warm-up round`,
          'the hook on the host is timed on the host (spawn → exit, from a driver there); ssh HOST true is timed here',
        ],
      ),
    );
    return [
      { measurement: 'remote session create (in process)', ours: `p50 ${formatMs(rc.p50)}`, baseline: `local create p50 ${formatMs(lc.p50)}`, value: formatRatio(rc.p50 / lc.p50), target: 'info', pass: null },
      { measurement: 'remote: edit on the host → diff.get at home', ours: `p95 ${formatMs(e.p95)}`, baseline: `ssh HOST true (ControlMaster) p95 ${formatMs(es.p95)}`, value: formatMs(e.p95), target: 'info', pass: null },
      { measurement: 'remote: lock hook on the host → home (process)', ours: `p50 ${formatMs(ha.p50)}`, baseline: `ssh HOST true (ControlMaster) p50 ${formatMs(hs.p50)}`, value: formatRatio(ha.p50 / hs.p50), target: 'info', pass: null },
      { measurement: 'remote: lock hook on the host vs the local hook', ours: `p50 ${formatMs(ha.p50)}`, baseline: `local hook p50 ${formatMs(lh.p50)}`, value: formatRatio(ha.p50 / lh.p50), target: 'info', pass: null },
      { measurement: 'remote: lock hook on the host, denied (process)', ours: `p50 ${formatMs(hd.p50)}`, baseline: `local hook p50 ${formatMs(lh.p50)}`, value: formatRatio(hd.p50 / lh.p50), target: 'info', pass: null },
    ];
  } finally {
    for (const id of running) await manager.stop(id).catch(() => undefined);
    rmSync(path.dirname(repo.root), { recursive: true, force: true, maxRetries: 3 });
  }
}

/**
 * Standalone: `node scripts/build-cli.mjs && npx tsx bench/measure-remote.ts [--quick] [--idle-only]`
 * (needs root and openssh-server): one sshd for the idle and the loaded run, stopped at the end.
 */
async function standalone(cfg: BenchConfig): Promise<SummaryRow[]> {
  const world = await remoteWorld();
  const counts = cfg.quick ? REMOTE_QUICK : REMOTE_FULL;
  try {
    if (process.argv.includes('--idle-only')) return await measureRemote(cfg, world, counts);
    return await idleThenLoaded(cfg, (c) => measureRemote(c, world, counts));
  } finally {
    await world.stop();
  }
}

runStandaloneIfMain(import.meta.url, 'remote', standalone, { pairsItself: true });
