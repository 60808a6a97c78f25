import type { Session } from '../../../shared/models';
import type { ReviewComment, ReviewCommentView, ReviewFile } from '../../../shared/review';
import type { Council } from '../council';
import { headCommit } from '../git/refs';
import { fileAtCommit } from '../git/review-snapshot';
import { changedSinceReview, locate, splitLines } from './anchor';
import { oldSideCommit, worktreeText } from './sides';

/**
 * Each comment as readers see it (core/review/anchor.ts has the rules): where its code is now or
 * `outdated`, and for a sent comment whether it was `addressed` (its lines changed since the
 * review snapshot, or the person resolved it) or is still `open`. A comment on the base's side
 * (`old`) is addressed only when resolved: the agent does not change the base.
 */
export async function commentViews(council: Council, session: Session, file: ReviewFile): Promise<ReviewCommentView[]> {
  const cache = new Map<string, Promise<string[] | null>>();
  const read = (key: string, load: () => Promise<string | null>): Promise<string[] | null> => {
    let lines = cache.get(key);
    if (!lines) {
      lines = load().then((text) => (text === null ? null : splitLines(text)));
      cache.set(key, lines);
    }
    return lines;
  };
  let oldNow: Promise<string | null> | null = null;
  const oldSide = (): Promise<string | null> => {
    oldNow ??= headCommit(session.worktreePath)
      .then((head) => oldSideCommit(council, session, head))
      .catch(() => null);
    return oldNow;
  };
  const nowLines = async (c: ReviewComment): Promise<string[] | null> => {
    if (c.side === 'new') return read(`now:${c.path}`, async () => worktreeText(session, c.path));
    const base = await oldSide();
    return base === null ? null : read(`${base}:${c.path}`, () => fileAtCommit(council.root, base, c.path));
  };
  const rounds = new Map(file.rounds.map((r) => [r.n, r]));
  return Promise.all(
    file.comments.map(async (c): Promise<ReviewCommentView> => {
      const now = await nowLines(c);
      const anchored = now === null ? null : locate(now, c.quote, c);
      const view = { ...c, state: c.round === null ? ('pending' as const) : ('sent' as const), outdated: anchored === null, now: anchored, outcome: null, addressedBy: null };
      if (c.round === null) return view;
      if (c.resolvedAt !== null) return { ...view, outcome: 'addressed', addressedBy: 'resolved' };
      const round = rounds.get(c.round);
      if (c.side === 'old' || !round) return { ...view, outcome: 'open' };
      const atReview = await read(`${round.snapshot}:${c.path}`, () => fileAtCommit(council.root, round.snapshot, c.path));
      return changedSinceReview(atReview, now, c.quote, c) ? { ...view, outcome: 'addressed', addressedBy: 'changed' } : { ...view, outcome: 'open' };
    }),
  );
}
