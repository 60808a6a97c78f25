import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import type { AgentPresetId } from '../../shared/agents';
import type { Proof, ProofRecord } from '../../electron/core/agents/presets/support';
import { REPO_ROOT } from './cli';

/** Where the tests' proofs go; the README's support matrix is rendered from them (scripts/support-matrix.ts). */
export const SUPPORT_RESULTS = path.join(REPO_ROOT, 'test-results', 'support');

/**
 * Records that the running test proved `proofs` for `preset` (a cell of the README's support
 * matrix). Call it as the test's last statement, after every assertion and after its cleanup, so
 * a test that failed never records anything. `standIn`: proven with a stand-in for the program,
 * not the real one (Aider, Auto-Claude). The record carries the run's stamp (COUNCIL_SUPPORT_RUN,
 * set by `npm test`) so the matrix check can tell this run's proofs from an earlier run's.
 */
export function proves(preset: AgentPresetId, proofs: Proof | Proof[], options: { standIn?: boolean } = {}): void {
  const state = expect.getState();
  if (!state.testPath || !state.currentTestName) throw new Error('proves() must be called inside a test');
  // A test that asserted nothing proves nothing.
  if (state.assertionCalls === 0) throw new Error(`proves(${preset}): the test "${state.currentTestName}" made no assertion`);
  const file = path.relative(REPO_ROOT, state.testPath).split(path.sep).join('/');
  mkdirSync(SUPPORT_RESULTS, { recursive: true });
  for (const proof of Array.isArray(proofs) ? proofs : [proofs]) {
    const record: ProofRecord & { run: string | null } = { preset, proof, file, test: state.currentTestName, standIn: options.standIn ?? false, run: process.env.COUNCIL_SUPPORT_RUN ?? null };
    const name = `${preset}.${proof}.${path.basename(file).replace(/\.test\.ts$/, '')}.json`;
    writeFileSync(path.join(SUPPORT_RESULTS, name), `${JSON.stringify(record, null, 2)}\n`);
  }
}
