import type { Command } from 'commander';
import { AGENT_PRESET_IDS, type AgentPresetId } from '../../shared/agents';
import { REVIEW_STATUS_LABELS, type ReviewCommentView, type ReviewView } from '../../shared/review';
import { invalidInput } from '../core/errors';
import type { Door, DoorAction } from './core-call';

/**
 * `council review ID` and its verbs: a session's code review from the command line, through the
 * same contract commands as the app's Review tab (review.get, review.comment, review.requestChanges,
 * review.approve, review.resolve, review.deleteComment), one per verb.
 */

/** `PATH:LINE` or `PATH:FIRST-LAST` (the path may itself hold colons: the last one splits). */
export function parseLocation(text: string): { path: string; startLine: number; endLine: number } {
  const match = /^(.+):(\d+)(?:-(\d+))?$/.exec(text);
  if (!match) throw invalidInput(`"${text}" is not PATH:LINE or PATH:FIRST-LAST (for example src/app.ts:12 or src/app.ts:12-20)`);
  const startLine = Number(match[2]);
  const endLine = match[3] === undefined ? startLine : Number(match[3]);
  if (startLine < 1) throw invalidInput(`lines are counted from 1, not ${startLine}`);
  return { path: match[1] as string, startLine, endLine };
}

const lines = (c: { startLine: number; endLine: number }): string => (c.startLine === c.endLine ? `${c.startLine}` : `${c.startLine}-${c.endLine}`);

function marks(c: ReviewCommentView): string {
  const out: string[] = [c.state === 'pending' ? 'pending' : `sent in round ${c.round}`];
  if (c.side === 'old') out.push('on the base');
  if (c.outdated) out.push('outdated');
  else if (c.now && (c.now.startLine !== c.startLine || c.now.endLine !== c.endLine)) out.push(`moved to ${lines(c.now)}`);
  if (c.outcome === 'addressed') out.push(c.addressedBy === 'resolved' ? 'addressed (resolved)' : 'addressed (lines changed)');
  if (c.outcome === 'open') out.push('open');
  return out.join(', ');
}

/** The review as a person reads it: status, then each comment with file:lines, its marks, its code and its text. */
export function reviewText(view: ReviewView): string {
  const out = [`session ${view.sessionId}: ${REVIEW_STATUS_LABELS[view.status]}`];
  const round = view.rounds[view.rounds.length - 1];
  if (round) out.push(`changes requested ${round.requestedAt} (round ${round.n}); the review snapshot is ${view.sinceSnapshot}`);
  if (view.approval) out.push(`approved ${view.approval.at}${view.approval.queueEntryId ? ` (merge queue entry ${view.approval.queueEntryId})` : ''}`);
  if (view.comments.length === 0) out.push('', `no comments; add one with: council review comment ${view.sessionId} PATH:LINE -m TEXT`);
  for (const c of view.comments) {
    out.push('', `${c.id}  ${c.path}:${lines(c)}  [${marks(c)}]`);
    c.quote.slice(0, 8).forEach((text, i) => out.push(`    ${c.startLine + i} | ${text}`));
    if (c.quote.length > 8) out.push(`    … ${c.quote.length - 8} more lines`);
    out.push(...c.body.split('\n').map((l) => `  ${l}`));
  }
  const pending = view.comments.filter((c) => c.state === 'pending').length;
  if (pending) out.push('', `${pending} pending; send them to the agent with: council review send ${view.sessionId} [-m SUMMARY]`);
  return out.join('\n');
}

export function reviewCommands(program: Command, door: Door): void {
  const show: DoorAction = async ({ out, call, repo }, id) => {
    if (id === undefined) throw invalidInput('which session? council review ID (see them with: council session list)');
    const view = await call('review.get', { repo: repo(), id: String(id) });
    out.done(view, () => reviewText(view));
  };
  const review = program
    .command('review')
    .description("a session's code review: `council review ID` shows it (status, comments with file:lines, outdated and addressed marks); comment, send, approve, resolve, delete")
    .argument('[id]', 'session id or prefix')
    .action(door(show));

  review.command('show').description('the review: status, comments with file:lines, outdated and addressed marks').argument('<id>', 'session id or prefix').action(door(show));

  review
    .command('comment')
    .description("a pending comment on lines of a session's file (any file of its worktree, changed by the session or not)")
    .argument('<id>', 'session id or prefix')
    .argument('<location>', "PATH:LINE or PATH:FIRST-LAST, PATH from the worktree's root")
    .requiredOption('-m, --message <text>', 'the comment')
    .option('--old', "on the base's version of the file (lines the session deleted or changed)")
    .action(
      door(async ({ out, call, repo }, id, location, opts) => {
        const o = opts as { message: string; old?: boolean };
        const at = parseLocation(String(location));
        const comment = await call('review.comment', { repo: repo(), id: String(id), ...at, body: o.message, ...(o.old ? { side: 'old' as const } : {}) });
        out.done(comment, () => `added ${comment.id} on ${comment.path}:${lines(comment)} (pending; send with: council review send ${String(id)})`);
      }),
    );

  review
    .command('send')
    .description("request changes: the pending comments and a summary go to the session's agent as one message")
    .argument('<id>', 'session id or prefix')
    .option('-m, --message <summary>', 'a summary, sent before the comments')
    .option('--start', 'start an agent with the review when the session has none (or its conversation cannot be resumed); it runs headless in the background')
    .option('-a, --agent <name>', `with --start: the agent preset (${AGENT_PRESET_IDS.join('|')}; default: the session's own)`)
    .action(
      door(async ({ out, call, repo }, id, opts) => {
        const o = opts as { message?: string; start?: boolean; agent?: string };
        if (o.agent !== undefined && !o.start) throw invalidInput('--agent names the agent to start: add --start');
        if (o.agent !== undefined && !isPresetName(o.agent)) throw invalidInput(`--agent must be one of ${AGENT_PRESET_IDS.join(', ')}, not "${o.agent}"`);
        const start = o.start ? { mode: 'headless' as const, ...(o.agent !== undefined ? { agent: o.agent as AgentPresetId } : {}) } : undefined;
        const sent = await call('review.requestChanges', { repo: repo(), id: String(id), ...(o.message !== undefined ? { summary: o.message } : {}), ...(start ? { start } : {}) });
        out.done(sent, () => `sent round ${sent.round.n} (${sent.round.commentIds.length} comment${sent.round.commentIds.length === 1 ? '' : 's'}) to the agent (${sent.delivered}); changes requested`);
      }),
    );

  review
    .command('approve')
    .description('approve the session; --merge puts it in the merge queue too')
    .argument('<id>', 'session id or prefix')
    .option('--merge', 'and queue its merge')
    .action(
      door(async ({ out, call, repo }, id, opts) => {
        const o = opts as { merge?: boolean };
        const { review: view, entry } = await call('review.approve', { repo: repo(), id: String(id), ...(o.merge ? { merge: true } : {}) });
        out.done({ review: view, entry }, () => `approved session ${view.sessionId}${entry ? `; queued for merging as entry ${entry.id} (follow with: council queue)` : ''}`);
      }),
    );

  review
    .command('resolve')
    .description('mark a sent comment resolved (--reopen: open again)')
    .argument('<id>', 'session id or prefix')
    .argument('<comment>', 'comment id, e.g. c2')
    .option('--reopen', 'open it again')
    .action(
      door(async ({ out, call, repo }, id, commentId, opts) => {
        const o = opts as { reopen?: boolean };
        const c = await call('review.resolve', { repo: repo(), id: String(id), commentId: String(commentId), ...(o.reopen ? { resolved: false } : {}) });
        out.done(c, () => `${c.id} is ${c.resolvedAt ? 'resolved' : 'open again'}`);
      }),
    );

  review
    .command('delete')
    .description('delete a pending comment')
    .argument('<id>', 'session id or prefix')
    .argument('<comment>', 'comment id, e.g. c2')
    .action(
      door(async ({ out, call, repo }, id, commentId) => {
        const done = await call('review.deleteComment', { repo: repo(), id: String(id), commentId: String(commentId) });
        out.done(done, () => `deleted ${done.deleted}`);
      }),
    );
}

const isPresetName = (name: string): name is AgentPresetId => (AGENT_PRESET_IDS as readonly string[]).includes(name);
