import path from 'node:path';
import type { Command } from 'commander';
import type * as z from 'zod/mini';
import type { lockCommands as lockSpecs } from '../../shared/commands/locks';
import { lockChecks } from '../../shared/commands/lock-checks';
import type { FileLock } from '../../shared/models';
import { lockHandlers } from '../core/handlers/locks';
import { openLockScopeAt } from '../core/locks/repo-locks';
import { callIn, type CheckedDomain } from './call-in';
import type { CommandInput } from '../../shared/contract';
import type { Door } from './core-call';
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

export type LockCommandName = keyof typeof lockSpecs;

/** The one call into the contract a lock verb makes (the full CLI's front door, or the lean one). */
export type LockCaller = <C extends LockCommandName>(command: C, input: z.input<(typeof lockSpecs)[C]['input']>) => Promise<z.output<(typeof lockSpecs)[C]['output']>>;

/** One call: where its answer goes, the repository (absolute), and the way into the contract. */
export interface LockCall {
  out: Output;
  repo: string;
  call: LockCaller;
}

/** A verb's own arguments, as typed on the command line. */
export interface LockArgs {
  path?: string;
  session?: string;
  timeout?: string;
}

export type LockVerb = 'acquire' | 'release' | 'release-all' | 'who' | 'list';

let leanHandlers: ReturnType<typeof lockHandlers> | null = null;
/** The lock domain as the lean entry calls it: zod-free checks first, the zod schemas to word a refusal. */
const lockDomain: CheckedDomain<typeof lockSpecs> = {
  checks: lockChecks,
  specs: async () => (await import('../../shared/commands/locks')).lockCommands,
};
/** The lean way in (electron/cli/hot.ts): the lock domain's commands and handlers, nothing else. */
export const leanLockCaller: LockCaller = (command, input) => callIn(lockDomain, (leanHandlers ??= lockHandlers(openLockScopeAt)), command, input);
/** The contract names a repository by an absolute path; a relative --repo is relative to here. */
export const lockRepo = (repo: string | undefined): string => path.resolve(repoStart(repo));
const fileOf = (a: LockArgs): string => a.path ?? '';

export const LOCK_VERBS: Record<LockVerb, (c: LockCall, a: LockArgs) => Promise<void>> = {
  async acquire(c, a) {
    const id = requireSession(a.session);
    const timeoutMs = parseSeconds(a.timeout ?? '0', '--timeout');
    const lock: FileLock = await c.call('locks.acquire', { repo: c.repo, id, path: fileOf(a), timeoutMs, cwd: process.cwd() });
    c.out.done(lock, () => `locked ${lock.path} for session ${lock.sessionId}`);
  },
  async release(c, a) {
    const id = requireSession(a.session);
    const result = await c.call('locks.release', { repo: c.repo, id, path: fileOf(a), cwd: process.cwd() });
    c.out.done(result, () => (result.released ? `released ${result.path}` : `${result.path} was not locked`));
  },
  async 'release-all'(c, a) {
    const id = requireSession(a.session);
    const released = await c.call('locks.releaseAll', { repo: c.repo, id });
    c.out.done(released, () => (released.length ? `released ${released.join(', ')}` : 'no locks held'));
  },
  async who(c, a) {
    const owner = await c.call('locks.who', { repo: c.repo, path: fileOf(a), cwd: process.cwd() });
    c.out.done(owner, () => (owner ? `${owner.path} is locked by session ${owner.sessionId} since ${owner.acquiredAt}` : `${fileOf(a)} is not locked`));
  },
  async list(c) {
    const locks = await c.call('locks.list', { repo: c.repo });
    c.out.done(locks, () => (locks.length ? table(['PATH', 'SESSION', 'SINCE'], locks.map((l) => [l.path, l.sessionId, ago(l.acquiredAt)])) : 'no locks'));
  },
};

/** The lock verbs in the full CLI's command tree (help, usage errors and every spelling of their options). */
export function lockCommands(program: Command, door: Door): void {
  const lock = program.command('lock').description("per-file locks: a session's checkout of a file");
  const sessionOption = () => lock.createOption('-s, --session <id>', 'session id or a unique prefix of it (default: $COUNCIL_SESSION_ID)').env('COUNCIL_SESSION_ID');
  const verb = (name: LockVerb, takesPath: boolean) =>
    door(async (face, ...args) => {
      const opts = args[takesPath ? 1 : 0] as { session?: string; timeout?: string };
      const call: LockCaller = (command, input) => face.call(command, input as CommandInput<typeof command>);
      await LOCK_VERBS[name]({ out: face.out, repo: face.repo(), call }, { ...opts, path: takesPath ? String(args[0]) : undefined });
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
