import { defineConfig } from 'vitest/config';

/**
 * The support-matrix check (tests/matrix/*.check.ts): run by `npm test` after the whole suite, on
 * the proofs that run recorded (scripts/test.mjs). Not part of `vitest run`: a single test file
 * proves only part of the matrix.
 */
export default defineConfig({
  test: {
    include: ['tests/matrix/**/*.check.ts'],
    testTimeout: 60_000,
  },
});
