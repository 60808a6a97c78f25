import { formatDuration } from './duration';

/** What `sessions.cleanup` answers (shared/commands/sessions.ts). */
export interface CleanupAnswer {
  removed: string[];
  kept: { id: string; reason: string }[];
  olderThanMs: number;
  recent: { id: string; idleMs: number; reason?: string }[];
}

const count = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * `council session cleanup` in words: what was removed, each idle session kept and why, and the
 * sessions that were no candidates (not idle long enough, by `rule`: "the stale setting" or the
 * `--older-than` given; one that could never be removed as it is, unmerged work, uncommitted files,
 * is listed with that reason instead). "removed nothing" always says why.
 */
export function cleanupText(result: CleanupAnswer, rule: string): string {
  const threshold = `${formatDuration(result.olderThanMs)} (${rule})`;
  const lines: string[] = [];
  const kept = result.kept.map((k) => `  ${k.id}: ${k.reason}`);
  if (result.removed.length > 0) {
    lines.push(`removed ${count(result.removed.length, 'session')}: ${result.removed.join(', ')}`);
    if (kept.length > 0) lines.push(`kept ${count(kept.length, 'idle session')}:`, ...kept);
  } else if (kept.length > 0) {
    const which = kept.length === 1 ? 'the one session idle for more than ' + threshold + ' was' : `the ${kept.length} sessions idle for more than ${threshold} were`;
    lines.push(`removed nothing: ${which} kept:`, ...kept);
  } else {
    lines.push(result.recent.length === 0 ? 'removed nothing: there are no sessions' : `removed nothing: no session is idle for more than ${threshold}`);
  }
  // Sessions that hold work are kept whatever their idle time: said with that reason, not "not idle long enough".
  const held = result.recent.filter((r) => r.reason !== undefined).sort((a, b) => b.idleMs - a.idleMs);
  if (held.length > 0) {
    lines.push(`kept ${count(held.length, 'session')} whatever ${held.length === 1 ? 'its' : 'their'} idle time:`);
    for (const r of held) lines.push(`  ${r.id}: ${r.reason} (idle ${formatDuration(r.idleMs)})`);
  }
  const young = result.recent.filter((r) => r.reason === undefined);
  if (young.length > 0) {
    const recent = [...young].sort((a, b) => b.idleMs - a.idleMs);
    const shown = recent.slice(0, 10).map((r) => `${r.id} (idle ${formatDuration(r.idleMs)})`);
    const more = recent.length > 10 ? `, +${recent.length - 10} more` : '';
    lines.push(`not idle long enough to be removed: ${shown.join(', ')}${more}`);
  }
  return lines.join('\n');
}
