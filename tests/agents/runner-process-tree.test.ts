import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { descendants, isAlive, killTree, processTable } from '../../electron/core/agents/runner/process-tree';
import { REPO_ROOT } from '../helpers/cli';
import { tempDir } from '../helpers/repo';

// Finding and stopping a process tree, on real processes: the fake agent started detached (its own
// session, as the runners start agents) with grandchildren in and out of its process group.

const FAKE_AGENT = path.join(REPO_ROOT, 'tests', 'support', 'fake-agent.mjs');

const leftovers: number[] = [];
afterEach(() => {
  for (const pid of leftovers.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone, as it should be
    }
  }
});

interface Tree {
  agent: ChildProcess & { pid: number };
  cwd: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Pids the fake agent wrote, by file name. */
  pid(file: string): number;
}

/** Starts the fake agent with `steps` and waits until it has printed "ready". */
async function startTree(steps: unknown[]): Promise<Tree> {
  const cwd = tempDir('council-tree-');
  const child = spawn(process.execPath, [FAKE_AGENT, '--script', JSON.stringify([...steps, { print: 'ready\n' }, { sleep: 60_000 }])], {
    cwd,
    detached: true,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (data: Buffer) => {
      out += data.toString();
      if (out.includes('ready\n')) resolve();
    });
    child.once('exit', () => reject(new Error(`the fake agent exited before it was ready: ${out}`)));
  });
  const agent = child as ChildProcess & { pid: number };
  leftovers.push(agent.pid);
  const pid = (file: string): number => {
    const p = Number(readFileSync(path.join(cwd, file), 'utf8'));
    leftovers.push(p);
    return p;
  };
  return { agent, cwd, exited, pid };
}

describe('process tree', () => {
  it('finds descendants in and out of the process group', async () => {
    const tree = await startTree([{ spawnChild: { pidFile: 'a.pid', ownSession: false } }, { spawnChild: { pidFile: 'b.pid', ownSession: true } }]);
    const found = await descendants(tree.agent.pid);
    expect(found.sort()).toEqual([tree.pid('a.pid'), tree.pid('b.pid')].sort());
    expect(await descendants(tree.pid('a.pid'))).toEqual([]);
    await killTree(tree.agent.pid, { graceMs: 1000 });
  });

  it('stops the whole tree with SIGTERM when it obeys', async () => {
    const tree = await startTree([{ spawnChild: { pidFile: 'a.pid', ownSession: false } }, { spawnChild: { pidFile: 'b.pid', ownSession: true } }]);
    const all = [tree.agent.pid, tree.pid('a.pid'), tree.pid('b.pid')];

    const result = await killTree(tree.agent.pid, { graceMs: 5000 });
    expect(result).toEqual({ pids: [...all].sort((x, y) => x - y), forced: [] });
    expect(all.map(isAlive)).toEqual([false, false, false]);
    expect(await tree.exited).toEqual({ code: null, signal: 'SIGTERM' });
  });

  it('sends SIGKILL after the grace period to what ignores SIGTERM', async () => {
    const tree = await startTree([{ ignoreSigterm: true }, { spawnChild: { pidFile: 'stubborn.pid', ignoreSigterm: true } }, { spawnChild: { pidFile: 'polite.pid' } }]);
    const [stubborn, polite] = [tree.pid('stubborn.pid'), tree.pid('polite.pid')];

    const result = await killTree(tree.agent.pid, { graceMs: 300 });
    expect(result.forced.sort()).toEqual([tree.agent.pid, stubborn].sort());
    expect([tree.agent.pid, stubborn, polite].map(isAlive)).toEqual([false, false, false]);
    expect(await tree.exited).toEqual({ code: null, signal: 'SIGKILL' });
  });

  it('still reaches what is left in the group after the agent itself has exited', async () => {
    const tree = await startTree([{ spawnChild: { pidFile: 'orphan.pid', ownSession: false } }]);
    const orphan = tree.pid('orphan.pid');
    process.kill(tree.agent.pid, 'SIGKILL');
    await tree.exited;
    expect(isAlive(orphan)).toBe(true);

    const result = await killTree(tree.agent.pid, { graceMs: 1000 });
    expect(result.pids).toEqual([orphan]);
    expect(isAlive(orphan)).toBe(false);
  });

  it('resolves at once for a process that is already gone', async () => {
    const tree = await startTree([]);
    process.kill(tree.agent.pid, 'SIGKILL');
    await tree.exited;
    expect(await killTree(tree.agent.pid)).toEqual({ pids: [], forced: [] });
  });

  it.runIf(process.platform === 'linux')('counts a zombie as dead (an orphan nobody reaps)', async () => {
    // sh starts a short sleep in the background, then becomes a long sleep that never reaps it.
    const sh = spawn('sh', ['-c', 'sleep 0.1 & echo $!; exec sleep 60'], { stdio: ['ignore', 'pipe', 'inherit'] });
    leftovers.push(sh.pid as number);
    const zombie = Number(await new Promise<string>((resolve) => sh.stdout.once('data', (d: Buffer) => resolve(d.toString()))));
    while (!isZombie(zombie)) await new Promise((resolve) => setTimeout(resolve, 20));

    expect(() => process.kill(zombie, 0)).not.toThrow();
    expect(isAlive(zombie)).toBe(false);
    expect(isAlive(sh.pid as number)).toBe(true);
  });

  it.runIf(process.platform === 'linux')('reads the process table for 200 callers at once with a few file descriptors, and loses no process', async () => {
    // Stopping 100 agents at once asks for the table ~200 times together (bench/agents-scale.ts):
    // a file per process per caller open at once ran the app out of descriptors and crashed it.
    const fds = (): number => readdirSync('/proc/self/fd').length;
    const before = fds();
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, fds())), 1);
    try {
      const tables = await Promise.all(Array.from({ length: 200 }, () => processTable()));
      for (const table of tables) expect(table.some((p) => p.pid === process.pid)).toBe(true);
    } finally {
      clearInterval(sampler);
    }
    expect(peak - before).toBeLessThan(100);
  });

  it('knows this process is alive and that no pid 0 or negative one is', () => {
    expect(isAlive(process.pid)).toBe(true);
    expect(isAlive(0)).toBe(false);
    expect(isAlive(-1)).toBe(false);
  });
});

function isZombie(pid: number): boolean {
  const stat = `/proc/${pid}/stat`;
  return existsSync(stat) && readFileSync(stat, 'utf8').split(') ')[1]?.startsWith('Z') === true;
}
