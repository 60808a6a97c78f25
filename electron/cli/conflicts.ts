import type { Command } from 'commander';
import { BASE_SIDE, type Radar, type RadarPair } from '../../shared/merge';
import type { Door } from './core-call';
import { table } from './output';

/**
 * `council conflicts [--base <branch>] [--json]`: the conflict radar once — which sessions would
 * collide if merged (with each other, and with the base as it is now), on which files and how, the
 * uncommitted work included. A report: exit 0 whatever it finds. `--json` prints the Radar.
 */

const side = (id: string, radar: Radar): string => (id === BASE_SIDE ? `base (${radar.base.branch})` : id);

function conflictCell(pair: RadarPair): string {
  return pair.conflicts.length ? pair.conflicts.map((c) => `${c.path} (${c.kind})`).join(', ') : '-';
}

export interface PredictedCounts {
  /** Pairs (sessions with each other or with the base) that would conflict. */
  pairs: number;
  /** Of those, pairs with the base. */
  withBase: number;
}

/** `council status`'s line about the radar, in the words `council conflicts` uses. */
export function predictedLine(counts: PredictedCounts | null, failure?: string): string {
  if (counts === null) return `Predicted merge conflicts: not known (${failure ?? 'the radar failed'}; \`council conflicts\` tells why).`;
  if (counts.pairs === 0) return 'Predicted merge conflicts: none (`council conflicts` checks again).';
  const withBase = counts.withBase ? `, ${counts.withBase} with the base` : '';
  return `Predicted merge conflicts: ${counts.pairs} pair${counts.pairs === 1 ? '' : 's'} would conflict${withBase} (\`council conflicts\` shows which files).`;
}

/** The radar as text: one line per pair that overlaps or conflicts, conflicts first. */
export function renderRadar(radar: Radar): string {
  const sessions = radar.sessions.length;
  const merged = radar.sessions.filter((s) => s.merged).length;
  const against = `${sessions} session${sessions === 1 ? '' : 's'}${merged ? ` (${merged} merged already)` : ''} against ${radar.base.branch}${radar.base.commit ? ` (${radar.base.commit.slice(0, 8)})` : ''}`;
  const conflicting = radar.pairs.filter((p) => p.conflicts.length > 0);
  if (conflicting.length === 0 && radar.pairs.length === 0) return `no predicted conflicts (${against})`;
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
      ? `no predicted conflicts; ${overlapOnly} pair${overlapOnly === 1 ? '' : 's'} change the same files (${against})`
      : `${conflicting.length} pair${conflicting.length === 1 ? '' : 's'} would conflict, ${overlapOnly} only overlap (${against})`,
  );
  return lines.join('\n');
}

export function conflictsCommand(program: Command, door: Door): void {
  program
    .command('conflicts')
    .description('predicted merge conflicts between sessions, and with the base branch, uncommitted work included (a report: exit 0)')
    .option('-b, --base <branch>', 'compare with this branch (default: the base branch most sessions were made from)')
    .action(
      door(async ({ out, call, repo }, options) => {
        const { base } = options as { base?: string };
        const radar = await call('radar.get', { repo: repo(), ...(base !== undefined ? { base } : {}) });
        out.done(radar, () => renderRadar(radar));
      }),
    );
}
