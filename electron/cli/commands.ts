import { Command, Option } from 'commander';
import { CONTEXT_STATUSES, type ContextStatus, type SessionContextView } from '../../shared/models';
import type { Session } from '../../shared/models';
import { createAndBootstrap } from '../core/agents/launch-sessions';
import { AgentManager } from '../core/agents/manager';
import { Council } from '../core/council';
import { RadarService } from '../core/radar/radar';
import { baseOption, createWithAgent } from './agents';
import { predictedCounts, predictedLine, type PredictedCounts } from './conflicts';
import { invalidInput } from '../core/errors';
import { parseDuration } from './duration';
import { requireSession } from './inputs';
import { ago, table, type Output } from './output';

export interface GlobalOptions {
  repo?: string;
  json?: boolean;
}

/** A command's body: the output, a way to open the repository (lazily: `--help` needs none), then
 * what commander passes — positional arguments, then the options object. */
export type Action = (out: Output, council: () => Council, ...args: unknown[]) => Promise<void> | void;
export type Run = (action: Action) => (...args: unknown[]) => Promise<void>;

const sessionOption = (): Option =>
  new Option('-s, --session <id>', 'session id or a unique prefix of it (default: $COUNCIL_SESSION_ID)').env('COUNCIL_SESSION_ID');

const statusList = CONTEXT_STATUSES.join('|');

function contextLines(c: SessionContextView): string {
  const lines = [
    `session   ${c.sessionId}${c.agent ? ` (${c.agent})` : ''}`,
    `task      ${c.task}`,
    `status    ${c.status}${c.stale ? ' (stale: no update for a while)' : ''}  updated ${ago(c.updatedAt)}`,
  ];
  if (c.currentFile) lines.push(`file      ${c.currentFile}`);
  if (c.progress) lines.push(`progress  ${c.progress}`);
  if (c.message) lines.push(`message   ${c.message}`);
  if (c.status === 'blocked') lines.push(`blocked   ${c.blockedReason ?? ''}${c.blockedOn ? ` (on ${c.blockedOn})` : ''}`);
  if (c.filesLocked.length) lines.push(`locks     ${c.filesLocked.join(', ')}`);
  return lines.join('\n');
}

export function sessionCommands(program: Command, run: Run): Command {
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
    .action(
      run(async (out, council, options) => {
        const opts = options as { task: string; agent?: string; base?: string; count: string; headless?: boolean; start: boolean };
        const count = Number(opts.count);
        if (!/^\d+$/.test(opts.count)) throw invalidInput(`--count must be a whole number, not "${opts.count}"`);
        baseOption(opts.base);
        const sessionTable = (created: Session[]): string => table(['ID', 'BRANCH', 'WORKTREE'], created.map((s) => [s.id, s.branch, s.worktreePath]));
        if (!opts.agent || !opts.start) {
          const { sessions: created, setupFailures } = await createAndBootstrap(new AgentManager(council()), { task: opts.task, agent: opts.agent ?? null, base: opts.base, count });
          out.done(created, () => [sessionTable(created), ...setupFailures.values()].join('\n'));
          return;
        }
        const { sessions, note, runs } = await createWithAgent(council(), { task: opts.task, agent: opts.agent, base: opts.base, count, headless: opts.headless });
        out.done({ sessions, runs }, () => [sessionTable(sessions), note].filter(Boolean).join('\n'));
      }),
    );

  session
    .command('list')
    .description('list sessions')
    .action(
      run((out, council) => {
        const c = council();
        const sessions = c.listSessions();
        const contexts = new Map(c.context.all().map((x) => [x.sessionId, x]));
        out.done(sessions, () =>
          sessions.length === 0
            ? 'No sessions yet. Create one with: council session create --task "…"'
            : table(
                ['ID', 'STATUS', 'AGENT', 'BRANCH', 'TASK'],
                sessions.map((s) => [s.id, s.state === 'ready' ? (contexts.get(s.id)?.status ?? '-') : s.state, s.agent ?? '-', s.branch, s.task]),
              ),
        );
      }),
    );

  session
    .command('show')
    .description('one session: where it is, its changes against the base, its context and locks')
    .argument('<id>', 'session id or prefix')
    .action(
      run(async (out, council, id) => {
        const c = council();
        const s = c.session(String(id));
        const [stats, context] = [await c.stats(s.id), c.context.get(s.id)];
        const value = { session: s, stats, context };
        out.done(value, () =>
          [
            `id        ${s.id}`,
            `branch    ${s.branch} (from ${s.baseBranch})`,
            `worktree  ${s.worktreePath}`,
            `changes   ${stats.ahead} ahead, ${stats.behind} behind; ${stats.filesChanged} files, +${stats.insertions} -${stats.deletions}${stats.dirty ? ', uncommitted changes' : ''}`,
            contextLines(context).split('\n').slice(1).join('\n'),
          ].join('\n'),
        );
      }),
    );

  session
    .command('commit')
    .description("commit everything in a session's worktree")
    .argument('<id>', 'session id or prefix')
    .requiredOption('-m, --message <text>', 'commit message')
    .action(
      run(async (out, council, id, opts) => {
        const result = await council().commit(String(id), (opts as { message: string }).message);
        out.done(result, () => (result.commit ? `committed ${result.files} file(s) as ${result.commit.slice(0, 10)}` : 'nothing to commit'));
      }),
    );

  session
    .command('remove')
    .description('remove a session; refuses when it holds unmerged work unless --force (which archives it first)')
    .argument('<id>', 'session id or prefix')
    .option('-f, --force', 'remove even with unmerged work; the work is kept under refs/council/archive/')
    .action(
      run(async (out, council, id, opts) => {
        const result = await council().removeSession(String(id), { force: Boolean((opts as { force?: boolean }).force) });
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
      run(async (out, council, opts) => {
        const { olderThan } = opts as { olderThan?: string };
        // An empty --older-than is refused by parseDuration, not taken as "use the setting".
        const result = await council().cleanup(olderThan !== undefined ? parseDuration(olderThan) : undefined);
        out.done(result, () =>
          [
            result.removed.length ? `removed: ${result.removed.join(', ')}` : 'removed nothing',
            ...result.kept.map((k) => `kept ${k.id}: ${k.reason}`),
          ].join('\n'),
        );
      }),
    );

  session
    .command('reconcile')
    .description("bring the registry and git's worktree list into agreement (after a crash or manual changes)")
    .action(
      run(async (out, council) => {
        const report = await council().reconcile();
        out.done(report, () => {
          const lines = Object.entries(report)
            .filter(([, ids]) => (ids as string[]).length > 0)
            .map(([what, ids]) => `${what}: ${(ids as string[]).join(', ')}`);
          return lines.length ? lines.join('\n') : 'everything agrees';
        });
      }),
    );
  return session;
}

export function contextCommands(program: Command, run: Run): void {
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
      run(async (out, council, opts) => {
        const o = opts as { session?: string; status?: ContextStatus; file?: string; progress?: string; message?: string };
        const c = council();
        const stored = await c.context.update(requireSession(o.session), {
          status: o.status,
          currentFile: o.file,
          progress: o.progress,
          message: o.message,
        });
        const updated = c.context.get(stored.sessionId);
        out.done(updated, () => contextLines(updated));
      }),
    );

  context
    .command('show')
    .description('one session, or all')
    .argument('[id]', 'session id or prefix')
    .action(
      run((out, council, id) => {
        const c = council();
        if (typeof id === 'string') {
          const one = c.context.get(id);
          out.done(one, () => contextLines(one));
          return;
        }
        const all = c.context.all();
        out.done(all, () => (all.length ? all.map(contextLines).join('\n\n') : 'no sessions'));
      }),
    );

  context
    .command('blocked')
    .description('mark a session blocked, with the reason')
    .addOption(sessionOption())
    .requiredOption('--reason <text>', 'why it cannot go on')
    .option('--on <path>', 'the file it is waiting for')
    .action(
      run(async (out, council, opts) => {
        const o = opts as { session?: string; reason: string; on?: string };
        const c = council();
        const stored = await c.context.markBlocked(requireSession(o.session), o.reason, o.on);
        const updated = c.context.get(stored.sessionId);
        out.done(updated, () => contextLines(updated));
      }),
    );
}

export function statusCommand(program: Command, run: Run): void {
  program
    .command('status')
    .description('summary: sessions by status, files two sessions are on (from their context), and how many merge conflicts the radar predicts')
    .action(
      run(async (out, council) => {
        const c = council();
        const summary = c.context.summary();
        // "Files two sessions are on" is what the sessions say they are working on; a conflict is
        // what git would say merging them: the radar's word, counted as `council conflicts` does.
        const sharedFiles = c.context.fileConflicts();
        const contexts = c.context.all();
        let predictedConflicts: PredictedCounts | null = null;
        let failure: string | undefined;
        try {
          predictedConflicts = predictedCounts(await new RadarService(c).compute());
        } catch (err) {
          failure = err instanceof Error ? err.message : String(err);
        }
        out.done({ summary, sharedFiles, predictedConflicts, sessions: contexts }, () => {
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
          lines.push(predictedLine(predictedConflicts, failure));
          return lines.join('\n');
        });
      }),
    );
}
