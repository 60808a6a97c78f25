import { spawn } from 'node:child_process';
import type { Session } from '../../../shared/models';
import { councilCommand } from '../agents/council-command';
import { AUTHORITY_ENV } from '../agents/hooks/authority-client';

/**
 * A remote session's hook answered at home (issue 17): the home runs `council hook <kind>` exactly
 * as a local agent's CLI would — the home's own CLI, in the session's folder at home (its mirror),
 * with COUNCIL_SESSION_ID — fed the host's payload with the host's worktree path read as the
 * home's, and sends back its stdout (home paths written back as the host's) and exit status. So
 * every hook that only reads and tells (the digest of the peers, the mid-turn conflict notice) is
 * the local hook itself, word for word, reading the home's shared state; nothing per hook here.
 *
 * Only the hooks in HOME_HOOKS are run this way: the lock hook and the status hooks are decided in
 * this process (hosts/authority.ts), and a hook that changes files (post-tool's shell guard) would
 * change the home's mirror, not the host's worktree.
 */

export const HOME_HOOKS: ReadonlySet<string> = new Set(['digest', 'notice']);

/** The home's hook may take this long (its own deadline is shorter: it gives up first). */
const HOME_HOOK_LIMIT_MS = 7_000;

export interface HookAnswer {
  /** The hook's exit status at home (null: it did not end by itself in time). */
  code: number | null;
  stdout: string;
  /** What it said on stderr (its COUNCIL_HOOK_DEBUG=1 reasons, for the host's own debug output). */
  stderr?: string;
  /** Why the hook was not run (nothing on stdout then). */
  error?: string;
}

/** `text` with every occurrence of the folder `from` (as a whole path) written as `to`. */
export function swapRoot(text: string, from: string, to: string): string {
  if (!from || !text.includes(from)) return text;
  const escaped = from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return text.replace(new RegExp(`${escaped}(?=/|$|[^A-Za-z0-9._-])`, 'g'), to);
}

/**
 * The payload with its `cwd` set to the session's folder at home: the hook opens the repository
 * there, so a host cannot point it at another folder of the home's. Not JSON: as it is (the hook
 * then fails open).
 */
function pinnedInput(stdin: string, worktree: string): string {
  try {
    const payload = JSON.parse(stdin) as unknown;
    if (!payload || typeof payload !== 'object' || Array.isArray(payload)) return stdin;
    return JSON.stringify({ ...(payload as Record<string, unknown>), cwd: worktree });
  } catch {
    return stdin;
  }
}

export function runHookAtHome(session: Session, hook: string, agent: string, stdin: string): Promise<HookAnswer> {
  const place = session.host;
  if (!place) return Promise.resolve({ code: null, stdout: '', error: `session ${session.id} is not a remote session` });
  if (!HOME_HOOKS.has(hook)) return Promise.resolve({ code: null, stdout: '', error: `home does not run the ${JSON.stringify(hook)} hook for a host` });
  let council: ReturnType<typeof councilCommand>;
  try {
    council = councilCommand();
  } catch (err) {
    return Promise.resolve({ code: null, stdout: '', error: (err as Error).message });
  }
  const [program, ...pre] = council.argv as [string, ...string[]];
  const env: NodeJS.ProcessEnv = { ...process.env, ...council.env, COUNCIL_SESSION_ID: session.id, COUNCIL_HOOK_DEBUG: '1' };
  delete env[AUTHORITY_ENV];
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let settled = false;
    const done = (answer: HookAnswer): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(answer);
    };
    const child = spawn(program, [...pre, 'hook', hook, '--agent', agent], { cwd: session.worktreePath, env, stdio: ['pipe', 'pipe', 'pipe'] });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      done({ code: null, stdout: '', error: `the ${hook} hook did not end within ${HOME_HOOK_LIMIT_MS} ms at home` });
    }, HOME_HOOK_LIMIT_MS);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.on('error', (err) => done({ code: null, stdout: '', error: err.message }));
    child.on('close', (code) => done({ code, stdout: swapRoot(stdout, session.worktreePath, place.path), ...(stderr ? { stderr: swapRoot(stderr, session.worktreePath, place.path) } : {}) }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(pinnedInput(swapRoot(stdin, place.path, session.worktreePath), session.worktreePath));
  });
}
