import path from 'node:path';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import * as z from 'zod/mini';
import { CONTEXT_STATUSES } from '../../shared/models';
import type { CommandInput, CommandName, CommandOutput } from '../../shared/contract';
import { CouncilError } from '../core/errors';
import { coreCaller, type Call } from './core-call';
import { COUNCIL_VERSION } from './version';

/**
 * `council mcp`: the council inside an agent (issue 15). A stdio MCP server (the official SDK)
 * started for one session by the agent's CLI; each tool is a thin face over one contract command
 * (shared/commands/council.ts, locks, context), called through the CLI's front door
 * (core-call.ts: the real dispatch(), validated, run by the core's handlers) and seen from that
 * session: `peers` is its peers, `claim_files` claims for it, `send_message` sends as it.
 *
 * Nothing here decides anything: a refusal is the core's, word for word (a claim refused reads as
 * the pre-edit hook's denial). A tool's failure is a tool result flagged as an error, whose text is
 * the core's message; the server itself keeps running. Locks are still enforced by the pre-edit
 * hook whether or not this server runs (fail closed where it matters: tests/mcp/).
 *
 * The tool descriptions are written for a model: what it gets, and when to use it.
 */

export interface McpOptions {
  /** The repository (any folder of it; absolute). */
  repo: string;
  /** The session the tools act for (an id or a unique prefix). */
  session: string;
  call?: Call;
}

type ToolResult = { content: { type: 'text'; text: string }[]; isError?: boolean };

const text = (value: string): ToolResult => ({ content: [{ type: 'text', text: value }] });
// Compact JSON: a model reads it as well, and 100 peers indented were 40 kB per call.
const json = (summary: string, value: unknown): ToolResult => text(`${summary}\n${JSON.stringify(value)}`);

const described = <T extends z.ZodMiniType>(schema: T, description: string): T => schema.check(z.describe(description)) as T;
const filePath = (what: string) => described(z.string().check(z.minLength(1), z.maxLength(4096)), what);

/** The tools: name, description for the model, input shape, and the contract call behind it. */
export function registerTools(server: McpServer, repo: string, session: string, call: Call): void {
  const run = async <C extends CommandName>(command: C, input: CommandInput<C>, render: (value: CommandOutput<C>) => ToolResult): Promise<ToolResult> => {
    try {
      return render(await call(command, input));
    } catch (err) {
      // The core's own words: a refused claim reads exactly as the pre-edit hook's denial.
      return { content: [{ type: 'text', text: err instanceof Error ? err.message : String(err) }], isError: true };
    }
  };

  server.registerTool(
    'peers',
    {
      description:
        'See the other coding agents working in this repository right now, each in its own session: agent, task, status, the file it is on, the files it changed and the files it has locked, and the merge conflicts predicted between you and them. Use it before starting a piece of work or touching shared files, to avoid stepping on another agent.',
      inputSchema: {},
      annotations: { readOnlyHint: true },
    },
    () =>
      run('council.peers', { repo, id: session }, (v) => {
        const conflicting = v.conflicts.filter((c) => c.files.some((f) => f.kind !== 'overlap'));
        return json(`You are session ${v.self.sessionId}. ${v.peers.length} other session(s); ${conflicting.length} predicted conflict(s) with you${v.radar ? ` (radar of ${v.radar.computedAt})` : ' (the conflict radar has not run yet: call my_conflicts)'}.`, v);
      }),
  );

  server.registerTool(
    'my_conflicts',
    {
      description:
        'Compute now which of your changes would conflict with another session or with the base branch if merged: each file, the kind of conflict, and both sides\' lines where they clash. Use it when you are about to finish, after large edits, or when peers shows a conflict, then coordinate with that session (send_message) or change your approach.',
      inputSchema: {},
      annotations: { readOnlyHint: true },
    },
    () =>
      run('council.conflicts', { repo, id: session }, (v) => {
        const n = v.conflicts.filter((c) => c.files.some((f) => f.kind !== 'overlap')).length;
        return json(n === 0 ? 'No predicted conflicts with you.' : `${n} side(s) would conflict with you.`, v);
      }),
  );

  server.registerTool(
    'claim_files',
    {
      description:
        'Lock files for yourself before editing them, so no other agent edits them meanwhile (all or none). If another session holds one, nothing is locked and you are told who holds it: work on something else or message them. Your edits lock files anyway; claim ahead when you plan a change across several files.',
      inputSchema: { paths: described(z.array(filePath('a file path, relative to your working directory or absolute')).check(z.minLength(1), z.maxLength(100)), 'the files to lock') },
    },
    ({ paths }) => run('council.claim', { repo, id: session, paths }, (v) => json(`Locked for you: ${v.claimed.map((l) => l.path).join(', ')}.`, v)),
  );

  server.registerTool(
    'release_file',
    {
      description: 'Give back your lock on a file when you are done with it, so another agent waiting for it can edit it.',
      inputSchema: { path: filePath('the file, relative to your working directory or absolute') },
    },
    ({ path }) =>
      run('locks.release', { repo, id: session, path, cwd: process.cwd() }, (v) => text(v.released ? `Released ${v.path}.` : `You held no lock on ${v.path}.`)),
  );

  server.registerTool(
    'who_owns',
    {
      description: 'Ask which session holds the lock on a file (and so is editing it), before you edit it or when an edit of yours was refused.',
      inputSchema: { path: filePath('the file, relative to your working directory or absolute') },
      annotations: { readOnlyHint: true },
    },
    ({ path }) =>
      run('locks.who', { repo, path, cwd: process.cwd() }, (v) => (v === null ? text(`Nobody holds ${path}: it is free.`) : json(`${v.path} is locked by session ${v.sessionId}${v.sessionId === session ? ' (you)' : ''} since ${v.acquiredAt}.`, v))),
  );

  server.registerTool(
    'send_message',
    {
      description:
        'Send a short message to another session\'s agent (by its session id), to every other session ("all"), or to the person supervising ("supervisor"). Use it to coordinate: ask for a file you need, say what you are changing in a shared file, or ask the person for a decision. The other agent gets it in its terminal, or at its next turn.',
      inputSchema: {
        to: described(z.string().check(z.minLength(1), z.maxLength(16)), 'a session id (from peers), "all", or "supervisor"'),
        text: described(z.string().check(z.minLength(1), z.maxLength(8000)), 'the message'),
      },
    },
    ({ to, text: body }) =>
      run('council.send', { repo, from: session, to, text: body }, (v) => json(`Sent to ${v.message.to}: ${v.deliveries.map((d) => `${d.sessionId} ${d.delivered}`).join(', ')}.`, v)),
  );

  server.registerTool(
    'read_inbox',
    {
      description: 'Read the messages other sessions and the person supervising sent you. Check it when you start, between steps of a long task, and when told you have messages.',
      inputSchema: {},
    },
    () => run('council.inbox', { repo, id: session }, (v) => json(v.unread === 0 ? 'No new messages.' : `${v.unread} new message(s).`, v.messages.slice(-20))),
  );

  server.registerTool(
    'set_status',
    {
      description:
        'Tell the person supervising and the other agents where you stand: your status, how far along you are, a one-line message, the file you are on. Use it when you start, get blocked, need input, or finish.',
      inputSchema: {
        status: z.optional(described(z.enum(CONTEXT_STATUSES), 'working, needs-input, blocked, idle, done or failed')),
        progress: z.optional(described(z.string().check(z.maxLength(2000)), 'how far along, e.g. "3/5 tests pass"')),
        message: z.optional(described(z.string().check(z.maxLength(2000)), 'one line on what you are doing or need')),
        currentFile: z.optional(filePath('the file you are working on')),
      },
    },
    ({ status, progress, message, currentFile }) =>
      run('context.update', { repo, id: session, status, progress, message, currentFile: currentFile === undefined ? undefined : absolute(currentFile) }, (v) =>
        json(`Status: ${v.status}${v.progress ? `, ${v.progress}` : ''}${v.message ? ` — ${v.message}` : ''}.`, v),
      ),
  );

  server.registerTool(
    'my_merge',
    {
      description: 'See your session\'s place in the merge queue: whether it is queued, being merged, merged or parked, why it parked (conflicting files, a failed check), and how many are ahead of you.',
      inputSchema: {},
      annotations: { readOnlyHint: true },
    },
    () =>
      run('council.merge', { repo, id: session }, (v) =>
        json(v.entry === null ? 'Your session is not in the merge queue.' : `Your merge is ${v.entry.state}${v.place !== null ? `, ${v.place} ahead of you` : ''}${v.entry.reason ? `: ${v.entry.reason}` : ''}.`, v),
      ),
  );
}

/** A path the agent gave, made absolute from its working directory (the contract's are the repository's). */
function absolute(file: string): string {
  return path.resolve(process.cwd(), file);
}

/** Runs the server on stdin/stdout until the client goes away. Refuses an unknown session first. */
export async function runMcpServer(options: McpOptions): Promise<void> {
  const call = options.call ?? coreCaller();
  // The session must exist now: an agent given a server for no session would get errors on every call.
  const [context] = await call('context.show', { repo: options.repo, id: options.session });
  if (!context) throw new CouncilError('not-found', `no session ${options.session}`);
  const server = new McpServer({ name: 'council', version: COUNCIL_VERSION }, { instructions: instructionsFor(context.sessionId) });
  registerTools(server, options.repo, context.sessionId, call);
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    process.stdin.once('end', () => resolve());
  });
  await server.connect(transport);
  await closed;
}

function instructionsFor(sessionId: string): string {
  return `You are session ${sessionId}, one of several coding agents working in parallel on this repository, each in its own git worktree. These tools show what the others do (peers), which files are taken (who_owns, claim_files), predicted merge conflicts (my_conflicts), and let you message them (send_message, read_inbox). An edit of a file another session holds is refused.`;
}
