// The lock hook of a remote session (issue 17, one authority), measured on a real OpenSSH server
// (tests/helpers/sshd.ts: Debian's sshd on 127.0.0.1, a second local user for the host; needs root):
//   1. `council hook pre-tool` as a whole process on the host, asking home through the run's
//      forwarded socket (ssh -R), timed on the host (spawn → exit), a new file locked each time;
//   2. the same hook, a file another session holds at home (a denial);
//   3. beside it: the local hook at home (a local session, same repository), and `ssh host true`
//      (a fresh connection, as a plain ssh command pays it).
// Alternated in rounds. Run: node scripts/build-cli.mjs && npx tsx bench/measure-remote-hook.ts [--runs N]
import { spawn } from 'node:child_process';
import path from 'node:path';
import { version } from '../package.json';
import { AgentManager } from '../electron/core/agents/manager';
import { Council } from '../electron/core/council';
import { closeControl } from '../electron/core/hosts/control';
import { Hosts } from '../electron/core/hosts/hosts';
import { FAKE_AGENT } from '../tests/agents/fake-agents';
import { REPO_ROOT } from '../tests/helpers/cli';
import { isolateGitEnvironment } from '../tests/helpers/git-env';
import { makeRepo } from '../tests/helpers/repo';
import { sshdUnavailable, startSshd, type SshServer } from '../tests/helpers/sshd';

const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg === -1 ? 40 : Number(process.argv[runsArg + 1]);
const ROUND = 5;

const pct = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
};
const fmt = (ms: number): string => `${ms.toFixed(1)} ms`;
const row = (name: string, values: number[]): string => `| ${name} | ${values.length} | ${fmt(pct(values, 50))} | ${fmt(pct(values, 95))} | ${fmt(Math.max(...values))} |`;
const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

function run(command: string, args: string[], stdin = ''): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
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

/** Times K runs of the hook on the host, each a process of its own, from a driver there (spawnSync: home answers meanwhile). */
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

async function onHost(server: SshServer, command: string): Promise<string> {
  const r = await run('ssh', ['-F', server.config, '-o', 'BatchMode=yes', 'remote', command]);
  if (r.code !== 0) throw new Error(`on the host: ${command.slice(0, 200)} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

async function main(): Promise<void> {
  const why = sshdUnavailable();
  if (why) throw new Error(`cannot measure: ${why}`);
  isolateGitEnvironment();
  process.env.COUNCIL_CLI = path.join(REPO_ROOT, 'out', 'cli', 'council.cjs');
  const server = await startSshd();
  process.env.COUNCIL_SSH_CONFIG = server.config;
  const manager: { m: AgentManager | null; id: string } = { m: null, id: '' };
  try {
    await new Hosts({ version }).add('remote');
    const repo = makeRepo();
    const c = Council.open(repo.root);
    const [holder] = await c.createSessions({ task: 'holder' });
    await c.locks.tryAcquire('src/held.ts', holder!.id, { cwd: repo.root });
    const [localSession] = await c.createSessions({ task: 'local hook' });

    await c.ws.updateSettings({ agents: { claude: { path: FAKE_AGENT, env: { FAKE_AGENT_SCRIPT: JSON.stringify([{ claude: 'init', sessionId: 'bench' }, { sleep: 3_600_000 }]) } } } });
    manager.m = new AgentManager(c, { stopGraceMs: 1000 });
    const [s] = await c.createSessions({ task: 'remote hook', agent: 'claude', host: 'remote' });
    manager.id = s!.id;
    await manager.m.start(s!.id, { mode: 'headless' });
    let socket = '';
    for (let i = 0; i < 200 && !socket; i++) {
      socket = (await onHost(server, 'ls ~/.council/ | grep "^a-[0-9a-f]*$" || true')).trim().split('\n')[0] ?? '';
      if (!socket) await new Promise((r) => setTimeout(r, 100));
    }
    if (!socket) throw new Error('the forwarded socket never showed on the host');
    const runtime = (await onHost(server, 'ls -d ~/.council/runtime/*/')).trim().replace(/\/$/, '');
    const node = (await onHost(server, 'command -v node')).trim();
    const base = { node, launch: `${runtime}/launch.cjs`, socket: `${server.home}/.council/${socket}`, session: s!.id, cwd: s!.host!.path };

    const hostAllow: number[] = [];
    const hostDeny: number[] = [];
    const local: number[] = [];
    const sshTrue: number[] = [];
    const localLaunch = path.join(REPO_ROOT, 'out', 'cli', 'launch.cjs');
    let n = 0;
    for (let round = 0; round * ROUND < RUNS + ROUND; round++) {
      const warm = round === 0; // the first round warms every path and is not counted
      const files = Array.from({ length: ROUND }, () => `src/bench-${n++}.ts`);
      const allow = JSON.parse(await onHost(server, `node -e ${q(DRIVER)} ${q(JSON.stringify({ ...base, files }))}`)) as { ms: number; code: number; err: string }[];
      const deny = JSON.parse(await onHost(server, `node -e ${q(DRIVER)} ${q(JSON.stringify({ ...base, files: files.map(() => 'src/held.ts') }))}`)) as { ms: number; code: number; err: string }[];
      for (const a of allow) if (a.code !== 0) throw new Error(`the hook on the host refused a free file: ${a.err}`);
      for (const d of deny) if (d.code !== 2 || !d.err.includes(holder!.id)) throw new Error(`the hook on the host did not refuse a held file: ${d.code} ${d.err}`);
      // The local hook, timed the same way (a driver process spawning it), here at home.
      const localRuns = JSON.parse((await run(process.execPath, ['-e', DRIVER, JSON.stringify({ node: process.execPath, launch: localLaunch, socket: '', session: localSession!.id, cwd: localSession!.worktreePath, files: files.map((f) => f.replace('bench', 'local')) })])).stdout) as { ms: number; code: number; err: string }[];
      for (const l of localRuns) if (l.code !== 0) throw new Error(`the local hook refused a free file: ${l.err}`);
      if (!warm) local.push(...localRuns.map((l) => l.ms));
      for (let i = 0; i < files.length; i++) {
        const ssh = await run('ssh', ['-F', server.config, '-o', 'BatchMode=yes', 'remote', 'true']);
        if (ssh.code !== 0) throw new Error(`ssh remote true failed: ${ssh.stderr}`);
        if (!warm) sshTrue.push(ssh.ms);
      }
      if (!warm) {
        hostAllow.push(...allow.map((a) => a.ms));
        hostDeny.push(...deny.map((d) => d.ms));
      }
    }
    const lines = [
      `The lock hook of a remote session over a real sshd on this machine (127.0.0.1), ${hostAllow.length} runs each, alternated in rounds of ${ROUND}:`,
      '',
      '| measure | n | p50 | p95 | max |',
      '|---|---|---|---|---|',
      row('hook pre-tool on the host → home (a new lock), whole process', hostAllow),
      row('hook pre-tool on the host → home (held at home: denied), whole process', hostDeny),
      row('hook pre-tool at home, local session (a new lock), whole process', local),
      row('ssh host true (a new connection)', sshTrue),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    if (manager.m && manager.id) await manager.m.stop(manager.id).catch(() => undefined);
    closeControl('remote');
    await server.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${String((err as Error).stack ?? err)}\n`);
    process.exit(1);
  },
);
