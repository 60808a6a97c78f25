/**
 * The review diff's section tracker finds the first section near the view by a binary search over
 * the sections' bottoms (in order, one under the other): checked against a plain scan.
 */
import { describe, expect, it } from 'vitest';
import { firstEndingBelow } from '../../renderer/src/features/diff/section-tracker';

describe('firstEndingBelow', () => {
  // Sections of varied heights, one under the other, with a gap: their bottoms in page coordinates.
  const heights = [40, 300, 19, 19, 5000, 60, 60, 120, 19, 800];
  const bottoms: number[] = [];
  heights.reduce((top, h) => {
    bottoms.push(top + h);
    return top + h + 12;
  }, -2000);

  it('finds the first section whose bottom is at or below the line, as a scan would', () => {
    for (let y = -2200; y <= 5000; y += 7) {
      const scan = bottoms.findIndex((b) => b >= y);
      expect(firstEndingBelow(bottoms.length, (i) => bottoms[i]!, y)).toBe(scan === -1 ? bottoms.length : scan);
    }
  });

  it('reads only a logarithmic number of sections', () => {
    const many = Array.from({ length: 300 }, (_, i) => i * 100);
    let reads = 0;
    expect(firstEndingBelow(many.length, (i) => (reads++, many[i]!), 15_050)).toBe(151);
    expect(reads).toBeLessThanOrEqual(9);
  });

  it('no sections: none', () => {
    expect(firstEndingBelow(0, () => 0, 0)).toBe(0);
  });
});
