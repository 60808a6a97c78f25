import type { SimpleGitOptions } from 'simple-git';
import { CouncilError } from '../errors';

/**
 * The one place that starts git. Arguments are always an array (never a shell string); the
 * environment is hand-picked; every call declares which exit codes it expects.
 *
 * simple-git runs the process. Its default error handling resolves a non-zero exit with an empty
 * stderr as success and hides the exit code, so each call installs its own `errors` hook that
 * records the exit (code and both streams) and rejects; we then decide here whether that exit was
 * expected. (simple-git wraps whatever the hook returns in its own GitError, so the record is kept
 * in the call's closure rather than on the thrown object.)
 */
export interface GitCall {
  cwd: string;
  /** Exit codes that are answers, not failures (e.g. 1 for `merge-tree` with conflicts). 0 is always fine. */
  okExitCodes?: readonly number[];
  /** Extra environment for this call only, e.g. `GIT_INDEX_FILE` for a temporary index. */
  env?: Readonly<Record<string, string>>;
  /** Text fed to git's standard input. */
  input?: string;
  /** Kill git if it is silent for this long. */
  timeoutMs?: number;
}

export interface GitOutput {
  stdout: string;
  stderr: string;
  exitCode: number;
}

interface GitExit {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Variables of the user's environment that are about identity, config and transport: kept.
 * Everything else that starts with GIT_ (GIT_DIR, GIT_WORK_TREE, GIT_INDEX_FILE … set when we run
 * inside someone's git hook) is dropped so it cannot point our git at the wrong repository. */
const PASS_THROUGH = [
  'GIT_AUTHOR_NAME',
  'GIT_AUTHOR_EMAIL',
  'GIT_AUTHOR_DATE',
  'GIT_COMMITTER_NAME',
  'GIT_COMMITTER_EMAIL',
  'GIT_COMMITTER_DATE',
  'GIT_CONFIG_GLOBAL',
  'GIT_CONFIG_SYSTEM',
  'GIT_CONFIG_NOSYSTEM',
  'GIT_SSH',
  'GIT_SSH_COMMAND',
  'GIT_ASKPASS',
  'GIT_EXEC_PATH',
  'GIT_TRACE',
] as const;

/** Variables we set ourselves on some calls. */
const OWN = ['GIT_INDEX_FILE', 'GIT_TERMINAL_PROMPT', 'GIT_OPTIONAL_LOCKS', 'GIT_MERGE_AUTOEDIT', 'LC_ALL'] as const;

/** Never handed to git: we never want an editor or a pager to start (every call is non-interactive). */
const DROPPED = new Set(['EDITOR', 'VISUAL', 'PAGER', 'SSH_ASKPASS', 'PREFIX']);

function environment(extra: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined) continue;
    if (key.startsWith('GIT_') && !(PASS_THROUGH as readonly string[]).includes(key)) continue;
    if (DROPPED.has(key.toUpperCase())) continue;
    env[key] = value;
  }
  env.GIT_TERMINAL_PROMPT = '0';
  env.GIT_MERGE_AUTOEDIT = 'no';
  env.LC_ALL = 'C';
  return { ...env, ...extra };
}

/** Loaded on first use: the CLI's lock and context commands never start git, and skipping the
 * module keeps their start-up short (they run before every agent edit). */
let simpleGitModule: Promise<typeof import('simple-git')> | null = null;

export async function git(args: readonly string[], call: GitCall): Promise<GitOutput> {
  const { simpleGit } = await (simpleGitModule ??= import('simple-git'));
  let exit: GitExit | undefined;
  const options: Partial<SimpleGitOptions> = {
    baseDir: call.cwd,
    allowEnvironment: [...PASS_THROUGH, ...OWN],
    // simple-git guards against untrusted callers; these variables come from the user's own
    // environment (identity, config files, ssh), which is exactly what git should see.
    unsafe: {
      allowUnsafeConfigPaths: true,
      allowUnsafeSshCommand: true,
      allowUnsafeAskPass: true,
      allowUnsafeExec: true,
    },
    errors: (error, result) => {
      if (result.exitCode === 0) return undefined;
      exit = {
        exitCode: result.exitCode,
        stdout: Buffer.concat(result.stdOut).toString('utf8'),
        stderr: Buffer.concat(result.stdErr).toString('utf8'),
      };
      return error ?? Buffer.concat(result.stdErr);
    },
  };
  if (call.input !== undefined) {
    const input = call.input;
    options.input = () => input;
  }
  if (call.timeoutMs) options.timeout = { block: call.timeoutMs };
  let stdout: string;
  try {
    stdout = await simpleGit(options).env(environment(call.env)).raw([...args]);
  } catch (err) {
    if (exit) {
      if (call.okExitCodes?.includes(exit.exitCode)) {
        return { stdout: exit.stdout, stderr: exit.stderr, exitCode: exit.exitCode };
      }
      const said = exit.stderr.trim() || exit.stdout.trim() || `exit status ${exit.exitCode}`;
      throw new CouncilError('git-failed', `git ${args[0] ?? ''} failed: ${said}`, {
        args: [...args],
        exitCode: exit.exitCode,
        stderr: exit.stderr,
      });
    }
    const message = err instanceof Error ? err.message : String(err);
    if (/ENOENT|spawn git/i.test(message)) {
      throw new CouncilError('internal', 'git was not found on PATH: install git 2.38 or newer');
    }
    throw new CouncilError('git-failed', `git ${args[0] ?? ''} failed: ${message}`, { args: [...args] });
  }
  return { stdout, stderr: '', exitCode: 0 };
}
