import { describe, expect, it } from 'vitest';
import { locksClaim, mcpClaim, presetNote } from '../../electron/cli/agents';
import { PRESETS } from '../../electron/core/agents/presets/index';
import { presetClaims, supportMatrix, supportStates, type ProofRecord } from '../../electron/core/agents/presets/support';
import { cellText, differences, renderTable } from '../../scripts/support-matrix';

// Issue 16, item 3: how the support matrix is built from the tests' proofs — a claim with no
// passing proof is "not proven", never yes; a stand-in's proof says so; the README check names
// the cell that disagrees; `council agents` never claims more than the matrix.

const proof = (preset: ProofRecord['preset'], p: ProofRecord['proof'], standIn = false): ProofRecord => ({ preset, proof: p, file: `tests/agents/x-${p}.test.ts`, test: 't', standIn });

describe('the support matrix', () => {
  it('reads the claims from the presets: modes, resume, locks, MCP', () => {
    expect(presetClaims(PRESETS.claude)).toMatchObject({ resume: { text: 'yes' }, locks: { text: 'enforced', needs: ['locks.edit', 'locks.shell', 'locks.undo'] }, mcp: { text: 'yes' } });
    expect(presetClaims(PRESETS.aider)).toMatchObject({ resume: null, mcp: null, events: null, locks: { text: 'advisory' } });
    expect(presetClaims(PRESETS.custom).mcp).toBeNull();
  });

  it('a claim is proven only when every proof it needs was recorded; otherwise "not proven" with what is missing', () => {
    const [claude] = supportMatrix(PRESETS, [proof('claude', 'headless'), proof('claude', 'locks.edit'), proof('claude', 'locks.shell'), proof('codex', 'resume')]);
    expect(claude?.cells.headless).toEqual({ state: 'proven', claim: 'yes', tests: ['x-headless'], missing: [] });
    // Edit tools and shell proven, the undo not: enforced is not claimed.
    expect(claude?.cells.locks).toEqual({ state: 'not proven', claim: 'enforced', tests: ['x-locks.edit', 'x-locks.shell'], missing: ['locks.undo'] });
    // Another preset's proof does not count.
    expect(claude?.cells.resume).toMatchObject({ state: 'not proven', missing: ['resume'] });
    expect(cellText(claude!, claude!.cells.locks, 'locks')).toBe('not proven: claims **enforced**; no passing test of locks.undo (in part: x-locks.edit, x-locks.shell)');
    expect(cellText(claude!, claude!.cells.headless, 'headless')).toBe('yes (x-headless)');
  });

  it('a stand-in proof is shown as such; an unverified preset without one reads "not verified on this build"', () => {
    const matrix = supportMatrix(PRESETS, [proof('aider', 'headless', true)]);
    const aider = matrix.find((r) => r.preset === 'aider')!;
    expect(aider.cells.headless.state).toBe('stand-in');
    expect(cellText(aider, aider.cells.headless, 'headless')).toBe('yes, with a stand-in only (x-headless)');
    expect(cellText(aider, aider.cells.status, 'status')).toBe('not proven: claims its text output + the watcher; not verified on this build');
    expect(renderTable(matrix)).toContain('| `aider` — not verified on this build |');
  });

  it('the README check names each cell that disagrees', () => {
    const proven = renderTable(supportMatrix(PRESETS, [proof('qwen', 'resume')]));
    const none = renderTable(supportMatrix(PRESETS, []));
    expect(differences(proven, none)).toEqual(['qwen / resume: the README says "yes (x-resume)", the test results say "not proven: claims yes; no passing test of resume"']);
    expect(differences(none, none)).toEqual([]);
    expect(differences(none.split('\n').filter((l) => !l.startsWith('| `ollama`')).join('\n'), none)).toEqual(['ollama: no row in the README']);
  });

  it('council agents shows locks and claims no further than the matrix', () => {
    const none = supportStates([], PRESETS.claude);
    expect(none).toMatchObject({ locks: 'not proven', headless: 'not proven', mcp: 'not proven' });
    expect(locksClaim({ locks: 'enforced', support: none })).toBe('enforced (not proven)');
    expect(locksClaim({ locks: 'enforced', support: { ...none, locks: 'proven' } })).toBe('enforced');
    expect(locksClaim({ locks: 'advisory', support: { ...none, locks: 'stand-in' } })).toBe('advisory (stand-in only)');
    expect(locksClaim({ locks: 'enforced' })).toBe('enforced (not proven)');
    expect(mcpClaim({ noMcp: null, support: none })).toBe('yes (not proven)');
    expect(mcpClaim({ noMcp: null, support: { ...none, mcp: 'proven' } })).toBe('yes');
    expect(mcpClaim({ noMcp: 'no MCP client', support: none })).toBe('none');
    expect(presetNote({ support: { ...none, headless: 'proven', locks: 'not proven' } })).toBe('not proven: interactive, resume, structured events, status, first write');
    expect(presetNote({ unverified: 'PyPI', support: supportStates([], PRESETS.aider) })).toBe('not verified on this build; not proven: headless, interactive, status, first write');
  });
});
