/**
 * Where a review comment shows in the diff: under the last of its lines where its code is now
 * (moved code carries its comment along), or where it was when outdated; base-side comments stay
 * on their base lines.
 */
import { describe, expect, it } from 'vitest';
import { commentAnchor } from '../../renderer/src/models/review-model';

describe('commentAnchor', () => {
  it('follows moved code on the new side, stays put when outdated or on the base side', () => {
    expect(commentAnchor({ side: 'new', endLine: 4, now: { startLine: 2, endLine: 4 } })).toBe(4);
    expect(commentAnchor({ side: 'new', endLine: 4, now: { startLine: 10, endLine: 12 } })).toBe(12);
    expect(commentAnchor({ side: 'new', endLine: 4, now: null })).toBe(4);
    expect(commentAnchor({ side: 'old', endLine: 7, now: { startLine: 1, endLine: 1 } })).toBe(7);
  });
});
