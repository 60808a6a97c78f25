import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { OutputChunk } from '../../shared/agents';
import { startAgentProcess, type AgentProcess, type AgentProcessMode, type AgentProcessOptions } from '../../electron/core/agents/runner/agent-process';
import { isAlive } from '../../electron/core/agents/runner/process-tree';
import { REPO_ROOT } from '../helpers/cli';
import { tempDir } from '../helpers/repo';

// The agent runners with real processes: the fake agent (tests/support/fake-agent.mjs) in a real
// pseudo-terminal (node-pty) and with real pipes.

const FAKE_AGENT = path.join(REPO_ROOT, 'tests', 'support', 'fake-agent.mjs');
const MODES: AgentProcessMode[] = ['pty', 'pipe'];

const started: AgentProcess[] = [];
afterEach(async () => {
  // A failed test must not leave its agents running.
  await Promise.all(started.splice(0).map((agent) => agent.stop({ graceMs: 100 })));
});

function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  return env;
}

async function fake(mode: AgentProcessMode, steps: unknown[], options: Partial<AgentProcessOptions> = {}): Promise<AgentProcess> {
  const agent = await startAgentProcess({
    command: process.execPath,
    args: [FAKE_AGENT, '--script', JSON.stringify(steps)],
    cwd: options.cwd ?? tempDir('council-runner-'),
    env: baseEnv(),
    mode,
    ...options,
  });
  started.push(agent);
  return agent;
}

/** Waits until the output contains `text`; fails with what it has when the agent exits first. */
function outputContaining(agent: AgentProcess, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const data = agent.output.snapshot().data;
      if (!data.includes(text)) return false;
      stop();
      resolve(data);
      return true;
    };
    const stop = agent.output.subscribe(() => check());
    if (check()) return;
    void agent.exited.then(() => {
      if (!check()) reject(new Error(`the agent exited without printing ${JSON.stringify(text)}; its output:\n${agent.output.snapshot().data}`));
    });
  });
}

/** The text the fake agent's {burst: bytes} step writes. */
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

/** Fields 5 and 6 of /proc/<pid>/stat: the process group and session ids. */
function groupAndSession(pid: number): { pgid: number; sid: number } {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return { pgid: Number(fields[2]), sid: Number(fields[3]) };
}

const readPid = (cwd: string, file: string): number => Number(readFileSync(path.join(cwd, file), 'utf8'));

describe('the pty runner', () => {
  it('passes typed input to the agent and shows what it prints', async () => {
    const agent = await fake('pty', [{ echoStdin: true }, { print: 'bye\n' }]);
    expect(agent.write('hello agent\r')).toBe(true);
    await outputContaining(agent, 'echo: hello agent');
    agent.write('end\r');

    expect(await agent.exited).toEqual({ code: 0, signal: null });
    expect(agent.output.snapshot().data).toContain('bye\r\n');
    expect(agent.write('too late\r')).toBe(false);
  });

  it('starts the terminal at the given size and resizes it', async () => {
    const agent = await fake('pty', [{ run: ['stty', 'size'] }, { waitForInput: 'resize me\n' }, { run: ['stty', 'size'] }], { cols: 100, rows: 30 });
    await outputContaining(agent, 'resize me');
    expect(agent.resize(132, 43)).toBe(true);
    agent.write('\r');

    expect(await agent.exited).toEqual({ code: 0, signal: null });
    const data = agent.output.snapshot().data;
    const [before, after] = data.split('resize me');
    expect(before).toContain('30 100');
    expect(after).toContain('43 132');
    expect(agent.resize(80, 24)).toBe(false);
  });

  it('has no stdout or stderr lines: asking for them is an error', async () => {
    const agent = await fake('pty', [{ print: 'x\n' }]);
    expect(() => agent.onStdoutLine(() => {})).toThrow('only in pipe mode');
    expect(() => agent.onStderrLine(() => {})).toThrow('only in pipe mode');
    await agent.exited;
  });
});

describe('the pipe runner', () => {
  it('splits stdout and stderr into lines, the unfinished last line passed at exit', async () => {
    const agent = await fake('pipe', [{ print: 'one\ntw' }, { print: 'o\r\nthree' }, { stderr: 'warn 1\nwarn' }, { stderr: ' 2' }]);
    const stdout: string[] = [];
    const stderr: string[] = [];
    agent.onStdoutLine((line) => stdout.push(line));
    agent.onStderrLine((line) => stderr.push(line));

    expect(await agent.exited).toEqual({ code: 0, signal: null });
    expect(stdout).toEqual(['one', 'two', 'three']);
    expect(stderr).toEqual(['warn 1', 'warn 2']);
    expect(agent.output.snapshot().data).toBe('one\ntwo\r\nthreewarn 1\nwarn 2');
  });

  it('leaves the output to the caller when asked to (rendered events instead of raw JSON)', async () => {
    const agent = await fake('pipe', [{ json: { type: 'result' } }, { stderr: 'warning\n' }], { rawOutput: false });
    agent.onStdoutLine((line) => agent.output.append(`event: ${(JSON.parse(line) as { type: string }).type}\r\n`));
    const stderr: string[] = [];
    agent.onStderrLine((line) => stderr.push(line));

    expect(await agent.exited).toEqual({ code: 0, signal: null });
    expect(agent.output.snapshot().data).toBe('event: result\r\n');
    expect(stderr).toEqual(['warning']);
  });

  it('keeps characters whole when a read ends inside one', async () => {
    // 600 KB of two-byte characters: the pipe delivers it in pieces that cut some in half.
    // (Too long for an argument: the script goes in a file.)
    const line = 'é'.repeat(300_000);
    const cwd = tempDir('council-runner-');
    writeFileSync(path.join(cwd, 'script.json'), JSON.stringify([{ print: `${line}\n` }]));
    const agent = await fake('pipe', [], { cwd, args: [FAKE_AGENT, '--script-file', 'script.json'] });
    const lines: string[] = [];
    agent.onStdoutLine((l) => lines.push(l));
    await agent.exited;
    expect(lines).toEqual([line]);
  });

  it('gives the agent a closed stdin by default (a CLI that reads it sees the end at once)', async () => {
    const agent = await fake('pipe', [{ waitForInput: 'question? ' }, { print: 'went on\n' }]);
    expect(agent.write('answer\n')).toBe(false);
    expect(await agent.exited).toEqual({ code: 0, signal: null });
    expect(agent.output.snapshot().data).toBe('question? went on\n');
  });

  it('feeds stdin when asked to, and ends it', async () => {
    const agent = await fake('pipe', [{ echoStdin: true }, { print: 'input ended\n' }], { stdin: 'pipe' });
    const lines: string[] = [];
    agent.onStdoutLine((line) => lines.push(line));
    expect(agent.write('first\nsecond\n')).toBe(true);
    expect(agent.endInput()).toBe(true);

    expect(await agent.exited).toEqual({ code: 0, signal: null });
    expect(lines).toEqual(['echo: first', 'echo: second', 'input ended']);
  });

  it('ends the run when the agent exits, though a process it left behind holds its output open', async () => {
    const cwd = tempDir('council-runner-');
    const agent = await fake('pipe', [{ spawnChild: { pidFile: 'server.pid', ownSession: false, keepOutput: true } }, { print: 'last words\n' }, { exit: 0 }], { cwd });
    const lines: string[] = [];
    agent.onStdoutLine((line) => lines.push(line));

    expect(await agent.exited).toEqual({ code: 0, signal: null });
    const server = readPid(cwd, 'server.pid');
    expect(lines).toEqual([`grandchild ${server}`, 'last words']);
    expect(isAlive(server)).toBe(true);
    // It is still in the agent's process group, where stop() reaches it after the agent is gone.
    await agent.stop({ graceMs: 1000 });
    expect(isAlive(server)).toBe(false);
  });

  it('cannot be resized', async () => {
    const agent = await fake('pipe', [{ print: 'x' }]);
    expect(agent.resize(100, 30)).toBe(false);
    await agent.exited;
  });
});

describe.each(MODES)('both runners: %s', (mode) => {
  it('runs the agent as the leader of its own session and process group', async () => {
    const agent = await fake(mode, [{ print: 'ready\n' }, { sleep: 60_000 }]);
    await outputContaining(agent, 'ready');
    expect(groupAndSession(agent.pid)).toEqual({ pgid: agent.pid, sid: agent.pid });
  });

  it('reports the exit status and the agent environment', async () => {
    const agent = await fake(mode, [{ printEnv: 'COUNCIL_TEST_VALUE' }, { exit: 7 }], { env: { ...baseEnv(), COUNCIL_TEST_VALUE: 'from the test' } });
    expect(await agent.exited).toEqual({ code: 7, signal: null });
    expect(agent.output.snapshot().data).toContain('COUNCIL_TEST_VALUE=from the test');
  });

  it('numbers a large burst without gaps and loses nothing; the log file has it all', async () => {
    const bytes = 5 * 1024 * 1024;
    const logFile = path.join(tempDir(), 'run.log');
    const agent = await fake(mode, [{ burst: bytes }], { logFile, output: { maxBytes: 8 * 1024 * 1024 } });
    const chunks: OutputChunk[] = [];
    agent.output.subscribe((chunk) => chunks.push(chunk));

    expect(await agent.exited).toEqual({ code: 0, signal: null });
    const expected = burstText(bytes);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.map((c) => c.seq)).toEqual(chunks.map((_, i) => i + 1));
    // Compared as lengths first: a failure then says how much was lost, not 5 MB of diff.
    const received = chunks.map((c) => c.data).join('');
    expect(received.length).toBe(bytes);
    expect(received === expected).toBe(true);
    expect(agent.output.snapshot()).toEqual({ seq: chunks.length, data: expected, truncated: false });
    expect(agent.output.totalBytes).toBe(bytes);
    expect(readFileSync(logFile, 'utf8') === expected).toBe(true);
  });

  it('keeps only the newest output when a burst exceeds the cap', async () => {
    const bytes = 3 * 1024 * 1024;
    const agent = await fake(mode, [{ burst: bytes }], { output: { maxBytes: 256 * 1024 } });
    expect(await agent.exited).toEqual({ code: 0, signal: null });

    const snapshot = agent.output.snapshot();
    expect(snapshot.truncated).toBe(true);
    expect(snapshot.data.length).toBeLessThanOrEqual(256 * 1024 + 64 * 1024);
    expect(snapshot.data.length).toBeGreaterThan(0);
    expect(burstText(bytes).endsWith(snapshot.data)).toBe(true);
    expect(agent.output.since(0)).toBeNull();
  });

  it('stop ends the agent and every process it started, in its group or not', async () => {
    const cwd = tempDir('council-runner-');
    const agent = await fake(
      mode,
      [{ spawnChild: { pidFile: 'own-session.pid', ownSession: true } }, { spawnChild: { pidFile: 'same-group.pid', ownSession: false } }, { print: 'ready\n' }, { sleep: 60_000 }],
      { cwd },
    );
    await outputContaining(agent, 'ready');
    const grandchildren = [readPid(cwd, 'own-session.pid'), readPid(cwd, 'same-group.pid')];
    expect(grandchildren.map(isAlive)).toEqual([true, true]);

    expect(await agent.stop({ graceMs: 2000 })).toEqual({ code: null, signal: 'SIGTERM' });
    expect([agent.pid, ...grandchildren].map(isAlive)).toEqual([false, false, false]);
  });

  it('stop falls back to SIGKILL after the grace period when SIGTERM is ignored', async () => {
    const cwd = tempDir('council-runner-');
    const agent = await fake(mode, [{ ignoreSigterm: true }, { spawnChild: { pidFile: 'stubborn.pid', ignoreSigterm: true } }, { print: 'ready\n' }, { sleep: 60_000 }], { cwd });
    await outputContaining(agent, 'ready');
    const grandchild = readPid(cwd, 'stubborn.pid');

    expect(await agent.stop({ graceMs: 300 })).toEqual({ code: null, signal: 'SIGKILL' });
    expect(agent.output.snapshot().data).toContain('SIGTERM ignored');
    expect([agent.pid, grandchild].map(isAlive)).toEqual([false, false]);
  });

  it('names the program when it does not exist', async () => {
    await expect(fake(mode, [], { command: 'council-no-such-agent' })).rejects.toThrow('Agent program not found: council-no-such-agent');
    await expect(fake(mode, [], { command: './bin/missing-agent' })).rejects.toThrow('Agent program not found: ./bin/missing-agent');
  });

  it('names the working folder when it does not exist', async () => {
    const cwd = path.join(tempDir(), 'gone');
    await expect(fake(mode, [], { cwd })).rejects.toThrow(`Agent working folder not found: ${cwd}`);
  });

  it("finds a bare program name on the agent's PATH", async () => {
    const agent = await fake(mode, [{ print: 'found\n' }], { command: 'node', env: { ...baseEnv(), PATH: path.dirname(process.execPath) } });
    expect(agent.program).toBe(process.execPath);
    expect(await agent.exited).toEqual({ code: 0, signal: null });
    expect(agent.output.snapshot().data).toContain('found');
  });
});
