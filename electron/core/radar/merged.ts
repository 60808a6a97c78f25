import { mergeTree } from '../git/merge-tree';
import type { MergeQueue } from '../merge/queue-store';
import { treeOf } from '../git/refs';
import type { Workspace } from '../workspace';
import { mapLimit } from './limit';
import type { Side } from './radar';

/**
 * Sessions whose snapshot the base has entirely, shown in no pair: a session with commits of its
 * own, no uncommitted work, and its tip where it meets the base (merged with the merge strategy,
 * or a fast-forward), or — for a session the queue merged, by squash or rebase — one that merging
 * again would not change the base's tree. The latter is cached by the two commits.
 */
export class MergedSessions {
  /** Whether the base (first commit) already has everything of a session's snapshot (second). */
  private readonly contained = new Map<string, boolean>();

  constructor(
    private readonly ws: Workspace,
    /** The repository's one queue (its owner's, Council.queue). */
    private readonly queue: MergeQueue,
    private readonly concurrency: number,
  ) {}

  async find(sides: readonly Side[], base: Side, fork: (s: Side) => string | null): Promise<Set<string>> {
    const cwd = this.ws.repo.mainRoot;
    const merged = new Set<string>();
    const queued = new Set(this.queue.list().filter((e) => e.state === 'merged').map((e) => e.sessionId));
    const wanted = sides.filter((s) => queued.has(s.id) && !this.contained.has(`${base.commit} ${s.commit}`));
    if (wanted.length > 0) {
      const baseTree = await treeOf(cwd, base.commit);
      await mapLimit(wanted, this.concurrency, async (s) => {
        const again = await mergeTree(cwd, base.commit, s.commit);
        this.contained.set(`${base.commit} ${s.commit}`, again.clean && again.tree === baseTree);
      });
    }
    for (const s of sides) {
      const key = `${base.commit} ${s.commit}`;
      if (this.contained.get(key) === true || (s.commit === s.tip && s.tip !== s.start && fork(s) === s.tip)) merged.add(s.id);
    }
    const keys = new Set(sides.map((s) => `${base.commit} ${s.commit}`));
    for (const key of this.contained.keys()) if (!keys.has(key)) this.contained.delete(key);
    return merged;
  }
}
