import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeIn } from './repo';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The installed entry point (bin/council.cjs → out/cli/council.cjs, built by tests/global-setup.ts). */
export const COUNCIL_BIN = path.join(REPO_ROOT, 'bin', 'council.cjs');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real `council` CLI as its own OS process. */
export function council(args: string[], options: { cwd: string; env?: Record<string, string> }): CliResult {
  const result = spawnSync(process.execPath, [COUNCIL_BIN, ...args], {
    cwd: options.cwd,
    encoding: 'utf8',
    env: { ...process.env, ...options.env },
    timeout: 60_000,
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** Async variant, for running several CLI processes at the same moment. */
export function councilAsync(args: string[], options: { cwd: string; env?: Record<string, string> }): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [COUNCIL_BIN, ...args], { cwd: options.cwd, env: { ...process.env, ...options.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** `council --json …`, parsed: the contract's Result object. */
export function councilJson<T = unknown>(args: string[], options: { cwd: string; env?: Record<string, string> }): CliResult & { result: { ok: true; value: T } | { ok: false; error: { code: string; message: string } } } {
  const run = council(['--json', ...args], options);
  let result;
  try {
    result = JSON.parse(run.stdout);
  } catch {
    throw new Error(`council --json ${args.join(' ')} printed no JSON (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
  }
  return { ...run, result };
}

/** The sessions of a repository, as `council session list --json` gives them. */
export function sessionsIn<T = { id: string; agent: string | null }>(root: string): T[] {
  const run = councilJson<T[]>(['session', 'list'], { cwd: root });
  if (!run.result.ok) throw new Error(run.result.error.message);
  return run.result.value;
}

/** `council session create` (no agent: a plain worktree), then its work written and committed with `council session commit`. */
export function sessionWith<T extends { id: string; worktreePath: string }>(root: string, task: string, files: Record<string, string>): T {
  const created = councilJson<T[]>(['session', 'create', '--task', task], { cwd: root });
  if (!created.result.ok) throw new Error(created.result.error.message);
  const session = created.result.value[0] as T;
  for (const [rel, content] of Object.entries(files)) writeIn(session.worktreePath, rel, content);
  const committed = council(['session', 'commit', session.id, '-m', task], { cwd: root });
  if (committed.code !== 0) throw new Error(`council session commit failed: ${committed.stderr}`);
  return session;
}
