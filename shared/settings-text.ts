import { checkSettingValue, parseSettingKey, specOf, type Parsed } from './settings';

/*
 * Settings as typed on a command line (`council settings set KEY VALUE…`): the words, read as the
 * key's type wants them, then checked like any other value (shared/settings.ts).
 */

/**
 * A value typed on the command line, as the key's type: `council settings set concurrency 8`,
 * `… agents.claude.args --verbose --max-turns 3` (each word an element; or one JSON array),
 * `… agents.claude.env A=1 B=2` (or one JSON object), `… setupCommand ''` (empty: none).
 */
export function parseSettingText(name: string, words: readonly string[]): Parsed<unknown> {
  const key = parseSettingKey(name);
  if (!key.ok) return key;
  const s = specOf(key.value);
  const fail = (got: string): Parsed<unknown> => ({ ok: false, message: `${name}: ${got} is not allowed; it takes ${s.allowed}` });
  const one = (): string | null => (words.length === 1 ? (words[0] as string) : null);
  let value: unknown;
  switch (s.kind) {
    case 'text':
    case 'nullable-text':
    case 'enum':
    case 'nullable-enum': {
      const text = one();
      if (text === null) return { ok: false, message: `${name} takes one value (quote it if it has spaces), not ${words.length}; it takes ${s.allowed}` };
      value = s.kind.startsWith('nullable') && text.trim() === '' ? null : text;
      break;
    }
    case 'int': {
      const text = one()?.trim() ?? '';
      if (!/^-?\d+$/.test(text)) return fail(JSON.stringify(words.join(' ')));
      value = Number(text);
      break;
    }
    case 'boolean': {
      const text = one()?.trim().toLowerCase() ?? '';
      if (['true', 'yes', 'on', '1'].includes(text)) value = true;
      else if (['false', 'no', 'off', '0'].includes(text)) value = false;
      else return fail(JSON.stringify(words.join(' ')));
      break;
    }
    case 'list': {
      const text = one();
      if (text !== null && text.trim().startsWith('[')) {
        const json = parseJson(text);
        if (!json.ok) return fail(`${JSON.stringify(text)} (not valid JSON)`);
        value = json.value;
      } else value = [...words];
      break;
    }
    case 'map': {
      const text = one();
      if (text !== null && text.trim().startsWith('{')) {
        const json = parseJson(text);
        if (!json.ok) return fail(`${JSON.stringify(text)} (not valid JSON)`);
        value = json.value;
        break;
      }
      const map: Record<string, string> = {};
      for (const word of words) {
        const eq = word.indexOf('=');
        if (eq < 1) return fail(`${JSON.stringify(word)} (not NAME=value)`);
        map[word.slice(0, eq)] = word.slice(eq + 1);
      }
      value = map;
      break;
    }
  }
  return checkSettingValue(name, value);
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}
