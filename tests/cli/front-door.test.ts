import type { Command } from 'commander';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { COMMAND_NAMES, type CommandName } from '../../shared/contract';
import { buildProgram } from '../../electron/cli/main';
import { PLUMBING_VERBS } from '../../electron/cli/plumbing';
import type { HandlerTable } from '../../electron/core/dispatch';
import { CouncilError } from '../../electron/core/errors';
import { makeRepo } from '../helpers/repo';

/**
 * Issue 13, item 1: one front door. Every leaf verb of the `council` command tree is either local
 * plumbing (named, with why, in electron/cli/plumbing.ts) or a face over exactly one contract
 * command: run against a recording handler table (in place of the core's), each verb dispatches
 * that one command and nothing else. A verb added without either fails here.
 */

/** A valid command line for each verb, and the one contract command it must dispatch. */
const FACES: Record<string, { argv: string[]; command: CommandName }> = {
  'session create': { argv: ['--task', 'a task'], command: 'sessions.launch' },
  'session list': { argv: [], command: 'sessions.list' },
  'session removed': { argv: [], command: 'sessions.removed' },
  'session show': { argv: ['abc123'], command: 'sessions.show' },
  'session commit': { argv: ['abc123', '-m', 'a message'], command: 'sessions.commit' },
  'session discard': { argv: ['abc123', 'src/a.ts', '--hunk', '2'], command: 'sessions.discard' },
  'session update': { argv: ['abc123', '--rebase'], command: 'sessions.updateFromBase' },
  'session open': { argv: ['abc123', '--terminal'], command: 'sessions.open' },
  'session remove': { argv: ['abc123', '--force'], command: 'sessions.remove' },
  'session cleanup': { argv: ['--older-than', '2h'], command: 'sessions.cleanup' },
  'session reconcile': { argv: [], command: 'sessions.reconcile' },
  'session stop': { argv: ['abc123'], command: 'agent.stop' },
  'session logs': { argv: ['abc123'], command: 'agent.log' },
  send: { argv: ['abc123', '-m', 'and add tests'], command: 'council.send' },
  messages: { argv: ['abc123', '--limit', '20'], command: 'council.messages' },
  agents: { argv: [], command: 'agents.list' },
  run: { argv: ['--agent', 'claude', '--task', 'a task', '--count', '2'], command: 'sessions.launch' },
  'context update': { argv: ['--session', 'abc123', '--status', 'working', '--file', 'src/a.ts'], command: 'context.update' },
  'context show': { argv: [], command: 'context.show' },
  'context blocked': { argv: ['--session', 'abc123', '--reason', 'waiting'], command: 'context.blocked' },
  status: { argv: [], command: 'status.get' },
  merge: { argv: ['abc123', '--strategy', 'squash'], command: 'queue.merge' },
  'queue list': { argv: [], command: 'queue.list' },
  'queue remove': { argv: ['abcdef12'], command: 'queue.remove' },
  'queue retry': { argv: ['abcdef12'], command: 'queue.retry' },
  'queue move': { argv: ['abcdef12', '0'], command: 'queue.move' },
  'queue log': { argv: ['abcdef12'], command: 'queue.gateLog' },
  conflicts: { argv: ['--base', 'main'], command: 'radar.get' },
  'digest on': { argv: ['abc123'], command: 'digest.set' },
  'digest off': { argv: ['abc123'], command: 'digest.set' },
  'digest show': { argv: ['abc123'], command: 'digest.set' },
  'settings list': { argv: [], command: 'settings.list' },
  'settings get': { argv: ['concurrency'], command: 'settings.key' },
  'settings set': { argv: ['concurrency', '4'], command: 'settings.change' },
  'settings unset': { argv: ['concurrency'], command: 'settings.change' },
  // The lean entry (electron/cli/hot.ts) runs the same verbs of cli/locks.ts with the lock domain
  // alone; tests/cli/hot-entry.test.ts holds it to the full CLI's answers.
  'lock acquire': { argv: ['README.md', '--session', 'abc123'], command: 'locks.acquire' },
  'lock release': { argv: ['README.md', '--session', 'abc123'], command: 'locks.release' },
  'lock release-all': { argv: ['--session', 'abc123'], command: 'locks.releaseAll' },
  'lock list': { argv: [], command: 'locks.list' },
  'lock who': { argv: ['README.md'], command: 'locks.who' },
  'review show': { argv: ['abc123'], command: 'review.get' },
  'review comment': { argv: ['abc123', 'src/a.ts:3-5', '-m', 'rename this'], command: 'review.comment' },
  'review send': { argv: ['abc123', '-m', 'a summary'], command: 'review.requestChanges' },
  'review approve': { argv: ['abc123', '--merge'], command: 'review.approve' },
  'review resolve': { argv: ['abc123', 'c1'], command: 'review.resolve' },
  'review delete': { argv: ['abc123', 'c1'], command: 'review.deleteComment' },
  'host add': { argv: ['build-box'], command: 'host.add' },
  'host list': { argv: [], command: 'host.list' },
  'host check': { argv: ['build-box'], command: 'host.check' },
  'host remove': { argv: ['build-box', '--forget'], command: 'host.remove' },
};

function leaves(command: Command, prefix: string[] = []): string[] {
  return command.commands.flatMap((sub) => {
    const here = [...prefix, sub.name()];
    return sub.commands.length > 0 ? leaves(sub, here) : [here.join(' ')];
  });
}

const LEAVES = leaves(buildProgram());

/** Every handler records that it was called, then refuses (what a verb renders of it does not matter here). */
function recordingTable(calls: string[]): HandlerTable {
  return Object.fromEntries(
    COMMAND_NAMES.map((name) => [
      name,
      () => {
        calls.push(name);
        throw new CouncilError('internal', 'recorded');
      },
    ]),
  ) as HandlerTable;
}

let repo: string;
beforeAll(() => {
  repo = makeRepo().root;
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** Runs one verb in this process against the recording table; returns what it dispatched. */
async function dispatchedBy(verb: string, argv: string[]): Promise<{ calls: string[]; exit: number | null }> {
  const calls: string[] = [];
  let exit: number | null = null;
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  const program = buildProgram((code) => (exit = code), { handlers: async () => recordingTable(calls) });
  await program.parseAsync(['--repo', repo, ...verb.split(' '), ...argv], { from: 'user' });
  vi.restoreAllMocks();
  return { calls, exit };
}

describe('the CLI has one front door', () => {
  it('every leaf verb is plumbing (with a reason) or a face over a contract command, and every name in the lists is a verb', () => {
    const unaccounted = LEAVES.filter((verb) => !(verb in PLUMBING_VERBS) && !(verb in FACES));
    expect(unaccounted).toEqual([]);
    for (const name of [...Object.keys(PLUMBING_VERBS), ...Object.keys(FACES)]) expect(LEAVES, name).toContain(name);
    for (const [verb, reason] of Object.entries(PLUMBING_VERBS)) expect(reason.length, verb).toBeGreaterThan(20);
    for (const { command } of Object.values(FACES)) expect(COMMAND_NAMES).toContain(command);
  });

  for (const [verb, { argv, command }] of Object.entries(FACES)) {
    it(`council ${verb} dispatches ${command}, once, and nothing else`, async () => {
      const { calls, exit } = await dispatchedBy(verb, argv);
      expect(calls).toEqual([command]);
      // The recorded refusal came back through dispatch() as the typed error every face gets.
      expect(exit).toBe(1);
    });
  }
});
