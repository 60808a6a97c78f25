import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { changeLayer, describeLayerIssue, SettingsLayerSchema, upgradeLegacyLayer, type SettingsLayer } from '../../../shared/settings';
import { CouncilError, invalidInput } from '../errors';
import { fileVersion, withMutex, writeJson } from '../state/json-store';

/**
 * One scope's settings file: the user's (every repository) or a repository's (in its git common
 * dir). It holds only the keys set in that scope. Read with validation (a hand-edited mistake is an
 * error naming the file and the key, never silently dropped), cached until the file changes, and
 * changed only under the cross-process mutex, written atomically (temp file + rename, fsync).
 */

/**
 * Where the user's settings live: `$COUNCIL_USER_SETTINGS` (a file; tests and portable setups),
 * else `$XDG_CONFIG_HOME/cli-council/settings.json`, else `%APPDATA%\cli-council\settings.json` on
 * Windows, else `~/.config/cli-council/settings.json`.
 */
export function userSettingsFile(env: Record<string, string | undefined> = process.env): string {
  if (env.COUNCIL_USER_SETTINGS?.trim()) return path.resolve(env.COUNCIL_USER_SETTINGS);
  const base = env.XDG_CONFIG_HOME?.trim() || (process.platform === 'win32' && env.APPDATA?.trim()) || path.join(os.homedir(), '.config');
  return path.join(base, 'cli-council', 'settings.json');
}

export class SettingsLayerFile {
  private key = '';
  private value: SettingsLayer = {};

  constructor(
    readonly file: string,
    /** In messages: "the user settings", "the repository settings". */
    readonly label: string,
  ) {}

  read(): SettingsLayer {
    const key = fileVersion(this.file);
    if (key !== this.key) {
      this.value = readLayer(this.file, this.label);
      this.key = key;
    }
    return this.value;
  }

  /** Sets and unsets keys in one atomic write; the new layer, or an invalid-input error naming the key. */
  change(change: { set?: Record<string, unknown>; unset?: readonly string[] }): Promise<SettingsLayer> {
    return withMutex(this.file, () => {
      const next = changeLayer(readLayer(this.file, this.label), change);
      if (!next.ok) throw invalidInput(next.message);
      writeJson(this.file, next.value, 'fsync');
      return next.value;
    });
  }
}

/** A scope's file; {} when there is none. */
export function readLayer(file: string, label: string): SettingsLayer {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw err;
  }
  const broken = (why: string): CouncilError =>
    new CouncilError('invalid-input', `${label} (${file}) cannot be read: ${why}. Fix that file by hand, or move it away and set the keys again with \`council settings set\`.`, { file });
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw broken('it is not JSON');
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw broken('it is not a JSON object');
  const parsed = SettingsLayerSchema.safeParse(upgradeLegacyLayer(raw as Record<string, unknown>));
  if (!parsed.success) throw broken(describeLayerIssue(parsed.error));
  return parsed.data;
}
