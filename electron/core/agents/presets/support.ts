import type { AgentPresetId } from '../../../../shared/agents';
import { AGENT_PRESET_IDS, CELL_STATES, SUPPORT_CELLS } from '../../../../shared/agents';
import type { AgentPreset } from '../types';

/**
 * The support matrix (README "What each preset is proven to do", `council agents`): what each
 * preset claims, cell by cell, and which proofs a claim needs. A proof is recorded by a test with
 * the real CLI after its assertions passed (tests/helpers/proves.ts writes
 * test-results/support/<preset>.<proof>.json); `npm run matrix` (scripts/support-matrix.ts) turns
 * claims + proofs into support-matrix.json and the README's table, and the matrix check of
 * `npm test` fails when either disagrees with the results of the run. A claim with no passing
 * proof shows as "not proven", never as yes.
 */

export { CELL_STATES, SUPPORT_CELLS };
export type SupportCell = (typeof SUPPORT_CELLS)[number];

/** The README's column titles. */
export const CELL_TITLES: Record<SupportCell, string> = {
  headless: 'headless',
  interactive: 'interactive',
  resume: 'resume',
  events: 'structured events',
  locks: 'locks',
  mcp: "council's MCP tools",
  status: 'status from',
  firstWrite: 'first write lands in',
};

/** What one test can prove. A cell's claim names the proofs it needs; all of them must be recorded. */
export const PROOFS = ['headless', 'interactive', 'resume', 'events', 'locks.edit', 'locks.shell', 'locks.undo', 'locks.flagged', 'mcp', 'status', 'firstWrite'] as const;
export type Proof = (typeof PROOFS)[number];

/** A preset's claim for one cell: what it says (e.g. "enforced", "stream-json") and the proofs that back it. */
export interface Claim {
  text: string;
  needs: Proof[];
}

/** The parts of a preset's claims that its metadata (modes, resumes, locks, noMcp) does not say. */
interface Declared {
  /** Its structured output, parsed into council's events; null: plain text (not claimed). */
  events: string | null;
  /** Where the session's status comes from. */
  status: string;
  /** What an enforced (or advisory) lock claim rests on: the edit tools, the shell tool, the undo after a shell command. */
  locks: Proof[];
}

const ENFORCED_ALL: Proof[] = ['locks.edit', 'locks.shell', 'locks.undo'];

const DECLARED: Record<AgentPresetId, Declared> = {
  claude: { events: 'stream-json', status: 'hooks + stream-json', locks: ENFORCED_ALL },
  codex: { events: '--json', status: 'hooks + --json', locks: ENFORCED_ALL },
  gemini: { events: 'stream-json', status: 'hooks + stream-json', locks: ENFORCED_ALL },
  opencode: { events: '--format json', status: '--format json + the watcher', locks: ['locks.flagged'] },
  qwen: { events: 'stream-json', status: 'hooks + stream-json', locks: ENFORCED_ALL },
  copilot: { events: '--output-format json', status: 'hooks + --output-format json', locks: ENFORCED_ALL },
  kilo: { events: '--format json', status: 'plugin hooks + --format json', locks: ENFORCED_ALL },
  aider: { events: null, status: 'its text output + the watcher', locks: ['locks.flagged'] },
  // Through Codex --oss (the default driver): Codex's only edit tool there is its shell.
  ollama: { events: 'Codex --json', status: 'hooks + Codex --json', locks: ['locks.shell'] },
  'auto-claude': { events: null, status: 'exit status + the watcher', locks: ['locks.flagged'] },
  custom: { events: null, status: 'exit status + the watcher', locks: ['locks.flagged'] },
};

/** Every cell's claim for a preset (null: not claimed), from its metadata and DECLARED. */
export function presetClaims(preset: AgentPreset): Record<SupportCell, Claim | null> {
  const declared = DECLARED[preset.id];
  const headless = preset.modes.includes('headless');
  return {
    headless: headless ? { text: 'yes', needs: ['headless'] } : null,
    interactive: preset.modes.includes('interactive') ? { text: 'yes', needs: ['interactive'] } : null,
    resume: preset.resumes ? { text: 'yes', needs: ['resume'] } : null,
    events: declared.events && headless ? { text: declared.events, needs: ['events'] } : null,
    locks: { text: preset.locks, needs: declared.locks },
    mcp: preset.noMcp ? null : { text: 'yes', needs: ['mcp'] },
    status: { text: declared.status, needs: ['status'] },
    firstWrite: { text: 'the worktree', needs: ['firstWrite'] },
  };
}

/** How a cell stands: proven with the real CLI, with a stand-in only, claimed without a passing proof, not claimed. */
export type CellState = (typeof CELL_STATES)[number];

export interface MatrixCell {
  state: CellState;
  /** The claim ("yes", "enforced", "stream-json" …); empty when not claimed. */
  claim: string;
  /** The test files whose passing tests proved it (names without .test.ts). */
  tests: string[];
  /** The proofs a claim needs that no passing test recorded. */
  missing: Proof[];
}

export interface MatrixRow {
  preset: AgentPresetId;
  label: string;
  /** Set for presets that cannot run for real where council is tested (Aider, Auto-Claude). */
  unverified: boolean;
  cells: Record<SupportCell, MatrixCell>;
}

/** One proof as a test recorded it (test-results/support/<preset>.<proof>.json). */
export interface ProofRecord {
  preset: AgentPresetId;
  proof: Proof;
  /** The test file (relative to the repository) and the test's full name. */
  file: string;
  test: string;
  /** Proven with a stand-in for the program, not the real one. */
  standIn: boolean;
}

const testName = (file: string): string => file.replace(/^.*\//, '').replace(/\.test\.ts$/, '');

/** One cell from its claim and the proofs recorded for the preset. */
export function matrixCell(claim: Claim | null, proofs: ProofRecord[]): MatrixCell {
  if (!claim) return { state: 'no', claim: '', tests: [], missing: [] };
  const missing = claim.needs.filter((need) => !proofs.some((p) => p.proof === need));
  const used = proofs.filter((p) => claim.needs.includes(p.proof));
  const tests = [...new Set(used.map((p) => testName(p.file)))].sort();
  if (missing.length > 0) return { state: 'not proven', claim: claim.text, tests, missing };
  return { state: used.some((p) => p.standIn) ? 'stand-in' : 'proven', claim: claim.text, tests, missing: [] };
}

/** The whole matrix, in the presets' order, from the presets and the recorded proofs. */
export function supportMatrix(presets: Record<AgentPresetId, AgentPreset>, records: ProofRecord[]): MatrixRow[] {
  return AGENT_PRESET_IDS.map((id) => {
    const preset = presets[id];
    const claims = presetClaims(preset);
    const mine = records.filter((r) => r.preset === id);
    const cells = Object.fromEntries(SUPPORT_CELLS.map((cell) => [cell, matrixCell(claims[cell], mine)])) as Record<SupportCell, MatrixCell>;
    return { preset: id, label: preset.label, unverified: Boolean(preset.unverified), cells };
  });
}

/** Each cell's standing for a preset, from a generated matrix (support-matrix.json); a preset missing from it: all not proven. */
export function supportStates(matrix: readonly MatrixRow[], preset: AgentPreset): Record<SupportCell, CellState> {
  const row = matrix.find((r) => r.preset === preset.id);
  const claims = presetClaims(preset);
  return Object.fromEntries(SUPPORT_CELLS.map((cell) => [cell, row?.cells[cell]?.state ?? (claims[cell] ? 'not proven' : 'no')])) as Record<SupportCell, CellState>;
}
