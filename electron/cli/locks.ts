import path from 'node:path';
import type { Command } from 'commander';
import type * as z from 'zod/mini';
import { lockCommands as lockSpecs } from '../../shared/commands/locks';
import type { FileLock } from '../../shared/models';
import { lockHandlers } from '../core/handlers/locks';
import { openLockScopeAt } from '../core/locks/repo-locks';
import { callIn } from './call-in';
import type { Run } from './commands';
import { parseSeconds } from './duration';
import { repoStart, requireSession } from './inputs';
import { ago, table, type Output } from './output';

/**
 * `council lock acquire|release|release-all|who|list`: each verb is parse → one contract command
 * of the lock domain (shared/commands/locks.ts, through dispatchIn and the domain's handlers) →
 * render its Result. Both ways in share the verbs below: the full CLI (commander, `lockCommands`)
 * and the lean hot entry (electron/cli/hot.ts, no commander), which runs the common spellings
 * before every agent edit. This module imports commander's types only.
 */

/** One call: where its answer goes, and `--repo` as given (undefined: this folder). */
export interface LockCall {
  out: Output;
  repo: string | undefined;
}

/** A verb's own arguments, as typed on the command line. */
export interface LockArgs {
  path?: string;
  session?: string;
  timeout?: string;
}

export type LockVerb = 'acquire' | 'release' | 'release-all' | 'who' | 'list';

const handlers = lockHandlers(openLockScopeAt);
const call = <C extends keyof typeof lockSpecs>(command: C, input: z.input<(typeof lockSpecs)[C]['input']>) => callIn(lockSpecs, handlers, command, input);
/** The contract names a repository by an absolute path; a relative --repo is relative to here. */
const repoOf = (c: LockCall): string => path.resolve(repoStart(c.repo));
const fileOf = (a: LockArgs): string => a.path ?? '';

export const LOCK_VERBS: Record<LockVerb, (c: LockCall, a: LockArgs) => Promise<void>> = {
  async acquire(c, a) {
    const id = requireSession(a.session);
    const timeoutMs = parseSeconds(a.timeout ?? '0', '--timeout');
    const lock: FileLock = await call('locks.acquire', { repo: repoOf(c), id, path: fileOf(a), timeoutMs, cwd: process.cwd() });
    c.out.done(lock, () => `locked ${lock.path} for session ${lock.sessionId}`);
  },
  async release(c, a) {
    const id = requireSession(a.session);
    const result = await call('locks.release', { repo: repoOf(c), id, path: fileOf(a), cwd: process.cwd() });
    c.out.done(result, () => (result.released ? `released ${result.path}` : `${result.path} was not locked`));
  },
  async 'release-all'(c, a) {
    const id = requireSession(a.session);
    const released = await call('locks.releaseAll', { repo: repoOf(c), id });
    c.out.done(released, () => (released.length ? `released ${released.join(', ')}` : 'no locks held'));
  },
  async who(c, a) {
    const owner = await call('locks.who', { repo: repoOf(c), path: fileOf(a), cwd: process.cwd() });
    c.out.done(owner, () => (owner ? `${owner.path} is locked by session ${owner.sessionId} since ${owner.acquiredAt}` : `${fileOf(a)} is not locked`));
  },
  async list(c) {
    const locks = await call('locks.list', { repo: repoOf(c) });
    c.out.done(locks, () => (locks.length ? table(['PATH', 'SESSION', 'SINCE'], locks.map((l) => [l.path, l.sessionId, ago(l.acquiredAt)])) : 'no locks'));
  },
};

/** The lock verbs in the full CLI's command tree (help, usage errors and every spelling of their options). */
export function lockCommands(program: Command, run: Run): void {
  const lock = program.command('lock').description("per-file locks: a session's checkout of a file");
  const sessionOption = () => lock.createOption('-s, --session <id>', 'session id or a unique prefix of it (default: $COUNCIL_SESSION_ID)').env('COUNCIL_SESSION_ID');
  const verb = (name: LockVerb, takesPath: boolean) =>
    run(async (out, _council, ...args) => {
      const opts = args[takesPath ? 1 : 0] as { session?: string; timeout?: string };
      await LOCK_VERBS[name]({ out, repo: program.opts<{ repo?: string }>().repo }, { ...opts, path: takesPath ? String(args[0]) : undefined });
    });

  lock
    .command('acquire')
    .description('lock a file for a session; when it is held by another session, say who (exit 3)')
    .argument('<path>', 'file path (relative to here, or absolute, in the repo or any session worktree)')
    .addOption(sessionOption())
    .option('--timeout <seconds>', 'wait up to this long for the holder to release it', '0')
    .action(verb('acquire', true));

  lock.command('release').description("release a session's lock on a file").argument('<path>', 'file path').addOption(sessionOption()).action(verb('release', true));

  lock.command('release-all').description('release every lock a session holds').addOption(sessionOption()).action(verb('release-all', false));

  lock.command('list').description('every lock in the repository').action(verb('list', false));

  lock.command('who').description('who holds a file').argument('<path>', 'file path').action(verb('who', true));
}
