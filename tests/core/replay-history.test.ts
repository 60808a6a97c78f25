import { beforeAll, describe, expect, it } from 'vitest';
import type { MergeStrategy } from '../../shared/merge';
import { mergeCase, mergesNamed, pairCase, type ReplayCase } from '../helpers/replay/cases';
import { bundleMissing, openHistory, openOwnHistory, ownHistoryMissing, type History } from '../helpers/replay/history';
import { mismatches, openReplayer, replayCase, type Replayer, type ReplayVia } from '../helpers/replay/run';

/*
 * Issue 12: real merges of a public repository's history (flask, tests/fixtures/history/) replayed
 * through sessions, the conflict radar and the merge queue, each answer checked against git's own:
 * conflict or not, exactly the conflicted files, the resulting tree; racily clean uncommitted edits
 * among them, which must be committed and land. A handful here; every merge of the history with
 * `npx tsx scripts/reliability/replay.ts` (docs/reliability.md, section 6).
 *
 * The flask bundle is not in the repository (the tool library's rules keep code fetched from other
 * projects out of commits; tests/fixtures/history/README.md says how to make it), so the same
 * replay also runs on a history that is always here: CLI Council's own, whose real merges of
 * issue 12's branches met in conflicting files (app-core.ts, manager.ts, claude.ts …).
 */

const missing = bundleMissing();
if (missing) console.warn(`\n*** SKIPPED the flask replay: ${missing}\n`);

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

/** CLI Council's own merges (first parent main, second parent an issue-12 branch). */
const OWN_PLAN: Record<string, Planned> = {
  // i12-live into main after i12-presets: manager.ts, types.ts, claude.ts and app-core.ts in conflict.
  'live-picture branch after the presets branch': { merges: ['7ed0a4b850af4650e9e4c04426db70482ac70591'], strategies: ['merge', 'rebase'], conflicting: true },
  // i12-settings after both: claude.ts, ollama.ts, app-core.ts and agents.css in conflict.
  'settings branch after both': { merges: ['42c03109cf9f782e2525077746f45abd2a7f70a2'], strategies: ['squash'], conflicting: true },
  // i12-radar into main: clean; a racily clean edit left in its worktree.
  'radar branch with a racy edit': { merges: ['c917c3b5b5f83078cec36d35599a3f9b5cca8114'], racy: true, strategies: ['merge'], conflicting: false },
  // i12-presets and i12-live as two sessions from one fork point: they collide with each other.
  'presets and live branches together': { merges: ['5e9a8ebdbdd56fa7b80e6f18211cef5af9732439', '7ed0a4b850af4650e9e4c04426db70482ac70591'], strategies: ['merge'], conflicting: true },
};
const ownMissing = ownHistoryMissing(Object.values(OWN_PLAN).flatMap((p) => p.merges));
if (ownMissing) console.warn(`\n*** SKIPPED the replay of CLI Council's own history: ${ownMissing}\n`);

function replaySuite(title: string, unavailable: string | null, open: () => History, plan: Record<string, Planned>): void {
  describe.skipIf(unavailable !== null)(title, () => {
    let h: History;
    let r: Replayer;
    const cases = new Map<string, ReplayCase>();

    beforeAll(() => {
      h = open();
      r = openReplayer(h);
      for (const [name, p] of Object.entries(plan)) {
        const merges = mergesNamed(h, p.merges);
        const c = merges.length === 1 ? mergeCase(h, merges[0]!, p.racy) : pairCase(h, merges[0]!, merges[1]!);
        if (!c) throw new Error(`${name}: the two topics are one inside the other`);
        if (p.racy && !c.racyFile) throw new Error(`${name}: no file fit for a racy edit`);
        cases.set(name, c);
      }
    });

    const runs = Object.entries(plan).flatMap(([name, p]) => p.strategies.map((strategy) => [name, strategy] as const));
    it.each(runs)('%s, %s: the radar and the queue give git’s answer, and nothing is lost', async (name, strategy) => {
      const p = plan[name]!;
      const run = await replayCase(r, cases.get(name)!, strategy, p.via);
      expect(run.conflicting).toBe(p.conflicting);
      expect(run.checks.some((c) => c.what === 'racy edit committed')).toBe(p.racy === true);
      expect(run.checks.some((c) => c.what.startsWith('queue'))).toBe(true);
      expect(mismatches(run)).toEqual([]);
    });
  });
}

replaySuite('replaying real merges of flask (issue 12)', missing, () => openHistory(), PLAN);
replaySuite("replaying real merges of CLI Council's own history (issue 12)", ownMissing, openOwnHistory, OWN_PLAN);
