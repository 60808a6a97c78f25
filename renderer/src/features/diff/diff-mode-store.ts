import { createStore } from '../../lib/create-store';
import { PREFERENCE_KEYS, readPreference, writePreference } from '../../lib/storage';

/** Unified or split diffs; the choice is remembered. */
export type DiffMode = 'unified' | 'split';

export const diffMode = createStore<DiffMode>(readPreference(PREFERENCE_KEYS.diffMode) === 'split' ? 'split' : 'unified');

export function setDiffMode(mode: DiffMode): void {
  writePreference(PREFERENCE_KEYS.diffMode, mode);
  diffMode.set(mode);
}
