/**
 * One review store per session (issue 14): one `review.get` in flight at a time, exactly one more
 * for any number of changes arriving during it, and reads only on changes that can change what a
 * view shows (review changes; context/runs while changes are requested; worktree changes while a
 * view shows comments' marks or lists the files).
 */
import { describe, expect, it } from 'vitest';
import type { Result } from '../../shared/errors';
import type { ReviewView } from '../../shared/review';
import { createSessionReview } from '../../renderer/src/features/review/session-review-store';

const REPO = '/r';
const ID = 'aa01';

function view(status: ReviewView['status'], comments = 0): ReviewView {
  const comment = (n: number) => ({
    id: `c${n}`, path: 'a.ts', side: 'new' as const, startLine: 1, endLine: 1, body: 'x', quote: ['a'], snapshot: 'a'.repeat(40), createdAt: '2026-01-01T00:00:00.000Z',
    state: 'pending' as const, round: null, resolvedAt: null, outdated: false, now: { startLine: 1, endLine: 1 }, outcome: null, addressedBy: null,
  });
  return { sessionId: ID, status, comments: Array.from({ length: comments }, (_, i) => comment(i + 1)) as unknown as ReviewView['comments'], rounds: [], approval: null, sinceSnapshot: null, updatedAt: null };
}

/** A core whose answers the test releases one by one, counting the requests. */
function fakeCore(initial: ReviewView) {
  let current = initial;
  const pending: (() => void)[] = [];
  const counts = { review: 0, files: 0, inFlight: 0, maxInFlight: 0 };
  const answer = <T,>(value: () => T) =>
    new Promise<Result<T>>((resolve) => {
      counts.inFlight += 1;
      counts.maxInFlight = Math.max(counts.maxInFlight, counts.inFlight);
      pending.push(() => {
        counts.inFlight -= 1;
        resolve({ ok: true, value: value() });
      });
    });
  return {
    counts,
    set: (v: ReviewView) => (current = v),
    deps: {
      getReview: () => (counts.review++, answer(() => current)),
      getFiles: () => (counts.files++, answer(() => ['a.ts'] as readonly string[])),
    },
    /** Answers everything asked so far, then lets the store take the answers in. */
    async flush() {
      while (pending.length) {
        pending.splice(0).forEach((f) => f());
        await new Promise((r) => setTimeout(r, 0));
      }
    },
  };
}

const change = (kind: string, sessionId: string | undefined = ID) => ({ repo: REPO, kind, ...(sessionId ? { sessionId } : {}) });

describe('the per-session review store', () => {
  it('several views share one read; changes during a read ask for exactly one more', async () => {
    const core = fakeCore(view('none', 1));
    const s = createSessionReview(REPO, ID, core.deps);
    s.attach({ marks: true });
    s.attach({ files: true });
    s.attach({});
    // One read in flight; the files wait for it (never two reads at once).
    expect(core.counts).toMatchObject({ review: 1, files: 0, inFlight: 1 });
    // Five review changes while the first read is in flight: one more read, after it.
    for (let i = 0; i < 5; i++) s.handle(change('review'));
    expect(core.counts.review).toBe(1);
    await core.flush();
    await s.idle();
    expect(core.counts).toMatchObject({ review: 2, files: 1, inFlight: 0 });
    expect(core.counts.maxInFlight).toBeLessThanOrEqual(2); // one review.get and one sessions.changes
    expect(s.store.get().review?.comments).toHaveLength(1);
    expect(s.store.get().files).toEqual(['a.ts']);
  });

  it('never two review.get at once, and the last answer is the newest', async () => {
    const core = fakeCore(view('none'));
    const s = createSessionReview(REPO, ID, core.deps);
    s.attach({});
    let inFlight = 0;
    let max = 0;
    const before = core.deps.getReview;
    core.deps.getReview = () => {
      inFlight++;
      max = Math.max(max, inFlight);
      return before().finally(() => inFlight--);
    };
    core.set(view('approved'));
    s.handle(change('review'));
    s.handle(change('review'));
    await core.flush();
    await s.idle();
    expect(max).toBeLessThanOrEqual(1);
    expect(s.store.get().review?.status).toBe('approved');
  });

  it('a worktree change reads again only while a view shows the marks and there are comments; else it is remembered', async () => {
    const core = fakeCore(view('none', 2));
    const s = createSessionReview(REPO, ID, core.deps);
    const detach = s.attach({ marks: false });
    await core.flush();
    expect(core.counts.review).toBe(1);
    // The diff is hidden (another tab): nothing read however many files change.
    for (let i = 0; i < 3; i++) s.handle(change('worktree'));
    await core.flush();
    expect(core.counts.review).toBe(1);
    // The diff shows again: one read for everything missed.
    detach();
    s.attach({ marks: true });
    await core.flush();
    expect(core.counts.review).toBe(2);
    s.handle(change('worktree'));
    await core.flush();
    expect(core.counts.review).toBe(3);
    // Another session's or another repository's changes: nothing.
    s.handle(change('worktree', 'bb02'));
    s.handle({ repo: '/other', kind: 'review', sessionId: ID });
    await core.flush();
    expect(core.counts.review).toBe(3);
  });

  it('without comments a worktree change cannot change the review: no review.get, but the form\'s files are read', async () => {
    const core = fakeCore(view('none', 0));
    const s = createSessionReview(REPO, ID, core.deps);
    s.attach({ marks: true });
    s.attach({ files: true });
    await core.flush();
    expect(core.counts).toMatchObject({ review: 1, files: 1 });
    s.handle(change('worktree'));
    await core.flush();
    expect(core.counts).toMatchObject({ review: 1, files: 2 });
  });

  it('context and runs changes read again only while changes are requested', async () => {
    const core = fakeCore(view('none', 1));
    const s = createSessionReview(REPO, ID, core.deps);
    s.attach({});
    await core.flush();
    s.handle(change('context'));
    s.handle(change('runs'));
    await core.flush();
    expect(core.counts.review).toBe(1);
    core.set(view('changes-requested', 1));
    s.handle(change('review', undefined)); // the first review folder appeared: names no session
    await core.flush();
    expect(core.counts.review).toBe(2);
    s.handle(change('context'));
    await core.flush();
    expect(core.counts.review).toBe(3);
    s.handle(change('sessions'));
    s.handle(change('locks'));
    await core.flush();
    expect(core.counts.review).toBe(3);
  });

  it('a failed read keeps what was shown and says why; the next success clears it', async () => {
    const results: Result<ReviewView>[] = [{ ok: true, value: view('none') }, { ok: false, error: { code: 'internal', message: 'boom' } }, { ok: true, value: view('approved') }];
    const s = createSessionReview(REPO, ID, { getReview: async () => results.shift() as Result<ReviewView>, getFiles: async () => ({ ok: true, value: [] }) });
    s.attach({});
    await s.idle();
    s.reload();
    await s.idle();
    expect(s.store.get()).toMatchObject({ error: 'boom', review: { status: 'none' } });
    s.reload();
    await s.idle();
    expect(s.store.get()).toMatchObject({ error: null, review: { status: 'approved' } });
  });
});

describe('the per-session review store, heard or not', () => {
  it('a view coming while nobody stopped listening reads nothing new; after a pause in listening, one read', async () => {
    const core = fakeCore(view('none', 1));
    const s = createSessionReview(REPO, ID, core.deps);
    s.listening(true);
    const a = s.attach({});
    // A second view attaching while the first read is in flight (a view remounting): no second read.
    a();
    const b = s.attach({});
    await core.flush();
    expect(core.counts.review).toBe(1);
    b();
    s.listening(false);
    s.listening(true);
    s.attach({ marks: true, files: true });
    await core.flush();
    expect(core.counts).toMatchObject({ review: 2, files: 1 });
  });
});
