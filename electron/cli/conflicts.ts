import type { Command } from 'commander';
import { BASE_SIDE, type Radar, type RadarPair } from '../../shared/merge';
import { conflictCounts, groupByFile } from '../../shared/radar-groups';
import type { Door } from './core-call';
import { table } from './output';

/**
 * `council conflicts [--base <branch>] [--pairs] [--json]`: the conflict radar once — which
 * sessions would collide if merged (with each other, and with the base as it is now), on which
 * files and how, the uncommitted work included. One row per file (the app's radar screen's rule,
 * shared/radar-groups.ts), so 50 sessions on one file are one row, not 1,225 pairs; `--pairs`
 * prints the pairs instead. A report: exit 0 whatever it finds. `--json` prints the Radar.
 */

const side = (id: string, radar: Radar): string => (id === BASE_SIDE ? `base (${radar.base.branch})` : id);

function conflictCell(pair: RadarPair): string {
  return pair.conflicts.length ? pair.conflicts.map((c) => `${c.path} (${c.kind})`).join(', ') : '-';
}

const count = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export interface PredictedCounts {
  /** Files that would conflict. */
  files: number;
  /** Sessions that collide with one another on them. */
  sessions: number;
  /** Sessions that would conflict with the base. */
  sessionsWithBase: number;
}

/** Who a conflict summary involves: "between 2 sessions, 1 session with main". */
function involved(counts: PredictedCounts, base: string): string {
  return [counts.sessions > 0 ? `between ${count(counts.sessions, 'session')}` : '', counts.sessionsWithBase > 0 ? `${count(counts.sessionsWithBase, 'session')} with ${base}` : ''].filter(Boolean).join(', ');
}

/** `council status`'s line about the radar, in the words `council conflicts` uses (by file, with the sessions involved). */
export function predictedLine(counts: PredictedCounts | null, failure?: string, base = 'the base'): string {
  if (counts === null) return `Predicted merge conflicts: not known (${failure ?? 'the radar failed'}; \`council conflicts\` tells why).`;
  if (counts.files === 0) return 'Predicted merge conflicts: none (`council conflicts` checks again).';
  return `Predicted merge conflicts: ${count(counts.files, 'file')} would conflict: ${involved(counts, base)} (\`council conflicts\` shows which).`;
}

function against(radar: Radar): string {
  const sessions = radar.sessions.length;
  const merged = radar.sessions.filter((s) => s.merged).length;
  // One level of brackets in the summary: "(2 sessions, 1 merged already, checked against main at 0c4f08e1)".
  return `${sessions} session${sessions === 1 ? '' : 's'}${merged ? `, ${merged} merged already,` : ''} checked against ${radar.base.branch}${radar.base.commit ? ` at ${radar.base.commit.slice(0, 8)}` : ''}`;
}

/** Session ids in a cell: all of them up to a few, then "+N more" (`--json` and `--pairs` list every one). */
const MAX_IDS = 6;
function ids(list: readonly string[]): string {
  if (list.length === 0) return '-';
  if (list.length <= MAX_IDS) return list.join(', ');
  return `${list.slice(0, MAX_IDS).join(', ')} +${list.length - MAX_IDS} more`;
}

/**
 * The radar as text, one row per file that would conflict (most sessions first): the sessions that
 * collide there with one another, those that would conflict with the base (the base moved since
 * they started and changed the file: told as such, no other session blamed), and how. Then the
 * files several sides change that should merge cleanly, the locks, and a summary.
 */
export function renderRadar(radar: Radar): string {
  const base = radar.base.branch;
  const groups = groupByFile(radar);
  if (groups.conflicting.length === 0 && groups.shared.length === 0) return `no predicted conflicts (${against(radar)})`;
  const lines: string[] = [];
  if (groups.conflicting.length > 0) {
    const rows = groups.conflicting.map((row) => {
      const colliding = new Set(row.pairs.filter((p) => !p.withBase).flatMap((p) => [p.a, p.b]));
      const between = row.sessions.filter((id) => colliding.has(id));
      return [row.path, ids(between), ids(row.againstBase), row.kinds.join(', ')];
    });
    lines.push(table(['FILE', 'SESSIONS', `WITH ${base.toUpperCase()}`, 'KINDS'], rows), '');
    if (groups.conflicting.some((row) => row.againstBase.length > 0)) {
      lines.push(`WITH ${base.toUpperCase()}: ${base} moved since these sessions started and changed the same file (no other session is involved).`, '');
    }
  }
  if (groups.shared.length > 0) {
    lines.push(
      'Changed on several sides, should merge cleanly:',
      ...groups.shared.map((row) => `  ${row.path}: ${ids(row.sessions)}${row.withBase ? ` and ${base}` : ''}`),
      '',
    );
  }
  const locks = Object.entries(radar.lockOwners);
  if (locks.length) lines.push('Locked:', ...locks.map(([file, owner]) => `  ${file}: ${owner}`), '');
  const files = groups.conflicting.length;
  if (files === 0) {
    lines.push(`no predicted conflicts; ${count(groups.shared.length, 'file')} changed on several sides (${against(radar)})`);
  } else {
    const who = involved(conflictCounts(groups), base);
    const shared = groups.shared.length > 0 ? `; ${count(groups.shared.length, 'more file')} changed on several sides should merge cleanly` : '';
    lines.push(`${count(files, 'file')} would conflict: ${who}${shared} (${against(radar)})`);
  }
  return lines.join('\n');
}

/** The radar as text, `--pairs`: one line per pair that overlaps or conflicts, conflicts first. */
export function renderPairs(radar: Radar): string {
  const conflicting = radar.pairs.filter((p) => p.conflicts.length > 0);
  if (conflicting.length === 0 && radar.pairs.length === 0) return `no predicted conflicts (${against(radar)})`;
  const ordered = [...conflicting, ...radar.pairs.filter((p) => p.conflicts.length === 0)];
  const lines = [
    table(
      ['PAIR', 'CONFLICTS', 'OVERLAP'],
      ordered.map((p) => [`${side(p.a, radar)} × ${side(p.b, radar)}`, conflictCell(p), p.overlap.join(', ') || '-']),
    ),
    '',
  ];
  const locks = Object.entries(radar.lockOwners);
  if (locks.length) {
    lines.push('Locked:', ...locks.map(([file, owner]) => `  ${file}: ${owner}`), '');
  }
  const overlapOnly = radar.pairs.length - conflicting.length;
  lines.push(
    conflicting.length === 0
      ? `no predicted conflicts; ${overlapOnly} pair${overlapOnly === 1 ? '' : 's'} change the same files (${against(radar)})`
      : `${conflicting.length} pair${conflicting.length === 1 ? '' : 's'} would conflict, ${overlapOnly} only overlap (${against(radar)})`,
  );
  return lines.join('\n');
}

export function conflictsCommand(program: Command, door: Door): void {
  program
    .command('conflicts')
    .description('predicted merge conflicts between sessions, and with the base branch, uncommitted work included (a report: exit 0)')
    .option('-b, --base <branch>', 'compare with this branch (default: the base branch most sessions were made from)')
    .option('--pairs', 'one line per pair of sides instead of one per file (the old view; grows as sessions²)')
    .action(
      door(async ({ out, call, repo }, options) => {
        const { base, pairs } = options as { base?: string; pairs?: boolean };
        const radar = await call('radar.get', { repo: repo(), ...(base !== undefined ? { base } : {}) });
        out.done(radar, () => (pairs ? renderPairs(radar) : renderRadar(radar)));
      }),
    );
}
