import { checkSettingValue, type SettingEntry, type SettingSource, type SettingsScope, type SettingsView } from '../../../../shared/settings';

/**
 * The Settings screen's form, pure: one scope's values (the user's, or this repository's) as text
 * fields, key by key, and the fields the user changed back as a `settings.change` — set where a
 * field has a value, unset where it was emptied (the scope below applies again). Values are checked
 * with the same rules, and the same words, as `council settings set` (shared/settings.ts); the core
 * checks again.
 */

/** One text per key (`concurrency`, `agents.claude.path` …); '' is "not set in this scope". */
export type ScopeForm = Record<string, string>;

/** A select's value for an explicit "none" (a nullable choice set to nothing, not left unset). */
export const NONE = '__none__';

/** What a scope holds for a key (undefined: not set there). */
export function scopeValue(entry: SettingEntry, scope: SettingsScope): unknown {
  return scope === 'user' ? entry.user : entry.repository;
}

/** A stored value as its field's text. */
export function entryText(entry: SettingEntry, value: unknown): string {
  if (value === undefined) return '';
  switch (entry.kind) {
    case 'list':
      return (value as string[]).join('\n');
    case 'map':
      return Object.entries(value as Record<string, string>)
        .map(([name, text]) => `${name}=${text}`)
        .join('\n');
    case 'boolean':
      return value ? 'true' : 'false';
    case 'nullable-enum':
      return value === null ? NONE : String(value);
    case 'nullable-text':
      return value === null ? '' : String(value);
    default:
      return String(value);
  }
}

export function formFor(view: SettingsView, scope: SettingsScope): ScopeForm {
  return Object.fromEntries(view.entries.map((entry) => [entry.key, entryText(entry, scopeValue(entry, scope))]));
}

export type FieldParse = { ok: true; value: unknown } | { ok: false; message: string };

/** A field's text as the value to store; `undefined` when it is empty (unset in this scope). */
export function parseEntryText(entry: SettingEntry, text: string): FieldParse {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: true, value: undefined };
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  let value: unknown;
  switch (entry.kind) {
    case 'int':
      if (!/^-?\d+$/.test(trimmed)) return { ok: false, message: `${entry.key}: "${trimmed}" is not allowed; it takes ${entry.allowed}` };
      value = Number(trimmed);
      break;
    case 'boolean':
      value = trimmed === 'true';
      break;
    case 'nullable-enum':
      value = trimmed === NONE ? null : trimmed;
      break;
    case 'list':
      value = lines;
      break;
    case 'map': {
      const map: Record<string, string> = {};
      for (const line of lines) {
        const eq = line.indexOf('=');
        if (eq < 1) return { ok: false, message: `${entry.key}: "${line}" is not NAME=value; it takes ${entry.allowed}` };
        map[line.slice(0, eq).trim()] = line.slice(eq + 1);
      }
      value = map;
      break;
    }
    default:
      value = trimmed;
  }
  const checked = checkSettingValue(entry.key, value);
  return checked.ok ? { ok: true, value: checked.value } : checked;
}

export type ScopeChange = { ok: true; set: Record<string, unknown>; unset: string[] } | { ok: false; key: string; message: string };

/** The fields changed since `initial`, as one change of the scope (untouched fields are left alone). */
export function scopeChange(view: SettingsView, initial: ScopeForm, form: ScopeForm): ScopeChange {
  const set: Record<string, unknown> = {};
  const unset: string[] = [];
  for (const entry of view.entries) {
    const text = form[entry.key] ?? '';
    if (text === (initial[entry.key] ?? '')) continue;
    const parsed = parseEntryText(entry, text);
    if (!parsed.ok) return { ok: false, key: entry.key, message: parsed.message };
    if (parsed.value === undefined) unset.push(entry.key);
    else set[entry.key] = parsed.value;
  }
  return { ok: true, set, unset };
}

/** A value as a person reads it in a sentence. */
export function showValue(value: unknown): string {
  if (value === null || value === undefined) return 'none';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (Array.isArray(value)) return value.length ? value.join(' ') : 'none';
  if (typeof value === 'object') {
    const pairs = Object.entries(value as Record<string, string>);
    return pairs.length ? pairs.map(([name, text]) => `${name}=${text}`).join(', ') : 'none';
  }
  return String(value);
}

export const SOURCE_WORDS: Record<SettingSource, string> = { default: 'the default', user: 'your user settings', repository: 'this repository' };

/** What applies when this scope leaves the key unset: the user's value (for the repository scope), else the default. */
export function inheritedValue(entry: SettingEntry, scope: SettingsScope): { value: unknown; from: SettingSource } | null {
  if (scope === 'repository' && entry.user !== undefined) return { value: entry.user, from: 'user' };
  if (entry.default !== undefined) return { value: entry.default, from: 'default' };
  return null;
}

/** The line under a field: what applies in this repository now, and where it comes from. */
export function effectiveLine(entry: SettingEntry, scope: SettingsScope): string {
  const shown = showValue(entry.effective);
  const base = `In effect: ${shown.length > 160 ? `${shown.slice(0, 160)}…` : shown} — from ${SOURCE_WORDS[entry.source]}`;
  if (scope === 'user' && entry.source === 'repository') return `${base} (it overrides your user setting here)`;
  return `${base}.`;
}
