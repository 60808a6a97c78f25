import { describe, expect, it } from 'vitest';
import { parseDuration, parseSeconds } from '../../electron/cli/duration';
import { CouncilError } from '../../electron/core/errors';

/** The CLI's duration and seconds options: plain decimals and units only, anything else refused. */

const refusal = (f: () => unknown): string => {
  try {
    f();
  } catch (err) {
    if (err instanceof CouncilError) return `${err.code}: ${err.message}`;
    throw err;
  }
  throw new Error('not refused');
};

describe('parseSeconds', () => {
  it('takes whole and fractional seconds up to a day', () => {
    expect([parseSeconds('0', 't'), parseSeconds('2.5', 't'), parseSeconds(' 30 ', 't'), parseSeconds('86400', 't')]).toEqual([0, 2500, 30_000, 86_400_000]);
  });

  it('refuses empty text, hex, exponents, signs and more than a day, naming the option', () => {
    for (const text of ['', ' ', '0x10', '1e2', '-1', '+1', 'Infinity', 'NaN', '1.', '86401']) {
      expect(refusal(() => parseSeconds(text, '--timeout'))).toBe(`invalid-input: --timeout must be a number of seconds from 0 to 86400, not "${text}"`);
    }
  });
});

describe('parseDuration', () => {
  it('takes a number with a unit, minutes without one', () => {
    expect([parseDuration('90s'), parseDuration('30m'), parseDuration('2h'), parseDuration('7d'), parseDuration('5')]).toEqual([90_000, 1_800_000, 7_200_000, 604_800_000, 300_000]);
  });

  it('refuses empty text and other words', () => {
    for (const text of ['', ' ', '2 weeks', '0x10', '-5m']) expect(refusal(() => parseDuration(text))).toBe(`invalid-input: "${text}" is not a duration: use e.g. 90s, 30m, 2h or 7d`);
  });
});
