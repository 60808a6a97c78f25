import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Session } from '../../shared/models';
import { Council } from '../../electron/core/council';
import { COUNCIL_BIN } from '../helpers/cli';
import type { TestRepo } from '../helpers/repo';
import { heldFile } from './harness';
import { holderLine } from '../helpers/holder-line';

/** `council hook pre-tool` as the agent CLIs run it: its own process, the payload on stdin. */
function hook(agent: string, input: string, options: { cwd: string; env?: Record<string, string> }) {
  const env: Record<string, string | undefined> = { ...process.env, ...options.env };
  if (!options.env?.COUNCIL_SESSION_ID) delete env.COUNCIL_SESSION_ID;
  const result = spawnSync(process.execPath, [COUNCIL_BIN, 'hook', 'pre-tool', '--agent', agent], { cwd: options.cwd, input, encoding: 'utf8', env, timeout: 30_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const write = (cwd: string, file: string) => JSON.stringify({ cwd, hook_event_name: 'PreToolUse', tool_name: 'Write', tool_input: { file_path: path.join(cwd, file), content: 'x' } });

describe('council hook pre-tool (a real process)', () => {
  let repo: TestRepo;
  let council: Council;
  let holder: Session;
  let writer: Session;

  beforeEach(async () => {
    ({ repo, council, holder, writer } = await heldFile());
  });

  it('denies a file held by another session: exit 2, the reason on stderr and as {"decision":"block"}', () => {
    const run = hook('claude', write(writer.worktreePath, 'src/x.ts'), { cwd: writer.worktreePath, env: { COUNCIL_SESSION_ID: writer.id } });
    const reason = `src/x.ts is being edited by session ${holder.id} (codex: add auth); work on another file or wait${holderLine(holder.id)}`;
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`${reason}\n`);
    expect(JSON.parse(run.stdout)).toEqual({ decision: 'block', reason });
  });

  it('allows a free file with exit 0 and no output, and the writer now holds it', async () => {
    const run = hook('claude', write(writer.worktreePath, 'src/y.ts'), { cwd: writer.worktreePath });
    expect(run).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(await council.locks.who('src/y.ts', { cwd: repo.root })).toMatchObject({ sessionId: writer.id });
  });

  it('fails closed: malformed or empty stdin, an unknown agent, an unknown session', () => {
    const cwd = writer.worktreePath;
    for (const run of [
      hook('claude', '{not json', { cwd }),
      hook('claude', '', { cwd }),
      hook('cursor', write(cwd, 'src/y.ts'), { cwd }),
      hook('claude', write(cwd, 'src/y.ts'), { cwd, env: { COUNCIL_SESSION_ID: 'ffffff' } }),
    ]) {
      expect(run.code, run.stderr).toBe(2);
      expect(JSON.parse(run.stdout)).toMatchObject({ decision: 'block', reason: expect.stringContaining('refused') });
    }
  });

  it('fails closed when stdin never ends: its own deadline denies before the CLI would time out (= allow)', async () => {
    const started = Date.now();
    const child = spawn(process.execPath, [COUNCIL_BIN, 'hook', 'pre-tool', '--agent', 'claude'], {
      cwd: writer.worktreePath,
      env: { ...process.env, COUNCIL_HOOK_DEADLINE_MS: '500' },
    });
    child.stdin.write('{"cwd":'); // and never more, never closed
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(2);
    expect(JSON.parse(stdout)).toMatchObject({ decision: 'block', reason: expect.stringContaining('did not answer in time') });
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
