import { MERGE_STRATEGIES, type MergeStrategy } from '../../../../shared/merge';
import type { Settings } from '../../../../shared/models';
import type { SettingsPatch } from './settings-store';

/**
 * The settings form's merge-queue part, pure: the default strategy, the gate command and its
 * timeout, and whether merged sessions are removed — as text fields (the checkbox as 'true' or
 * 'false'), and back as their part of the `settings.update` patch. Saved together with the rest of
 * the form (settings-form.ts).
 */
export interface MergeSettingsForm {
  mergeStrategy: string;
  gateCommand: string;
  gateTimeoutSeconds: string;
  removeAfterMerge: string;
}

export type MergeSettingsField = keyof MergeSettingsForm;

export type MergeSettingsPatch = Required<Pick<SettingsPatch, 'mergeStrategy' | 'gateCommand' | 'gateTimeoutSeconds' | 'removeAfterMerge'>>;

export function mergeFormFromSettings(settings: Settings): MergeSettingsForm {
  return {
    mergeStrategy: settings.mergeStrategy,
    gateCommand: settings.gateCommand ?? '',
    gateTimeoutSeconds: String(settings.gateTimeoutSeconds),
    removeAfterMerge: String(settings.removeAfterMerge),
  };
}

export const isStrategy = (value: string): value is MergeStrategy => (MERGE_STRATEGIES as readonly string[]).includes(value);

const GATE_MAX = 4000;
const DAY = 24 * 3600;

export function parseMergeSettingsForm(form: MergeSettingsForm): { ok: true; patch: MergeSettingsPatch } | { ok: false; field: MergeSettingsField; message: string } {
  const strategy = form.mergeStrategy.trim();
  if (!isStrategy(strategy)) return { ok: false, field: 'mergeStrategy', message: `Merge strategy: choose ${MERGE_STRATEGIES.join(', ')}.` };
  const gate = form.gateCommand.trim();
  if (gate.length > GATE_MAX) return { ok: false, field: 'gateCommand', message: `Gate command: at most ${GATE_MAX} characters.` };
  const timeoutText = form.gateTimeoutSeconds.trim();
  const timeout = Number(timeoutText);
  if (!/^\d+$/.test(timeoutText) || timeout < 1 || timeout > DAY) {
    return { ok: false, field: 'gateTimeoutSeconds', message: `Gate timeout: enter a whole number of seconds, from 1 to ${DAY} (a day).` };
  }
  return { ok: true, patch: { mergeStrategy: strategy, gateCommand: gate === '' ? null : gate, gateTimeoutSeconds: timeout, removeAfterMerge: form.removeAfterMerge === 'true' } };
}
