import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startAgentProcess, type AgentProcessMode } from '../electron/core/agents/runner/agent-process';
import { REPO_ROOT } from '../tests/helpers/cli';
import type { BenchConfig, SummaryRow } from './result';
import { runStandaloneIfMain } from './standalone';
import { summarize } from './stats';
import { formatMs, formatRatio, renderTable } from './table';

/**
 * Measurement 8: an agent printing 10 MB as fast as it can (tests/support/fake-agent.mjs, step
 * `burst`) through the pty runner and the pipe runner to one output subscriber, against `cat` of the
 * same bytes through a plain child_process pipe. Rates are taken from the first byte received to
 * the last (process start-up and the exit are timed separately, as "whole run"). Every run checks
 * that the subscriber got exactly the bytes sent, in order, in chunks numbered without gaps.
 *
 * Run on its own: `npx tsx bench/output-burst.ts [--quick]`.
 */

export const BURST_TARGET_MB_PER_S = 20;
const BURST_BYTES = 10_000_000;
const FAKE_AGENT = path.join(REPO_ROOT, 'tests', 'support', 'fake-agent.mjs');

interface BurstRun {
  /** MB/s (10^6 bytes) from the first byte received to the last. */
  rate: number;
  /** From spawning to the process's end (runners: `exited`, the output complete). */
  wholeMs: number;
  /** Received exactly what was sent, in order, in chunks without gaps in seq. */
  intact: boolean;
  received: number;
}

/** The fake agent's burst text: 0.1.2.… cut at `bytes` (ASCII, so characters are bytes). */
function burstText(bytes: number): string {
  const parts: string[] = [];
  let length = 0;
  for (let n = 0; length < bytes; n++) {
    const s = `${n}.`;
    parts.push(s);
    length += s.length;
  }
  return parts.join('').slice(0, bytes);
}

function env(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) out[key] = value;
  return out;
}

/** The rate over the bytes after the first arrival (the first piece has no duration of its own). */
const rateOf = (bytes: number, firstPiece: number, firstAt: number, lastAt: number): number =>
  lastAt > firstAt ? (bytes - firstPiece) / 1e6 / ((lastAt - firstAt) / 1000) : Number.POSITIVE_INFINITY;

/** A program's stdout through a plain child_process pipe (the floor any runner sits on). */
function rawPipe(command: string, args: readonly string[], cwd: string, expected: string): Promise<BurstRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, [...args], { cwd, stdio: ['ignore', 'pipe', 'inherit'] });
    const pieces: Buffer[] = [];
    let received = 0;
    let firstAt = 0;
    let firstPiece = 0;
    let lastAt = 0;
    child.stdout.on('data', (data: Buffer) => {
      lastAt = performance.now();
      if (received === 0) {
        firstAt = lastAt;
        firstPiece = data.length;
      }
      received += data.length;
      pieces.push(data);
    });
    child.once('error', reject);
    child.once('close', (code) => {
      const wholeMs = performance.now() - started;
      if (code !== 0) return reject(new Error(`${command} exited with ${String(code)}`));
      const intact = received === expected.length && Buffer.concat(pieces).toString('latin1') === expected;
      resolve({ rate: rateOf(received, firstPiece, firstAt, lastAt), wholeMs, intact, received });
    });
  });
}

/** `cat` in a bare node-pty terminal, counting onData (the floor any pty runner sits on). */
async function barePty(file: string, cwd: string, expected: string): Promise<BurstRun> {
  const pty = await import('node-pty');
  const spawnPty = typeof pty.spawn === 'function' ? pty.spawn : (pty as unknown as { default: typeof pty }).default.spawn;
  return new Promise((resolve) => {
    const started = performance.now();
    const term = spawnPty('cat', [file], { cwd, env: env(), cols: 120, rows: 30 });
    const pieces: string[] = [];
    let received = 0;
    let firstAt = 0;
    let firstPiece = 0;
    let lastAt = 0;
    term.onData((data) => {
      lastAt = performance.now();
      if (received === 0) {
        firstAt = lastAt;
        firstPiece = data.length;
      }
      received += data.length;
      pieces.push(data);
    });
    term.onExit(() => {
      const intact = received === expected.length && pieces.join('') === expected;
      resolve({ rate: rateOf(received, firstPiece, firstAt, lastAt), wholeMs: performance.now() - started, intact, received });
    });
  });
}

async function throughRunner(mode: AgentProcessMode, cwd: string, expected: string): Promise<BurstRun> {
  const started = performance.now();
  const agent = await startAgentProcess({
    command: process.execPath,
    args: [FAKE_AGENT, '--script', JSON.stringify([{ burst: expected.length }])],
    cwd,
    env: env(),
    mode,
  });
  const chunks: string[] = [];
  let gapless = true;
  let received = 0;
  let firstAt = 0;
  let firstPiece = 0;
  let lastAt = 0;
  agent.output.subscribe((chunk) => {
    lastAt = performance.now();
    if (received === 0) {
      firstAt = lastAt;
      firstPiece = chunk.data.length;
    }
    if (chunk.seq !== chunks.length + 1) gapless = false;
    received += chunk.data.length;
    chunks.push(chunk.data);
  });
  const exit = await agent.exited;
  const wholeMs = performance.now() - started;
  if (exit.code !== 0) throw new Error(`the fake agent (${mode}) ended with ${JSON.stringify(exit)}`);
  const intact = gapless && received === expected.length && chunks.join('') === expected;
  return { rate: rateOf(received, firstPiece, firstAt, lastAt), wholeMs, intact, received };
}

const mbps = (rate: number): string => (Number.isFinite(rate) ? `${rate.toFixed(1)} MB/s` : '-');

export async function measureOutputBurst(cfg: BenchConfig, iterations: number): Promise<SummaryRow[]> {
  const dir = path.join(cfg.tmp, 'output-burst');
  mkdirSync(dir, { recursive: true });
  const expected = burstText(BURST_BYTES);
  const file = path.join(dir, 'burst.txt');
  writeFileSync(file, expected);

  const variants = {
    cat: () => rawPipe('cat', [file], dir, expected),
    catPty: () => barePty(file, dir, expected),
    fakeRaw: () => rawPipe(process.execPath, [FAKE_AGENT, '--script', JSON.stringify([{ burst: BURST_BYTES }])], dir, expected),
    pipe: () => throughRunner('pipe', dir, expected),
    pty: () => throughRunner('pty', dir, expected),
  };
  type Name = keyof typeof variants;
  const runs: Record<Name, BurstRun[]> = { cat: [], catPty: [], fakeRaw: [], pipe: [], pty: [] };
  // One warm-up round (disk cache, node-pty's first load), then interleaved rounds.
  for (const name of Object.keys(variants) as Name[]) await variants[name]();
  for (let i = 0; i < iterations; i++) {
    for (const name of Object.keys(variants) as Name[]) runs[name].push(await variants[name]());
  }

  const medianRate = (name: Name): number => summarize(runs[name].map((r) => r.rate)).p50;
  const allIntact = (name: Name): boolean => runs[name].every((r) => r.intact);
  const row = (label: string, name: Name): (string | number)[] => {
    const rates = summarize(runs[name].map((r) => r.rate));
    const whole = summarize(runs[name].map((r) => r.wholeMs));
    const lost = runs[name].filter((r) => !r.intact).length;
    return [label, runs[name].length, mbps(rates.p50), mbps(rates.min), mbps(rates.max), formatMs(whole.p50), lost === 0 ? 'all intact' : `${lost} runs NOT intact`];
  };
  const cat = medianRate('cat');
  cfg.print(
    renderTable(
      `8. a ${BURST_BYTES / 1e6} MB output burst to one subscriber`,
      ['path', 'n', 'p50 rate', 'min', 'max', 'whole run p50', 'bytes received == sent'],
      [
        row('cat of the same bytes, plain child_process pipe (baseline)', 'cat'),
        row('cat of the same bytes, bare node-pty terminal (info: the pty floor)', 'catPty'),
        row('fake agent, plain child_process pipe (info: the agent alone)', 'fakeRaw'),
        row('fake agent → pipe runner → OutputBuffer → subscriber', 'pipe'),
        row('fake agent → pty runner (node-pty) → OutputBuffer → subscriber', 'pty'),
        ['ratio of medians pty runner / cat', '', formatRatio(medianRate('pty') / cat), '', '', '', ''],
        ['ratio of medians pipe runner / cat', '', formatRatio(medianRate('pipe') / cat), '', '', '', ''],
        ['ratio of medians pty runner / cat in a bare pty', '', formatRatio(medianRate('pty') / medianRate('catPty')), '', '', '', ''],
      ],
      [
        'rate: MB (10^6 bytes) per second from the first byte received to the last; "whole run" adds process start-up and exit',
        "the pty runner's whole run includes node-pty's 200 ms wait after the exit (see pty-process.ts, holdTerminalOpen)",
        'a bare node-pty terminal can lose the last KBs at exit (libuv takes the hang-up for the end): the runner keeps the terminal open to avoid it',
        `interleaved rounds after one warm-up round; target for both runners ≥ ${BURST_TARGET_MB_PER_S} MB/s with nothing lost`,
      ],
    ),
  );
  const summaryRow = (mode: 'pty' | 'pipe'): SummaryRow => {
    const rate = medianRate(mode);
    const intact = allIntact(mode);
    return {
      measurement: `Agent output burst, ${mode} runner`,
      ours: `p50 ${mbps(rate)}${intact ? '' : ', BYTES LOST'}`,
      baseline: `cat through a pipe p50 ${mbps(cat)}`,
      value: mbps(rate),
      target: `≥ ${BURST_TARGET_MB_PER_S} MB/s, nothing lost`,
      pass: rate >= BURST_TARGET_MB_PER_S && intact,
    };
  };
  return [summaryRow('pty'), summaryRow('pipe')];
}

/** `npx tsx bench/output-burst.ts [--quick]`: this measurement alone, with its summary. */
runStandaloneIfMain(import.meta.url, 'burst', (cfg) => measureOutputBurst(cfg, cfg.quick ? 3 : 8));
