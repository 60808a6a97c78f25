import { createHash, randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { CouncilError } from '../../errors';
import { runBriefly, type BriefRun } from '../runner/run-briefly';
import { PRE_TOOL_TIMEOUT_SECONDS } from './command';
import { PROBE_FIELD, probeReason } from './probe';

/**
 * Before an agent whose locks rest on its pre-tool hook starts, its lock hook is run once, through
 * the exact command line the CLI will run (a shell, the agent's environment and folder), with a
 * self-test payload (./probe.ts). Every agent CLI reads a hook that cannot start (no Node, no
 * bundle, a NODE_OPTIONS that breaks Node, a wrapper that answers nothing) as "allow": without this
 * the locks would be silently off for the whole run. The command line's own `|| exit 2` already
 * turns such a hook into a denial of every edit; this turns it into a clear error before the agent
 * starts instead of an agent whose every edit is refused.
 *
 * Cheap: one hook process (~0.1–0.2 s) per distinct command line and environment. A success is
 * remembered as long as the programs on the command line are unchanged (their size, time and inode),
 * so starting 100 sessions' agents probes once; concurrent starts share one probe; a failure is
 * never remembered.
 */

export interface LockHookCheck {
  /** The shell command line the CLI runs before an edit (Launch.lockHook). */
  command: string;
  /** The agent's environment (the hook inherits it). */
  env: Record<string, string>;
  /** The agent's working folder. */
  cwd: string;
  /** Files the command line runs (the council argv: Node, the bundle): a change means probing again. */
  files: readonly string[];
  /** Who is being checked, for the error ("Claude Code (preset claude)"). */
  label: string;
  timeoutMs?: number;
  /** Runs the command line with `input` on stdin somewhere else (a remote session's host); default: here, through sh. */
  runner?: (input: string) => Promise<BriefRun>;
}

/** Per-session variables (sessions/bootstrap.ts, the Gemini preset's home, PWD = the worktree): they change nothing about whether the hook can run. */
const PER_SESSION = new Set(['COUNCIL_SESSION_ID', 'COUNCIL_REPO', 'COUNCIL_WORKTREE', 'COUNCIL_BRANCH', 'PORT', 'GEMINI_CLI_HOME', 'PWD']);

const passed = new Map<string, Promise<void>>();

function fileIdentity(file: string): string {
  try {
    const s = statSync(file);
    return `${file}:${s.ino}:${s.size}:${s.mtimeMs}`;
  } catch {
    return `${file}:missing`;
  }
}

function cacheKey(check: LockHookCheck): string {
  const hash = createHash('sha256');
  hash.update(check.command).update('\0');
  for (const [name, value] of Object.entries(check.env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (!PER_SESSION.has(name)) hash.update(name).update('=').update(value).update('\0');
  }
  for (const file of check.files) hash.update(fileIdentity(file)).update('\0');
  return hash.digest('hex');
}

/** Throws a CouncilError naming what is wrong when the lock hook does not answer its probe. */
export function checkLockHook(check: LockHookCheck): Promise<void> {
  // Run elsewhere (a host): its programs cannot be watched from here, so it is never remembered.
  if (check.runner) return runProbe(check);
  const key = cacheKey(check);
  const known = passed.get(key);
  if (known) return known;
  const probe = runProbe(check).catch((err: unknown) => {
    passed.delete(key);
    throw err;
  });
  passed.set(key, probe);
  return probe;
}

/** Forgets every remembered success (tests). */
export function forgetLockHookChecks(): void {
  passed.clear();
}

/** As the CLIs run hooks: through a shell (sh -c on Unix), in the agent's folder and environment. */
function run(check: LockHookCheck, input: string): Promise<BriefRun> {
  if (check.runner) return check.runner(input);
  return runBriefly(check.command, [], { shell: true, cwd: check.cwd, env: check.env, input, timeoutMs: check.timeoutMs ?? PRE_TOOL_TIMEOUT_SECONDS * 1000 });
}

async function runProbe(check: LockHookCheck): Promise<void> {
  const nonce = randomBytes(12).toString('base64url');
  const reason = probeReason(nonce);
  const result = await run(check, JSON.stringify({ [PROBE_FIELD]: nonce, hook_event_name: 'CouncilProbe', cwd: check.cwd }));
  let answer: unknown;
  try {
    answer = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '');
  } catch {
    answer = null;
  }
  const ok = result.code === 2 && typeof answer === 'object' && answer !== null && (answer as { decision?: unknown }).decision === 'block' && (answer as { reason?: unknown }).reason === reason;
  if (ok) return;

  const what = result.error
    ? `could not be run (${result.error})`
    : result.timedOut
      ? `gave no answer within ${(check.timeoutMs ?? PRE_TOOL_TIMEOUT_SECONDS * 1000) / 1000} s`
      : result.signal
        ? `was killed by ${result.signal}`
        : `exited ${String(result.code)}${result.stdout.trim() ? ` with ${JSON.stringify(result.stdout.trim().slice(0, 200))}` : ' with nothing on stdout'}`;
  const said = result.stderr.trim() ? `; it said: ${gist(result.stderr)}` : '';
  throw new CouncilError(
    'internal',
    `${check.label} was not started: its lock hook does not work, so its edits would not be checked against other sessions' locks. ` +
      `Its hook command (${check.command}) ${what} instead of refusing a self-test edit${said}. ` +
      'Rebuild the council CLI (npm run build:cli), or check that the agent\'s environment (PATH, NODE_OPTIONS) lets it run.',
  );
}

/** The lines of a program's stderr that say what went wrong (Node puts a code excerpt and a stack around them). */
function gist(stderr: string): string {
  const lines = stderr.split('\n').map((line) => line.trim()).filter(Boolean);
  const telling = lines.filter((line) => /error|cannot|not found|denied|refused/i.test(line) && !/^at /.test(line));
  return (telling.length ? telling.slice(0, 3) : lines.slice(-3)).join(' | ').slice(0, 500);
}
