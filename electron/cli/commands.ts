import path from 'node:path';
import { Command, Option } from 'commander';
import { CONTEXT_STATUSES, type ContextStatus, type SessionContextView } from '../../shared/models';
import type { Session } from '../../shared/models';
import { baseOption, createWithAgent } from './agents';
import { predictedLine } from './conflicts';
import { invalidInput } from '../core/errors';
import type { Door } from './core-call';
import { cleanupText } from './cleanup-text';
import { parseDuration } from './duration';
import { requireSession } from './inputs';
import { ago, table } from './output';

export interface GlobalOptions {
  repo?: string;
  json?: boolean;
}

const sessionOption = (): Option =>
  new Option('-s, --session <id>', 'session id or a unique prefix of it (default: $COUNCIL_SESSION_ID)').env('COUNCIL_SESSION_ID');

/** A file named on the command line is relative to where the command runs. */
const fromHere = (file: string | undefined): string | undefined => (file ? path.resolve(file) : file);

const statusList = CONTEXT_STATUSES.join('|');

function contextLines(c: SessionContextView): string {
  const lines = [
    `session   ${c.sessionId}${c.agent ? ` (${c.agent})` : ''}`,
    `task      ${c.task}`,
    `status    ${c.status}${c.stale ? ' (stale: no update for a while)' : ''}  updated ${ago(c.updatedAt)}`,
  ];
  if (c.currentFile) lines.push(`file      ${c.currentFile}`);
  if (c.progress) lines.push(`progress  ${c.progress}`);
  if (c.message && !(c.status === 'blocked' && c.message === c.blockedReason)) lines.push(`message   ${c.message}`);
  if (c.status === 'blocked') lines.push(`blocked   ${c.blockedReason ?? ''}${c.blockedOn ? ` (on ${c.blockedOn})` : ''}`);
  if (c.filesLocked.length) lines.push(`locks     ${c.filesLocked.join(', ')}`);
  return lines.join('\n');
}

export const sessionTable = (created: Session[]): string => table(['ID', 'BRANCH', 'WORKTREE'], created.map((s) => [s.id, s.branch, s.worktreePath]));

export function sessionCommands(program: Command, door: Door): Command {
  const session = program.command('session').description('create, inspect and remove sessions (a worktree and a branch each)');

  session
    .command('create')
    .description('create sessions: each gets its own worktree and branch council/<task>-<id>')
    .requiredOption('-t, --task <text>', 'what the session is for')
    .option('-a, --agent <name>', 'the agent preset that works in it, started at once (see `council agents`)')
    .option('-b, --base <branch>', "base branch (default: the main checkout's current branch)")
    .option('-n, --count <n>', 'how many sessions on this task', '1')
    .option('--headless', 'run the agent in the background with structured output (default: interactive, in this terminal)')
    .option('--no-start', 'with --agent: create the sessions but do not start the agent')
    .option('--host <name>', 'make the sessions on a host added with `council host add` (the agent runs there, headless)')
    .action(
      door(async (face, options) => {
        const opts = options as { task: string; agent?: string; base?: string; count: string; headless?: boolean; start: boolean; host?: string };
        const count = Number(opts.count);
        if (!/^\d+$/.test(opts.count)) throw invalidInput(`--count must be a whole number, not "${opts.count}"`);
        baseOption(opts.base);
        await createWithAgent(face, { task: opts.task, agent: opts.agent, base: opts.base, count, headless: opts.headless, start: opts.start, host: opts.host });
      }),
    );

  session
    .command('list')
    .description('list sessions')
    .action(
      door(async ({ out, call, repo }) => {
        const cards = await call('sessions.list', { repo: repo() });
        const sessions = cards.map((c) => c.session);
        out.done(sessions, () =>
          sessions.length === 0
            ? 'No sessions yet. Create one with: council session create --task "…"'
            : cards.some((c) => c.session.host)
              ? // Where each runs, once any session is on a host (issue 17).
                table(
                  ['ID', 'STATUS', 'WHERE', 'AGENT', 'BRANCH', 'TASK'],
                  cards.map(({ session: s, context }) => [s.id, s.state === 'ready' ? context.status : s.state, s.host ? `on ${s.host.name}` : 'here', s.agent ?? '-', s.branch, s.task]),
                )
              : table(
                  ['ID', 'STATUS', 'AGENT', 'BRANCH', 'TASK'],
                  cards.map(({ session: s, context }) => [s.id, s.state === 'ready' ? context.status : s.state, s.agent ?? '-', s.branch, s.task]),
                ),
        );
      }),
    );

  session
    .command('removed')
    .description('the sessions removed lately, newest first, and where the work of each was archived')
    .action(
      door(async ({ out, call, repo }) => {
        const removed = await call('sessions.removed', { repo: repo() });
        out.done(removed, () =>
          removed.length === 0
            ? 'No session has been removed.'
            : table(
                ['ID', 'REMOVED', 'ARCHIVED AS', 'TASK'],
                removed.map((r) => [r.id, ago(r.removedAt), r.archivedAs ?? '- (nothing unmerged)', r.task]),
              ),
        );
      }),
    );

  session
    .command('show')
    .description('one session: where it is, its changes against the base, its context and locks')
    .argument('<id>', 'session id or prefix')
    .action(
      door(async ({ out, call, repo }, id) => {
        const value = await call('sessions.show', { repo: repo(), id: String(id) });
        const { session: s, stats, context, update } = value;
        out.done(value, () => {
          const files = `${stats.filesChanged} ${stats.filesChanged === 1 ? 'file' : 'files'}, +${stats.insertions} -${stats.deletions}`;
          const lines = [
            `id        ${s.id}`,
            `branch    ${s.branch} (from ${s.baseBranch})`,
            `worktree  ${s.worktreePath}`,
            // During a conflicted update the worktree holds the base's incoming changes: the counts are the session's own.
            update
              ? `changes   ${stats.ahead} ahead, ${stats.behind} behind; ${files} of its own (what the update brings in not counted)`
              : `changes   ${stats.ahead} ahead, ${stats.behind} behind; ${files}${stats.dirty ? ', uncommitted changes' : ''}`,
          ];
          if (update) {
            lines.push(
              `update    the ${update.strategy} of ${s.baseBranch} stopped on conflicts in ${update.files.length} ${update.files.length === 1 ? 'file' : 'files'}: ${update.files.join(', ')}`,
              `          resolve them in the worktree and commit (council session commit ${s.id} -m "…"), or undo it: council session update ${s.id} --abort`,
            );
          }
          // The update's own mark in the context says the same as the line above: shown once.
          const said = update ? (text: string | null) => text !== null && text.startsWith(`update from ${s.baseBranch}`) : () => false;
          const shown = { ...context, message: said(context.message) ? null : context.message, blockedReason: said(context.blockedReason) ? 'by the conflicted update above' : context.blockedReason };
          lines.push(contextLines(shown).split('\n').slice(1).join('\n'));
          return lines.join('\n');
        });
      }),
    );

  session
    .command('commit')
    .description("commit everything in a session's worktree")
    .argument('<id>', 'session id or prefix')
    .requiredOption('-m, --message <text>', 'commit message')
    .action(
      door(async ({ out, call, repo }, id, opts) => {
        const result = await call('sessions.commit', { repo: repo(), id: String(id), message: (opts as { message: string }).message });
        out.done(result, () => (result.commit ? `committed ${result.files} file(s) as ${result.commit.slice(0, 10)}` : 'nothing to commit'));
      }),
    );

  session
    .command('remove')
    .description('remove a session; refuses when it holds unmerged work, or while its agent runs, unless --force (which stops the agent and archives the work first)')
    .argument('<id>', 'session id or prefix')
    .option('-f, --force', 'remove even with unmerged work or a running agent; the agent is stopped, the work kept under refs/council/archive/')
    .action(
      door(async ({ out, call, repo }, id, opts) => {
        const result = await call('sessions.remove', { repo: repo(), id: String(id), force: Boolean((opts as { force?: boolean }).force) });
        out.done(result, () =>
          [
            `removed session ${result.id} (${result.branch})`,
            result.archivedAs ? `its work is kept at ${result.archivedAs} (${result.archivedCommit?.slice(0, 10)}); restore with: git branch <name> ${result.archivedAs}` : '',
          ]
            .filter(Boolean)
            .join('\n'),
        );
      }),
    );

  session
    .command('cleanup')
    .description('remove idle sessions whose removal loses nothing (no unmerged commits, no uncommitted changes, no locks)')
    .option('--older-than <duration>', 'idle for at least this long, e.g. 30m, 2h, 7d (default: the stale setting)')
    .action(
      door(async ({ out, call, repo }, opts) => {
        const { olderThan } = opts as { olderThan?: string };
        // An empty --older-than is refused by parseDuration, not taken as "use the setting".
        const result = await call('sessions.cleanup', { repo: repo(), ...(olderThan !== undefined ? { olderThanMs: parseDuration(olderThan) } : {}) });
        out.done(result, () => cleanupText(result, olderThan !== undefined ? `--older-than ${olderThan}` : 'the stale setting'));
      }),
    );

  session
    .command('reconcile')
    .description("bring the registry and git's worktree list into agreement (after a crash or manual changes)")
    .action(
      door(async ({ out, call, repo }) => {
        const report = await call('sessions.reconcile', { repo: repo() });
        out.done(report, () => {
          const lines = Object.entries(report)
            .filter(([, ids]) => ids.length > 0)
            .map(([what, ids]) => `${what}: ${ids.join(', ')}`);
          return lines.length ? lines.join('\n') : 'everything agrees';
        });
      }),
    );
  return session;
}

export function contextCommands(program: Command, door: Door): void {
  const context = program.command('context').description('what each session is doing');

  context
    .command('update')
    .description("update a session's context")
    .addOption(sessionOption())
    .addOption(new Option('--status <status>', `one of ${statusList}`).choices(CONTEXT_STATUSES))
    .option('--file <path>', 'the file it is working on')
    .option('--progress <text>', 'how far along, e.g. "3/5 tests pass"')
    .option('--message <text>', 'a short note')
    .action(
      door(async ({ out, call, repo }, opts) => {
        const o = opts as { session?: string; status?: ContextStatus; file?: string; progress?: string; message?: string };
        const updated = await call('context.update', {
          repo: repo(),
          id: requireSession(o.session),
          ...(o.status !== undefined ? { status: o.status } : {}),
          ...(o.file !== undefined ? { currentFile: fromHere(o.file) } : {}),
          ...(o.progress !== undefined ? { progress: o.progress } : {}),
          ...(o.message !== undefined ? { message: o.message } : {}),
        });
        out.done(updated, () => contextLines(updated));
      }),
    );

  context
    .command('show')
    .description('one session, or all')
    .argument('[id]', 'session id or prefix')
    .action(
      door(async ({ out, call, repo }, id) => {
        const views = await call('context.show', { repo: repo(), ...(typeof id === 'string' ? { id } : {}) });
        if (typeof id === 'string') {
          const one = views[0] as SessionContextView;
          out.done(one, () => contextLines(one));
          return;
        }
        out.done(views, () => (views.length ? views.map(contextLines).join('\n\n') : 'no sessions'));
      }),
    );

  context
    .command('blocked')
    .description('mark a session blocked, with the reason')
    .addOption(sessionOption())
    .requiredOption('--reason <text>', 'why it cannot go on')
    .option('--on <path>', 'the file it is waiting for')
    .action(
      door(async ({ out, call, repo }, opts) => {
        const o = opts as { session?: string; reason: string; on?: string };
        const updated = await call('context.blocked', { repo: repo(), id: requireSession(o.session), reason: o.reason, ...(o.on !== undefined ? { on: fromHere(o.on) } : {}) });
        out.done(updated, () => contextLines(updated));
      }),
    );
}

export function statusCommand(program: Command, door: Door): void {
  program
    .command('status')
    .description('summary: sessions by status, files two sessions are on (from their context), and how many merge conflicts the radar predicts')
    .action(
      door(async ({ out, call, repo }) => {
        const { radarFailure, ...value } = await call('status.get', { repo: repo() });
        const { summary, sharedFiles, predictedConflicts, sessions: contexts } = value;
        out.done(value, () => {
          const counts = Object.entries(summary.byStatus)
            .filter(([, n]) => n > 0)
            .map(([s, n]) => `${n} ${s}`)
            .join(', ');
          const lines = [`${summary.total} session${summary.total === 1 ? '' : 's'}${counts ? `: ${counts}` : ''}`];
          if (contexts.length) {
            lines.push(
              '',
              table(
                ['ID', 'STATUS', 'FILE', 'PROGRESS', 'TASK'],
                contexts.map((x) => [x.sessionId, x.status + (x.stale ? '*' : ''), x.currentFile ?? '-', x.progress ?? '-', x.task]),
              ),
            );
          }
          lines.push('', sharedFiles.length ? 'Files two sessions are on (from their context):' : 'Files two sessions are on (from their context): none.');
          for (const f of sharedFiles) lines.push(`  ${f.path}: sessions ${f.sessionIds.join(', ')}${f.lockOwner ? ` (locked by ${f.lockOwner})` : ''}`);
          lines.push(predictedLine(predictedConflicts, radarFailure, predictedConflicts?.base));
          return lines.join('\n');
        });
      }),
    );
}
