import type { Settings } from '../../../../shared/models';
import { isPresetId } from '../agents/run-model';
import type { SettingsPatch } from './settings-store';

/**
 * The settings form, pure: the stored settings as the form's text fields, and the fields back as
 * the `settings.update` patch, or the first field that is wrong (the core validates again).
 */
export interface SettingsForm {
  worktreeRoot: string;
  staleAfterMinutes: string;
  worktreeInclude: string;
  setupCommand: string;
  setupTimeoutSeconds: string;
  checkCommand: string;
  customCommand: string;
  defaultAgent: string;
  concurrency: string;
  maxRetries: string;
}

export type SettingsField = keyof SettingsForm;

export function formFromSettings(settings: Settings): SettingsForm {
  return {
    worktreeRoot: settings.worktreeRoot ?? '',
    staleAfterMinutes: String(settings.staleAfterMinutes),
    worktreeInclude: settings.worktreeInclude.join('\n'),
    setupCommand: settings.setupCommand ?? '',
    setupTimeoutSeconds: String(settings.setupTimeoutSeconds),
    checkCommand: settings.checkCommand ?? '',
    customCommand: settings.customCommand ?? '',
    defaultAgent: settings.defaultAgent ?? '',
    concurrency: String(settings.concurrency),
    maxRetries: String(settings.maxRetries),
  };
}

export type ParsedSettings = { ok: true; patch: SettingsPatch } | { ok: false; field: SettingsField; message: string };

const INCLUDE_MAX_LINES = 200;
const COMMAND_MAX = 4000;

function wholeNumber(text: string, min: number, max: number): number | null {
  const trimmed = text.trim();
  if (!/^-?\d+$/.test(trimmed)) return null;
  const n = Number(trimmed);
  return n >= min && n <= max ? n : null;
}

const optionalText = (text: string): string | null => (text.trim() === '' ? null : text.trim());

export function parseSettingsForm(form: SettingsForm): ParsedSettings {
  const fail = (field: SettingsField, message: string): ParsedSettings => ({ ok: false, field, message });
  const stale = wholeNumber(form.staleAfterMinutes, 1, 60 * 24 * 30);
  if (stale === null) return fail('staleAfterMinutes', 'Stale after: enter a whole number of minutes, from 1 to 43200 (30 days).');
  const timeout = wholeNumber(form.setupTimeoutSeconds, 1, 24 * 3600);
  if (timeout === null) return fail('setupTimeoutSeconds', 'Setup timeout: enter a whole number of seconds, from 1 to 86400 (a day).');
  const concurrency = wholeNumber(form.concurrency, 1, 64);
  if (concurrency === null) return fail('concurrency', 'Agents at once: enter a whole number from 1 to 64.');
  const maxRetries = wholeNumber(form.maxRetries, 0, 10);
  if (maxRetries === null) return fail('maxRetries', 'Retries: enter a whole number from 0 to 10.');
  const include = form.worktreeInclude
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  if (include.length > INCLUDE_MAX_LINES) return fail('worktreeInclude', `Files to copy: at most ${INCLUDE_MAX_LINES} patterns.`);
  const long = include.find((line) => line.length > 1000);
  if (long !== undefined) return fail('worktreeInclude', `Files to copy: a pattern is longer than 1000 characters (${long.slice(0, 40)}…).`);
  for (const [field, label] of [
    ['setupCommand', 'Setup command'],
    ['checkCommand', 'Check command'],
    ['customCommand', 'Custom agent command'],
  ] as const) {
    if (form[field].trim().length > COMMAND_MAX) return fail(field, `${label}: at most ${COMMAND_MAX} characters.`);
  }
  const agent = form.defaultAgent.trim();
  if (agent !== '' && !isPresetId(agent)) return fail('defaultAgent', `Default agent: "${agent}" is not a known preset.`);
  return {
    ok: true,
    patch: {
      worktreeRoot: optionalText(form.worktreeRoot),
      staleAfterMinutes: stale,
      worktreeInclude: include,
      setupCommand: optionalText(form.setupCommand),
      setupTimeoutSeconds: timeout,
      checkCommand: optionalText(form.checkCommand),
      customCommand: optionalText(form.customCommand),
      defaultAgent: isPresetId(agent) ? agent : null,
      concurrency,
      maxRetries,
    },
  };
}
