// Remote sessions (issue 17), measured on a real OpenSSH server (tests/helpers/sshd.ts: Debian's
// sshd on 127.0.0.1 logging in a second local user that stands for the host; needs root):
//   1. session create on the host vs a local session create, same repository, alternated;
//   2. an edit on the host (the fake agent writing a new file) → that file in diff.get at home.
// Run: node scripts/build-cli.mjs && npx tsx bench/measure-remote.ts [--runs N]
import { existsSync, mkdirSync, watch } from 'node:fs';
import path from 'node:path';
import { version } from '../package.json';
import { AgentManager } from '../electron/core/agents/manager';
import { Council } from '../electron/core/council';
import { closeControl } from '../electron/core/hosts/control';
import { Hosts } from '../electron/core/hosts/hosts';
import { reviewDiff } from '../electron/core/sessions/review-diff';
import { FAKE_AGENT } from '../tests/agents/fake-agents';
import { REPO_ROOT } from '../tests/helpers/cli';
import { isolateGitEnvironment } from '../tests/helpers/git-env';
import { makeRepo } from '../tests/helpers/repo';
import { sshdUnavailable, startSshd } from '../tests/helpers/sshd';

const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg === -1 ? 10 : Number(process.argv[runsArg + 1]);

const pct = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
};
const fmt = (ms: number): string => `${ms.toFixed(0)} ms`;
const row = (name: string, values: number[]): string => `| ${name} | ${values.length} | ${fmt(pct(values, 50))} | ${fmt(pct(values, 95))} | ${fmt(Math.max(...values))} |`;

async function main(): Promise<void> {
  const why = sshdUnavailable();
  if (why) throw new Error(`cannot measure: ${why}`);
  isolateGitEnvironment();
  process.env.COUNCIL_CLI = path.join(REPO_ROOT, 'out', 'cli', 'council.cjs');
  const server = await startSshd();
  process.env.COUNCIL_SSH_CONFIG = server.config;
  try {
    await new Hosts({ version }).add('remote');
    const repo = makeRepo();
    for (let i = 0; i < 200; i++) repo.write(`pkg/m${i}.ts`, `export const m${i} = ${i};\n`);
    repo.commitAll('more files');
    const c = Council.open(repo.root);

    // 1. create: local vs on the host, alternated; the host's first create also makes its clone there.
    const local: number[] = [];
    const remote: number[] = [];
    let first = 0;
    for (let i = 0; i <= RUNS; i++) {
      let t = performance.now();
      await c.createSessions({ task: `local ${i}` });
      if (i > 0) local.push(performance.now() - t);
      t = performance.now();
      await c.createSessions({ task: `remote ${i}`, host: 'remote' });
      if (i === 0) first = performance.now() - t;
      else remote.push(performance.now() - t);
    }

    // 2. edit on the host → diff.get at home.
    const EDITS = Math.max(RUNS * 2, 20);
    const steps: Record<string, unknown>[] = [{ claude: 'init', sessionId: 'bench' }];
    for (let i = 0; i < EDITS; i++) steps.push({ write: { path: `src/e${i}.ts`, content: `export const e${i} = ${i};\n` } }, { sleep: 600 });
    steps.push({ claude: 'result', text: 'done' });
    await c.ws.updateSettings({ agents: { claude: { path: FAKE_AGENT, env: { FAKE_AGENT_SCRIPT: JSON.stringify(steps) } } } });
    const manager = new AgentManager(c, { stopGraceMs: 1000 });
    const [s] = await c.createSessions({ task: 'bench edits', agent: 'claude', host: 'remote' });
    const hostSrc = path.join(s!.host!.path, 'src');
    const editedAt = new Map<string, number>();
    const watcher = watch(hostSrc, (_e, file) => {
      if (file && !editedAt.has(String(file))) editedAt.set(String(file), performance.now());
    });
    await manager.start(s!.id, { mode: 'headless' });
    const latencies: number[] = [];
    for (let i = 0; i < EDITS; i++) {
      const name = `e${i}.ts`;
      const mirror = path.join(s!.worktreePath, 'src', name);
      const deadline = performance.now() + 30_000;
      for (;;) {
        if (performance.now() > deadline) throw new Error(`${name} never reached diff.get at home`);
        if (existsSync(mirror)) {
          const diff = await reviewDiff(c.ws, c.session(s!.id), { kind: 'base' });
          if (diff.files.some((f) => f.path === `src/${name}`)) break;
        }
        await new Promise((r) => setTimeout(r, 5));
      }
      const seen = performance.now();
      const edited = editedAt.get(name);
      if (edited === undefined) throw new Error(`the edit of ${name} on the host was not seen by the bench's watcher`);
      latencies.push(seen - edited);
    }
    watcher.close();
    await manager.waitForEnd(s!.id);

    mkdirSync(path.join(REPO_ROOT, 'bench'), { recursive: true });
    const lines = [
      `Remote sessions over a real sshd on this machine (127.0.0.1), ${RUNS} runs each, repository of ${203} files:`,
      '',
      '| measure | n | p50 | p95 | max |',
      '|---|---|---|---|---|',
      row('session create, local', local),
      row('session create on the host', remote),
      `| first create on the host (makes its clone there) | 1 | ${fmt(first)} | | |`,
      row('edit on the host → diff.get at home', latencies),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
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
