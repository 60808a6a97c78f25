import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkMatrix, FIX, readProofs, RESULTS_DIR, ROOT } from '../../scripts/support-matrix';

// Issue 16, item 3: the README's support matrix is generated from the tests' results. This check
// runs after the whole suite (`npm test`: a second vitest run with vitest.matrix.config.ts, never
// with a single test file, which would have proved only part of the matrix), on the proofs that
// this run recorded (stamped COUNCIL_SUPPORT_RUN). A cell whose test failed or did not run reads
// "not proven" in the rendered table, so the README's claim of it fails here, by name.

describe("the README's support matrix", () => {
  it('agrees, cell by cell, with what this run of the whole suite proved', () => {
    const run = process.env.COUNCIL_SUPPORT_RUN;
    expect(run, 'COUNCIL_SUPPORT_RUN is not set: the matrix check runs after the whole suite, by `npm test`').toBeTruthy();
    const { records, stale, bad } = readProofs(RESULTS_DIR, run);
    const dir = path.relative(ROOT, RESULTS_DIR);
    expect(bad, `unreadable results in ${dir}`).toEqual([]);
    expect(stale, `results in ${dir} from another run (npm test clears them before the suite)`).toEqual([]);
    expect(records.length, `no test of this run recorded a proof in ${dir}`).toBeGreaterThan(0);
    const { problems } = checkMatrix(records);
    expect(problems, `The README's support matrix disagrees with this run's test results. Fix: ${FIX}.`).toEqual([]);
  });
});
