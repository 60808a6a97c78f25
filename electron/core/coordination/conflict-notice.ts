import type { Session } from '../../../shared/models';
import { fileVersion, readJsonOrNull } from '../state/json-store';
import { contextFile } from '../state/paths';
import type { RepoState } from '../state/repo-state';
import { contextOf, LegacyContextCheck, StoredRadarCheck } from '../state/state-checks';
import { readDigestState, updateDigestState, type DeliveredDigest } from './digest-state';

/**
 * The conflict notice: after each tool call (`council hook notice`, on the CLIs' post-tool hooks
 * that add context: Claude Code's PostToolUse, Gemini CLI's AfterTool), a predicted conflict with
 * another session that this conversation has not been told yet is told at once — mid-turn — with
 * what that session is doing (its task, status, current file, the files of the conflict) and how to
 * reach it. The digest (digest.ts) tells the whole picture at the next prompt; this tells only
 * what is new, once: the conflicts told are added to the conversation's list in the digest state
 * (digest-state.ts), which the digest reads too (so it does not mark them NEW again, and a conflict
 * the digest told is never noticed again).
 *
 * Cheap, as it runs after every tool call: when the stored radar's file version is the one this
 * conversation was last checked against, it answers from the session's digest state alone (two
 * small reads, no radar). Zod-free, on the CLI's lean entry. Off with the session's digests.
 */

/** A predicted conflict with a peer (not the base branch: that has no one to reach). */
export interface NoticeConflict {
  key: string;
  with: string;
  files: { path: string; kind: string }[];
}

/** The same key as the digest's (digest.ts conflictKey) for a pair with conflicting files. */
const keyOf = (other: string, paths: readonly string[]): string => `${other}:${[...paths].sort().join(',')}`;

/** The peers' predicted conflicts (not overlaps) with `me` in the stored radar, by the digest's keys. */
export function peerConflicts(state: Pick<RepoState, 'paths'>, me: string): NoticeConflict[] | null {
  const stored = readJsonOrNull(state.paths.radar, StoredRadarCheck);
  if (!stored) return null;
  const out: NoticeConflict[] = [];
  for (const pair of stored.radar.pairs) {
    if ((pair.a !== me && pair.b !== me) || pair.conflicts.length === 0) continue;
    const other = pair.a === me ? pair.b : pair.a;
    if (other === 'base') continue;
    const files = pair.conflicts.map((c) => ({ path: c.path, kind: c.kind }));
    out.push({ key: keyOf(other, files.map((f) => f.path)), with: other, files });
  }
  return out;
}

export interface NoticeRequest {
  sessionId: string;
  /** The CLI's conversation id ('' when the payload had none). */
  conversation: string;
  now?: Date;
}

/**
 * The notice to add to the agent's context after this tool call, or null (nothing new, digests
 * off, no radar). The new conflicts are recorded as told in the same step, under the digest
 * state's mutex: two hooks at once never both tell one.
 */
export async function conflictNotice(state: RepoState, request: NoticeRequest): Promise<string | null> {
  const key = request.conversation || 'default';
  const told = readDigestState(state.paths, request.sessionId);
  if (told.off) return null;
  const radar = fileVersion(state.paths.radar);
  if (radar === 'missing' || told.conversations[key]?.radar === radar) return null;
  const conflicts = peerConflicts(state, request.sessionId);
  if (conflicts === null) return null;
  const fresh = await updateDigestState(state.paths, request.sessionId, (current) => {
    if (current.off) return { next: null, result: [] as NoticeConflict[] };
    const last: DeliveredDigest | undefined = current.conversations[key];
    const known = new Set(last?.conflicts ?? []);
    const news = conflicts.filter((c) => !known.has(c.key));
    const entry: DeliveredDigest = {
      fingerprint: last?.fingerprint ?? '',
      conflicts: [...known, ...news.map((c) => c.key)].sort(),
      at: last?.at ?? (request.now ?? new Date()).toISOString(),
      ...(last?.inputs ? { inputs: last.inputs } : {}),
      radar,
    };
    return { next: { ...current, conversations: { ...current.conversations, [key]: entry } }, result: news };
  });
  return fresh.length === 0 ? null : renderNotice(state, fresh);
}

/** What the other session is doing, from the registry and its context record (zod-free). */
function peerLine(state: RepoState, id: string): string {
  const session: Session | undefined = state.registry.find(id);
  const raw = readJsonOrNull(contextFile(state.paths, id), LegacyContextCheck);
  const context = raw ? contextOf(raw) : null;
  const agent = context?.agent ?? session?.agent ?? null;
  const task = context?.task ?? session?.task ?? '';
  const status = context ? context.status.replace('-', ' ') : 'idle';
  const file = context?.currentFile && (status === 'working' || status === 'blocked') ? ` on ${context.currentFile}` : '';
  return `session ${id} (${agent ? `${agent}, ` : ''}${status}${file})${task ? `, whose task is "${task}"` : ''}`;
}

export function renderNotice(state: RepoState, conflicts: readonly NoticeConflict[]): string {
  const lines = conflicts.map((c) => {
    const kinds = [...new Set(c.files.map((f) => f.kind))].join(', ');
    return `- ${peerLine(state, c.with)}: it changes ${c.files.map((f) => f.path).join(', ')} too (${kinds} conflict predicted with your changes). To agree on who changes what: council's MCP send_message tool, or run \`council send ${c.with} -m "…"\`.`;
  });
  return `[council] NEW predicted conflict${conflicts.length > 1 ? 's' : ''} with your work (the radar, just now):\n${lines.join('\n')}`;
}
