import { beforeAll, describe, expect, it } from 'vitest';
import type { MergeStrategy } from '../../shared/merge';
import { mergeCase, mergesNamed, pairCase, type ReplayCase } from '../helpers/replay/cases';
import { bundleMissing, openHistory, type History } from '../helpers/replay/history';
import { mismatches, openReplayer, replayCase, type Replayer, type ReplayVia } from '../helpers/replay/run';

/*
 * Issue 12: real merges of a public repository's history (flask, tests/fixtures/history/) replayed
 * through sessions, the conflict radar and the merge queue, each answer checked against git's own:
 * conflict or not, exactly the conflicted files, the resulting tree; racily clean uncommitted edits
 * among them, which must be committed and land. A handful here; every merge of the history with
 * `npx tsx scripts/reliability/replay.ts` (docs/reliability.md, section 6).
 */

const missing = bundleMissing();
if (missing) console.warn(`\n*** SKIPPED: ${missing}\n`);

interface Planned {
  merges: string[];
  racy?: boolean;
  strategies: MergeStrategy[];
  /** Through the built `council` CLI (conflicts --json, merge --wait) instead of the core API. */
  via?: ReplayVia;
  /** What the case is for: it must still be that (a case that silently became trivial would prove nothing). */
  conflicting: boolean;
}

const ALL: MergeStrategy[] = ['merge', 'squash', 'rebase'];

const PLAN: Record<string, Planned> = {
  // "Merge branch '1.0.x'": ~20 files in conflict (21 with git 2.39) — content, add/add, binary, modify/delete,
  // rename/delete and rename/rename (docs/_static/flask-logo-sidebar.png) — with a racy edit.
  'release branch, every kind of conflict': { merges: ['1351d0a5'], racy: true, strategies: ['merge', 'rebase'], conflicting: true },
  // A linear topic of 4 commits, the base 627 ahead: conflicts in CHANGES.rst and flask/__init__.py.
  'linear topic in conflict': { merges: ['81bde0db'], strategies: ['merge', 'rebase'], conflicting: true },
  // 14 files, modify/delete among them, and a topic with merge commits (a rebase must refuse it).
  'modify/delete, merges in the topic': { merges: ['216151c8'], strategies: ['merge', 'rebase'], conflicting: true },
  // Through the CLI: `council conflicts --json` and `council merge --wait`, each its own process.
  'add/add, through the CLI': { merges: ['953284a8'], strategies: ['squash'], conflicting: true, via: 'cli' },
  // Clean, linear topic of 3 commits, the base 2 ahead; its last change left racily clean.
  'clean topic with a racy edit': { merges: ['5e158505'], racy: true, strategies: ALL, conflicting: false },
  // Two topics merged one after the other into master that conflict with each other.
  'two topics in conflict': { merges: ['d4b688bd', '29111a32'], strategies: ['merge'], conflicting: true },
};

describe.skipIf(missing !== null)('replaying real merges of flask (issue 12)', () => {
  let h: History;
  let r: Replayer;
  const cases = new Map<string, ReplayCase>();

  beforeAll(() => {
    h = openHistory();
    r = openReplayer(h);
    for (const [name, plan] of Object.entries(PLAN)) {
      const merges = mergesNamed(h, plan.merges);
      const c = merges.length === 1 ? mergeCase(h, merges[0]!, plan.racy) : pairCase(h, merges[0]!, merges[1]!);
      if (!c) throw new Error(`${name}: the two topics are one inside the other`);
      if (plan.racy && !c.racyFile) throw new Error(`${name}: no file fit for a racy edit`);
      cases.set(name, c);
    }
  });

  const runs = Object.entries(PLAN).flatMap(([name, plan]) => plan.strategies.map((strategy) => [name, strategy] as const));
  it.each(runs)('%s, %s: the radar and the queue give git’s answer, and nothing is lost', async (name, strategy) => {
    const plan = PLAN[name]!;
    const run = await replayCase(r, cases.get(name)!, strategy, plan.via);
    expect(run.conflicting).toBe(plan.conflicting);
    expect(run.checks.some((c) => c.what === 'racy edit committed')).toBe(plan.racy === true);
    expect(run.checks.some((c) => c.what.startsWith('queue'))).toBe(true);
    expect(mismatches(run)).toEqual([]);
  });
});
