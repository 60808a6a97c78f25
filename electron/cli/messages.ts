import { Command, Option } from 'commander';
import { AGENT_PRESET_IDS, type AgentRun } from '../../shared/agents';
import { ALL_SESSIONS, SUPERVISOR, type CouncilMessage } from '../../shared/council';
import { invalidInput } from '../core/errors';
import type { Door } from './core-call';

/**
 * Messages (issue 15, item 4): `council send ID|--all|--supervisor -m TEXT` (council.send) and
 * `council messages [ID]` (council.messages), the repository's message log. A message to one
 * session is a follow-up for its agent as before (typed into its terminal, queued for a headless
 * one, an ended one resumed with it; refused when no agent can take it, unless --start), now kept
 * in the log beside the messages between sessions.
 */

const presetOption = (): Option => new Option('-a, --agent <name>', `agent preset: ${AGENT_PRESET_IDS.join('|')}`);

/** A whole number from 1 to 500 given as --limit. */
function limitOf(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 500) throw invalidInput(`--limit must be a whole number from 1 to 500, not "${value}"`);
  return Number(value);
}

type Delivery = { sessionId: string; delivered: string; note: string; run?: AgentRun | null };

/** One line per message: when, who → whom, each delivery's state, and the text. */
export function messageLines(messages: readonly CouncilMessage[]): string {
  if (messages.length === 0) return 'no messages yet';
  return messages
    .map((m) => {
      const states = (m.deliveries ?? []).map((d) => (d.sessionId === SUPERVISOR ? (m.readAt ? 'read' : 'unread') : `${d.sessionId} ${d.delivered}`)).join(', ');
      const head = `${m.at.replace('T', ' ').slice(0, 19)}  ${m.from} → ${m.to}${states ? `  [${states}]` : m.deliveries === undefined ? '  [sending]' : ''}`;
      return `${head}\n  ${m.text.replace(/\n/g, '\n  ')}`;
    })
    .join('\n');
}

export function messageCommands(program: Command, door: Door): void {
  program
    .command('send')
    .description(
      "a message for a session's agent (a follow-up: typed into its terminal where it runs interactively, here or in the app; queued for a headless one, resumed with it when it ends; an ended agent resumed on its own conversation with it), for every session (--all: waits in the inbox of those whose agent is not running), or from a session to the person supervising (--supervisor --from ID); kept in the repository's message log (`council messages`)",
    )
    .argument('[id]', 'session id or prefix')
    .requiredOption('-m, --message <text>', 'the message')
    .option('--all', 'to every session')
    .option('--supervisor', 'to the person supervising (with --from: the session that sends it)')
    .option('--from <id>', 'the sending session (an agent writing to another session or to the supervisor); absent: the supervisor')
    .option('--start', 'start an agent with the message when the session has none (or its conversation cannot be resumed); it runs headless in the background')
    .addOption(presetOption())
    .action(
      door(async ({ out, call, repo }, id, opts) => {
        const o = opts as { message: string; all?: boolean; supervisor?: boolean; from?: string; start?: boolean; agent?: string };
        const named = [id !== undefined, o.all === true, o.supervisor === true].filter(Boolean).length;
        if (named !== 1) throw invalidInput('name who the message is for: a session id, --all, or --supervisor (one of them)');
        if (o.agent !== undefined && !o.start) throw invalidInput('--agent names the agent to start: add --start');
        if (o.agent !== undefined && !(AGENT_PRESET_IDS as readonly string[]).includes(o.agent)) throw invalidInput(`unknown agent preset "${o.agent}" (expected one of ${AGENT_PRESET_IDS.join(', ')})`);
        const single = id !== undefined && o.from === undefined;
        if (o.start && !single) throw invalidInput('--start is for a message from the supervisor to one session');
        const start = o.start ? { mode: 'headless' as const, ...(o.agent !== undefined ? { agent: o.agent as AgentRun['preset'] } : {}) } : undefined;
        const to = o.all ? ALL_SESSIONS : o.supervisor ? SUPERVISOR : String(id);
        const sent = await call('council.send', {
          repo: repo(),
          to,
          text: o.message,
          ...(o.from !== undefined ? { from: o.from } : {}),
          // One session from the supervisor: a follow-up as before, refused when no agent can take it.
          ...(single ? { unsent: 'refuse' as const } : {}),
          ...(start ? { start } : {}),
        });
        const deliveries = sent.deliveries as Delivery[];
        const one = single ? deliveries[0] : undefined;
        if (one !== undefined) {
          // The follow-up's answer as `council send ID` always gave it, and the message kept.
          const value = { delivered: one.delivered, run: one.run ?? null, note: one.note, message: sent.message };
          out.done(value, () => `${one.delivered}: ${one.note}${one.delivered === 'resumed' || one.delivered === 'started' ? `\nfollow with: council session logs ${String(id)} --follow` : ''}`);
          return;
        }
        out.done(sent, () =>
          deliveries.length === 0 ? `kept in the message log (${sent.message.id}); no session to deliver it to` : deliveries.map((d) => `${d.sessionId}: ${d.delivered}: ${d.note}`).join('\n'),
        );
      }),
    );

  program
    .command('messages')
    .description("the repository's message log, newest last: who → whom, when, each delivery's state (as it stands now) and the text; with an id, what that session sent or got")
    .argument('[id]', 'session id or prefix')
    .option('--limit <n>', 'the newest n messages (1-500)', '100')
    .action(
      door(async ({ out, call, repo }, id, opts) => {
        const o = opts as { limit: string };
        const messages = await call('council.messages', { repo: repo(), ...(id !== undefined ? { id: String(id) } : {}), limit: limitOf(o.limit) });
        out.done(messages, () => messageLines(messages));
      }),
    );
}
