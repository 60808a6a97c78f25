import { ALL_SESSIONS, SUPERVISOR, type CouncilMessage, type MessageDelivery } from '../../../shared/council';
import type { InboxMessage } from '../../../shared/follow-ups';
import { Inbox } from '../agents/inbox';
import type { CommandOutput } from '../../../shared/contract';
import type { RadarFileDetail } from '../../../shared/merge';
import { sendFollowUp } from '../agents/follow-up';
import type { AgentManager } from '../agents/manager';
import { isLive } from '../agents/run-store';
import { isAlive } from '../agents/runner/process-tree';
import { claimFiles } from '../agents/lock-hook';
import { conflictsOf, peersView } from '../coordination/peers';
import { MessageLog } from '../coordination/messages';
import type { HandlerTable } from '../dispatch';
import { CouncilError, invalidInput } from '../errors';
import { StoredRadarReader } from '../radar/stored';
import type { HandlerDeps } from './deps';

/**
 * The council as one session sees it (shared/commands/council.ts, issue 15): peers, predicted
 * conflicts, claims, messages, its merge. The agents' MCP tools are a face over these.
 */

/** Conflicting files whose lines `council.conflicts` includes, at most. */
const DETAIL_FILES = 5;
/** How long a message to a running interactive agent hosted elsewhere waits to be typed in. */
const TYPE_WAIT_MS = 1500;

type Delivery = CommandOutput<'council.send'>['deliveries'][number];

export function councilHandlers({ repos, background }: HandlerDeps) {
  return {
    'council.peers': async ({ repo, id }) => peersView(await repos.open(repo), id),
    'council.conflicts': async ({ repo, id }) => {
      const council = await repos.open(repo);
      const me = council.session(id).id;
      const feed = await council.radar();
      // Without this process's worktree watchers (a CLI, an agent's MCP server) nothing told the
      // radar what was edited: every session is read again (one `git status` per 16 worktrees).
      if (!council.watcherIfMade()) feed.service.invalidate();
      const radar = await feed.compute();
      const stored = new StoredRadarReader(council.ws.paths).read();
      const contexts = new Map(council.context.all().map((c) => [c.sessionId, c]));
      // The radar just computed is the one stored; read back for the file changes it kept.
      const conflicts = conflictsOf(stored && stored.radar.computedAt === radar.computedAt ? stored : { version: 1, radar, changes: {} }, me, contexts);
      const wanted = conflicts.flatMap((c) => c.files.filter((f) => f.kind !== 'overlap').map((f) => ({ other: c.with, path: f.path })));
      const details: RadarFileDetail[] = [];
      for (const w of wanted.slice(0, DETAIL_FILES)) details.push(await feed.service.fileDetail(w.path, me, w.other));
      return {
        radar: { computedAt: radar.computedAt, ageMs: Math.max(0, Date.now() - Date.parse(radar.computedAt)), base: radar.base },
        conflicts,
        details,
        moreFiles: Math.max(0, wanted.length - DETAIL_FILES),
      };
    },
    'council.claim': async ({ repo, id, paths, cwd }) => {
      const council = await repos.open(repo);
      const session = council.session(id);
      // Relative paths are the session's own (its agent works in its worktree).
      const claim = await claimFiles(council, session.id, paths, cwd ?? session.worktreePath);
      if (!claim.ok) throw new CouncilError('lock-busy', claim.reason, { refused: claim.refused });
      const held = new Map(council.locks.list().map((l) => [l.path, l]));
      return { claimed: [...claim.already, ...claim.taken].flatMap((p) => held.get(p) ?? []) };
    },
    'council.send': async ({ repo, from, to, text, start, unsent }) => {
      const council = await repos.open(repo);
      const sender = from === undefined ? null : council.session(from);
      const body = text.replace(/\r\n?/g, '\n').trim();
      if (body === '') throw invalidInput('the message is empty: write what the other side should know');
      const recipient = to === SUPERVISOR || to === ALL_SESSIONS ? to : council.session(to).id;
      if (sender && recipient === sender.id) throw invalidInput(`session ${sender.id} cannot send a message to itself: name another session, "all", or "supervisor"`);
      if (!sender && recipient === SUPERVISOR) throw invalidInput('the supervisor sends to a session or to "all", not to "supervisor"');
      if ((start !== undefined || unsent !== undefined) && (sender !== null || recipient === ALL_SESSIONS)) throw invalidInput('`start` and `unsent` are for a message from the supervisor to one session');
      const log = new MessageLog(council.ws.paths);
      const message = await log.add({ from: sender?.id ?? SUPERVISOR, to: recipient, text: body });
      if (recipient === SUPERVISOR) {
        const logged = { sessionId: SUPERVISOR, delivered: 'logged', note: 'kept in the repository message log for the person supervising (the app shows it)' } satisfies Delivery;
        await log.update(message.id, (m) => ({ ...m, deliveries: [logged] }));
        return { message: { ...message, deliveries: [logged] }, deliveries: [logged] };
      }
      const targets = recipient === ALL_SESSIONS ? council.listSessions().filter((s) => s.state === 'ready' && s.id !== sender?.id).map((s) => s.id) : [recipient];
      const manager = await council.agents();
      const forAgent = sender ? fromPeer(message, sender.id, sender.agent, sender.task) : body;
      const deliveries: (Delivery & { inboxId?: string })[] = [];
      const via = sender ? `session:${sender.id}` : background.followUpRunner ? 'cli' : 'app';
      for (const sessionId of targets) {
        try {
          // From an agent, a message starts no chain: an agent a peer's message already resumed is
          // not resumed by a peer again, nor is any agent by a message to all (two finished agents
          // answering each other would resume each other for ever). Those wait in its inbox, held:
          // it reads them with read_inbox; nothing types them in or resumes it with them.
          if (sender && !typesInto(manager, sessionId) && (recipient === ALL_SESSIONS || resumedByPeer(manager, sessionId))) {
            const kept = await manager.inbox.append(sessionId, forAgent, via, 'held');
            deliveries.push({ sessionId, delivered: 'queued', note: `kept in session ${sessionId}'s inbox, not resumed (agents do not resume each other in a chain, nor on a message to all): its agent reads it with read_inbox, or the supervisor resumes it`, inboxId: kept.id });
            continue;
          }
          const done = await sendFollowUp(manager, sessionId, forAgent, {
            from: via,
            runner: background.followUpRunner,
            waitMs: TYPE_WAIT_MS,
            // A message to everyone resumes no finished agent (it waits in each inbox); one to a
            // single session is a follow-up like the supervisor's.
            keepIfIdle: recipient === ALL_SESSIONS,
            ...(start ? { start } : {}),
          });
          // The run only for the supervisor (the app applies it, `council send` prints it); an agent's
          // message tool answers in a few words.
          deliveries.push({ sessionId, delivered: done.delivered, note: done.note, ...(sender ? {} : { run: done.run }), ...(done.inboxId ? { inboxId: done.inboxId } : {}) });
        } catch (err) {
          if (unsent === 'refuse') {
            // Nothing was sent: nothing is kept (the sender is told why, and how to send it).
            await log.update(message.id, () => null);
            throw err;
          }
          // No agent, or one that cannot be resumed: the message waits in its inbox.
          if (err instanceof CouncilError && err.code === 'conflict' && /not sent/.test(err.message)) {
            const kept = await manager.inbox.append(sessionId, forAgent, via).catch(() => null);
            deliveries.push({ sessionId, delivered: 'queued', note: `${err.message.replace(/^the follow-up was not sent: /, '')}; kept in its inbox`, ...(kept ? { inboxId: kept.id } : {}) });
          } else deliveries.push({ sessionId, delivered: 'failed', note: err instanceof Error ? err.message : String(err) });
        }
      }
      const kept = deliveries.map(({ sessionId, delivered, note, inboxId }) => ({ sessionId, delivered, note, ...(inboxId ? { inboxId } : {}) }));
      await log.update(message.id, (m) => ({ ...m, deliveries: kept }));
      return { message: { ...message, deliveries: kept }, deliveries: deliveries.map(({ inboxId: _inboxId, ...d }) => d) };
    },
    'council.inbox': async ({ repo, id, peek }) => {
      const council = await repos.open(repo);
      const session = council.session(id);
      const manager = await council.agents();
      const unread = manager.inbox.list(session.id).filter((m) => m.state === 'pending' || m.state === 'held');
      if (!peek && unread.length) await manager.inbox.mark(session.id, unread.map((m) => m.id), { state: 'read', runId: null }, ['pending', 'held']);
      return { messages: manager.inbox.list(session.id), unread: unread.length };
    },
    'council.read': async ({ repo, id }) => {
      const council = await repos.open(repo);
      const who = id === undefined ? null : council.session(id).id;
      return { read: await new MessageLog(council.ws.paths).markRead(who) };
    },
    'council.messages': async ({ repo, id, limit }) => {
      const council = await repos.open(repo);
      const who = id === undefined ? null : council.session(id).id;
      const all = new MessageLog(council.ws.paths).all().filter((m) => who === null || m.from === who || m.to === who || (m.to === ALL_SESSIONS && m.from !== who));
      return withDeliveryNow(all.slice(-(limit ?? 100)), new Inbox(council.ws.paths));
    },
    'council.merge': async ({ repo, id }) => {
      const council = await repos.open(repo);
      const session = council.session(id);
      const entries = council.queue.list();
      const mine = entries.filter((e) => e.sessionId === session.id);
      const entry = mine[mine.length - 1] ?? null;
      const queued = entries.filter((e) => e.state === 'queued');
      const index = entry ? queued.findIndex((e) => e.id === entry.id) : -1;
      return { entry, place: index === -1 ? null : index, waiting: entries.filter((e) => e.state === 'queued' || e.state === 'checking' || e.state === 'merging').length };
    },
  } satisfies HandlerTable;
}

/** Whether a live interactive agent of the session takes a message in its terminal (no resume). */
function typesInto(manager: AgentManager, sessionId: string): boolean {
  const latest = manager.store.latest(sessionId);
  return latest !== null && latest.mode === 'interactive' && isLive(latest) && isAlive(latest.hostPid);
}

/** Whether the session's latest run was started (resumed) by another session's message. */
function resumedByPeer(manager: AgentManager, sessionId: string): boolean {
  const latest = manager.store.latest(sessionId);
  if (!latest) return false;
  return manager.inbox.list(sessionId).some((m) => m.from.startsWith('session:') && (m.state === 'resumed' || m.state === 'started') && m.runId === latest.id);
}

/**
 * Each delivery as it stands now: a message left in a session's inbox may since have been typed
 * into its terminal, read by its agent, or resumed with (the inbox records it; each read once).
 */
function withDeliveryNow(messages: CouncilMessage[], inbox: Inbox): CouncilMessage[] {
  const inboxes = new Map<string, Map<string, InboxMessage>>();
  const held = (sessionId: string, inboxId: string): InboxMessage | undefined => {
    let byId = inboxes.get(sessionId);
    if (byId === undefined) inboxes.set(sessionId, (byId = new Map(inbox.list(sessionId).map((m) => [m.id, m]))));
    return byId.get(inboxId);
  };
  return messages.map((m) => {
    if (!m.deliveries?.some((d) => d.inboxId !== undefined)) return m;
    const deliveries = m.deliveries.map((d): MessageDelivery => {
      const now = d.inboxId === undefined ? undefined : held(d.sessionId, d.inboxId);
      if (now === undefined || now.state === 'pending' || now.state === 'held') return d;
      const note = now.state === 'failed' ? (now.error ?? d.note) : `${now.state === 'read' ? 'read by its agent from its inbox' : now.state === 'terminal' ? "typed into its agent's terminal" : `its agent ${now.state} with it`}${now.deliveredAt ? ` at ${now.deliveredAt}` : ''}${now.runId ? ` (run ${now.runId})` : ''}`;
      return { ...d, delivered: now.state, note };
    });
    return { ...m, deliveries };
  });
}

/** A message from a peer as its recipient's agent reads it: who sent it, and how to answer. */
function fromPeer(message: CouncilMessage, id: string, agent: string | null, task: string): string {
  const who = `session ${id}${agent ? ` (${agent}: ${oneLine(task)})` : ` (${oneLine(task)})`}`;
  return `Message from ${who}, through council: ${message.text}\n(To answer, send a council message to session ${id}.)`;
}

const oneLine = (text: string): string => {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
};
