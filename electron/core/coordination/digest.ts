/**
 * The digest: what one session's agent is told, without asking, about the sessions beside it — who
 * does what, which files are taken, which conflicts are predicted with it, and how to reach a peer.
 * Rendered from the peers view (what the council knows, seen from one session); pure, no I/O.
 *
 * BUDGET: at most DIGEST_TOKEN_BUDGET tokens (≈ DIGEST_CHAR_BUDGET characters, counting a token as
 * 4 characters), whatever the number of sessions. Lines go in by relevance and stop at the budget:
 *   1. conflicts predicted with this session (new ones first, then with peers, then with the base),
 *   2. files this session touched that another session holds,
 *   3. the other peers, the active ones first (working, needs input, blocked), then the rest,
 *   4. what did not fit, as counts ("… and 83 more: 40 working, 43 done").
 * The last line (how to reach a peer) is always there. bench/ measures the size at 100 sessions;
 * tests/core/digest.test.ts holds it to the budget.
 */

import { byText } from '../../../shared/order';

export const DIGEST_TOKEN_BUDGET = 400;
/** Characters per token, the usual rough count for English text and code. */
export const CHARS_PER_TOKEN = 4;
export const DIGEST_CHAR_BUDGET = DIGEST_TOKEN_BUDGET * CHARS_PER_TOKEN;
/** What the counts line may take at most (it names a few numbers and statuses). */
const COUNTS_ROOM = 200;

/** One other session, as the digest needs it (from the peers view). */
export interface DigestPeer {
  sessionId: string;
  agent: string | null;
  task: string;
  status: string;
  currentFile: string | null;
  filesChanged: readonly string[];
  locksHeld: readonly string[];
}

/** A predicted conflict of this session with a peer or with the base (from the radar). */
export interface DigestConflict {
  /** The peer's session id, or "base". */
  with: string;
  /** The files git would stop on (empty: the sides only overlap, no conflict predicted). */
  files: readonly string[];
  /** The files both sides change. */
  overlap: readonly string[];
  /** The kinds git reported (content, add/add, modify/delete, rename, other). */
  kinds: readonly string[];
}

export interface DigestInput {
  self: { sessionId: string; filesChanged: readonly string[]; currentFile: string | null };
  peers: readonly DigestPeer[];
  conflicts: readonly DigestConflict[];
  /** The base branch the radar compares with (for the "with the base" line). */
  baseBranch: string | null;
}

export interface Digest {
  /** What the agent is told; '' when there is nothing to tell (no peer, no conflict). */
  text: string;
  /** A fingerprint of the facts told (not of the "new" marks): unchanged facts, same fingerprint. */
  fingerprint: string;
  /** The conflicts in it, as keys (to know next time which ones are new). */
  conflictKeys: string[];
}

const ACTIVE = new Set(['working', 'needs-input', 'blocked']);

export const conflictKey = (c: DigestConflict): string => (c.files.length > 0 ? `${c.with}:${[...c.files].sort().join(',')}` : `${c.with}:~${[...c.overlap].sort().join(',')}`);

const clip = (text: string, max: number): string => {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
};

const listFiles = (files: readonly string[], max = 3): string => {
  const shown = files.slice(0, max).join(', ');
  return files.length > max ? `${shown} +${files.length - max} more` : shown;
};

function who(peer: DigestPeer): string {
  const status = peer.status === 'needs-input' ? 'needs input' : peer.status;
  const on = peer.currentFile && ACTIVE.has(peer.status) ? ` on ${peer.currentFile}` : '';
  return `${peer.sessionId} (${peer.agent ?? 'no agent'}, ${status}${on}): "${clip(peer.task, 48)}"`;
}

/** FNV-1a, 32 bits, as hex: small and fast; a fingerprint, not a security measure. */
export function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}

export const REACH_LINE = 'To reach a peer: council\'s MCP tools (peers, send_message), or run `council send ID -m "…"`.';

/**
 * The digest for `input.self`. `known`: the conflict keys already told to this conversation (the
 * others are marked NEW); null when nothing was told yet (then none is marked). The fingerprint is
 * that of the text without the marks: the same facts, the same fingerprint.
 */
export function renderDigest(input: DigestInput, known: ReadonlySet<string> | null = null): Digest {
  const plain = compose(input, null);
  return { text: known === null ? plain : compose(input, known), fingerprint: fnv1a(plain), conflictKeys: input.conflicts.map(conflictKey).sort() };
}

function compose(input: DigestInput, known: ReadonlySet<string> | null): string {
  const byId = new Map(input.peers.map((p) => [p.sessionId, p]));
  const mine = new Set([...input.self.filesChanged, ...(input.self.currentFile ? [input.self.currentFile] : [])]);
  const isNew = (c: DigestConflict): boolean => known !== null && !known.has(conflictKey(c));

  // 1. Conflicts: new first, then real conflicts before mere overlaps, peers before the base.
  const conflicts = [...input.conflicts].sort(
    (a, b) =>
      Number(isNew(b)) - Number(isNew(a)) ||
      Number(b.files.length > 0) - Number(a.files.length > 0) ||
      Number(a.with === 'base') - Number(b.with === 'base') ||
      byText(a.with, b.with),
  );
  // 2. Files I touched that others hold.
  const heldFromMe: { file: string; holder: DigestPeer }[] = [];
  for (const peer of input.peers) for (const file of peer.locksHeld) if (mine.has(file)) heldFromMe.push({ file, holder: peer });
  // Paths keep the locale's order (these lines name files for people); ids and statuses above sort
  // by code unit (shared/order.ts: the same order for them, without building an ICU collator, ~20 ms
  // of a digest hook's process).
  heldFromMe.sort((a, b) => a.file.localeCompare(b.file));

  const mentioned = new Set<string>();
  const conflictLines = conflicts.map((c) => {
    const peer = byId.get(c.with);
    const side = c.with === 'base' ? `the base branch${input.baseBranch ? ` (${input.baseBranch})` : ''}` : peer ? who(peer) : `session ${c.with}`;
    const what = c.files.length > 0 ? `conflict in ${listFiles(c.files)}${c.kinds.length ? ` (${[...new Set(c.kinds)].join(', ')})` : ''}` : `you both change ${listFiles(c.overlap)} (no conflict predicted yet)`;
    if (peer) mentioned.add(peer.sessionId);
    return `- ${isNew(c) ? 'NEW ' : ''}with ${side}: ${what}`;
  });
  const heldLines = heldFromMe.map(({ file, holder }) => {
    const line = `- ${file}: held by ${mentioned.has(holder.sessionId) ? holder.sessionId : who(holder)}`;
    mentioned.add(holder.sessionId);
    return line;
  });
  const rest = input.peers
    .filter((p) => !mentioned.has(p.sessionId))
    .sort((a, b) => Number(ACTIVE.has(b.status)) - Number(ACTIVE.has(a.status)) || byText(a.sessionId, b.sessionId));

  if (conflictLines.length === 0 && heldLines.length === 0 && rest.length === 0) return '';

  const n = input.peers.length;
  const header = `[council] You are session ${input.self.sessionId}; ${n} other session${n === 1 ? '' : 's'} work${n === 1 ? 's' : ''} in this repository.`;
  const lines: string[] = [];
  // Room kept for the counts line, which is always short.
  const limit = DIGEST_CHAR_BUDGET - COUNTS_ROOM;
  let used = header.length + 1 + REACH_LINE.length;
  const section = (title: string, entries: string[]): number => {
    let shown = 0;
    for (const entry of entries) {
      const cost = entry.length + 1 + (shown === 0 ? title.length + 1 : 0);
      if (used + cost > limit) break;
      if (shown === 0) lines.push(title);
      lines.push(entry);
      used += cost;
      shown++;
    }
    return shown;
  };
  const conflictsShown = section('Predicted conflicts with your work (the radar):', conflictLines);
  const heldShown = section('Files you touched that another session holds (your edits to them are refused):', heldLines);
  const peersShown = section(
    'Other sessions:',
    rest.map((p) => `- ${who(p)}${p.locksHeld.length ? `; holds ${listFiles(p.locksHeld, 2)}` : ''}`),
  );

  const counts: string[] = [];
  if (conflictsShown < conflictLines.length) counts.push(`${conflictLines.length - conflictsShown} more predicted conflicts`);
  if (heldShown < heldLines.length) counts.push(`${heldLines.length - heldShown} more of your files held by others`);
  const hidden = rest.slice(peersShown);
  if (hidden.length > 0) {
    const byStatus = new Map<string, number>();
    for (const p of hidden) byStatus.set(p.status, (byStatus.get(p.status) ?? 0) + 1);
    const parts = [...byStatus].sort((a, b) => b[1] - a[1] || byText(a[0], b[0])).map(([s, count]) => `${count} ${s}`);
    counts.push(`${hidden.length} more sessions (${parts.join(', ')})`);
  }
  if (counts.length) lines.push(`… and ${counts.join('; ')}: see council's peers tool or \`council status\`.`);
  return [header, ...lines, REACH_LINE].join('\n');
}
