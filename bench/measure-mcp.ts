import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { Council } from '../electron/core/council';
import { dispatch } from '../electron/core/dispatch';
import { cliHandlers } from '../electron/cli/cli-handlers';
import { COUNCIL_BIN } from '../tests/helpers/cli';
import { writeIn } from '../tests/helpers/repo';
import { generateRepo } from './repo-gen';
import type { BenchConfig, SummaryRow } from './result';
import { runStandaloneIfMain } from './standalone';
import { summarize, type Summary } from './stats';
import { formatMs, renderTable } from './table';

/**
 * Issue 15, item 6: an agent's MCP tool round trip with 100 sessions — `peers` (every other
 * session's agent, task, status, file, files changed, locks, and the predicted conflicts) asked of a
 * running `council mcp` by the official SDK's client over stdio, as an agent's CLI asks it. Beside
 * it, from the same run: the same contract command (council.peers) through dispatch() in this
 * process (what the MCP layer and the pipe add is the difference), and who_owns (a lock read).
 * The repository's state is what 100 busy agents leave: each session working on a file, holding a
 * lock, a fifth of them with changes (two pairs conflicting), the radar computed and stored.
 */

export const MCP_PEERS_P50_TARGET_MS = 20;
const SESSIONS = 100;
const FILES = 300;

async function timeEach(n: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    await fn(i);
    samples.push(performance.now() - start);
  }
  return samples;
}

/** A repository with 100 sessions as busy agents leave it, the radar stored: made once per process
 * (the idle and the loaded runs ask the same repository). */
let prepared: Promise<{ council: Council; ids: string[]; setupMs: number }> | null = null;

function prepare(cfg: BenchConfig): Promise<{ council: Council; ids: string[]; setupMs: number }> {
  let ready = prepared;
  if (!ready) {
    ready = (async () => {
      const started = performance.now();
      const repo = generateRepo(cfg.tmp, 'repo-mcp', FILES);
      const council = Council.open(repo.root);
      while (council.listSessions().length < SESSIONS) await council.createSessions({ task: `bench mcp ${council.listSessions().length}`, agent: 'claude', count: 1 });
      const sessions = council.listSessions();
      for (const [i, s] of sessions.entries()) {
        const file = repo.samplePaths[i % repo.samplePaths.length] as string;
        await council.context.update(s.id, { status: 'working', currentFile: file, progress: `step ${i}` }, { cwd: repo.root });
        await council.locks.acquire(file, s.id, { cwd: repo.root }).catch(() => undefined);
        if (i % 5 === 0) writeIn(s.worktreePath, i % 10 === 0 ? 'README.md' : `src/own-${i}.ts`, `changed by ${s.id}\n`);
      }
      await (await council.radar()).compute();
      return { council, ids: sessions.map((s) => s.id), setupMs: performance.now() - started };
    })();
    prepared = ready;
  }
  return ready;
}

export async function measureMcp(cfg: BenchConfig, counts: { warmup: number; iterations: number }): Promise<SummaryRow[]> {
  const { council, ids, setupMs } = await prepare(cfg);
  const me = ids[0] as string;
  const repo = council.root;

  // In process: the contract command through dispatch() and the CLI's own handlers.
  const handlers = cliHandlers();
  const direct = () => dispatch('council.peers', { repo, id: me }, handlers, { clientId: '' });
  await timeEach(counts.warmup, direct);
  const inProcess = summarize(await timeEach(counts.iterations, direct));

  // Over MCP: a running `council mcp` for the session, the SDK's client, stdio.
  const transport = new StdioClientTransport({ command: process.execPath, args: [COUNCIL_BIN, '--repo', repo, 'mcp', '--session', me], cwd: path.join(repo), env: { ...process.env } as Record<string, string>, stderr: 'ignore' });
  const client = new Client({ name: 'bench', version: '1' });
  const connectStart = performance.now();
  await client.connect(transport);
  const connectMs = performance.now() - connectStart;
  let peers: Summary;
  let who: Summary;
  let size = 0;
  try {
    const ask = async () => {
      const result = (await client.callTool({ name: 'peers', arguments: {} })) as { content: { text: string }[]; isError?: boolean };
      if (result.isError) throw new Error(`peers failed: ${result.content[0]?.text}`);
      size = result.content[0]?.text.length ?? 0;
    };
    await timeEach(counts.warmup, ask);
    peers = summarize(await timeEach(counts.iterations, ask));
    const owner = async () => client.callTool({ name: 'who_owns', arguments: { path: 'README.md' } });
    await timeEach(counts.warmup, owner);
    who = summarize(await timeEach(counts.iterations, owner));
  } finally {
    await client.close();
  }

  const row = (name: string, s: Summary): (string | number)[] => [name, s.n, formatMs(s.p50), formatMs(s.p95), formatMs(s.p99), formatMs(s.max)];
  cfg.print(
    renderTable(
      `13. council mcp: a tool's round trip with ${ids.length} sessions`,
      ['operation', 'n', 'p50', 'p95', 'p99', 'max'],
      [row('MCP peers (SDK client → council mcp over stdio)', peers), row('council.peers in process (dispatch, baseline)', inProcess), row('MCP who_owns (info)', who)],
      [
        `set-up (once): ${ids.length} sessions on a ${FILES}-file repository, each working on a file and holding its lock, a fifth with changes, the radar stored: ${formatMs(setupMs)}`,
        `the server's start (spawn to initialized): ${formatMs(connectMs)}; the peers answer is ${size.toLocaleString('en-US')} characters`,
        `${counts.warmup} warm-up calls of each discarded`,
      ],
    ),
  );
  return [
    {
      measurement: `MCP peers round trip p50 (${ids.length} sessions)`,
      ours: formatMs(peers.p50),
      baseline: `in process: ${formatMs(inProcess.p50)}`,
      value: `${formatMs(peers.p50)} (p99 ${formatMs(peers.p99)})`,
      target: `≤ ${formatMs(MCP_PEERS_P50_TARGET_MS)}`,
      pass: peers.p50 <= MCP_PEERS_P50_TARGET_MS,
    },
    {
      measurement: 'MCP who_owns round trip p50',
      ours: formatMs(who.p50),
      baseline: `peers: ${formatMs(peers.p50)}`,
      value: formatMs(who.p50),
      target: '-',
      pass: null,
    },
  ];
}

/** Standalone: `npx tsx bench/measure-mcp.ts [--quick] [--idle-only]`. */
export const MCP_QUICK = { warmup: 10, iterations: 60 };
export const MCP_FULL = { warmup: 30, iterations: 300 };

runStandaloneIfMain(import.meta.url, 'mcp', (cfg) => measureMcp(cfg, cfg.quick ? MCP_QUICK : MCP_FULL));
