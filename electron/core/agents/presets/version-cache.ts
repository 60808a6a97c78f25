import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as z from 'zod/mini';
import { readJsonOrNull, withMutex, writeJson } from '../../state/json-store';

/**
 * Agent CLIs' versions that were asked and answered, kept across runs of the app and of `council
 * agents`: the first session view of each app start asked every installed CLI its `--version` at
 * once (~3 s with both cores full here, each a Node program starting). Keyed by the program file
 * (path, inode, size, modification and change times), so an upgrade, a reinstall or any change to
 * the file is asked again; failures and unanswered asks are never kept. A cache, not a record: a
 * missing or unreadable file is an empty cache, and a write that fails is skipped.
 */

const CacheSchema = z.object({
  version: z.literal(1),
  programs: z.record(z.string(), z.object({ version: z.nullable(z.string()), at: z.string() })),
});
type Cache = z.infer<typeof CacheSchema>;

/** Entries kept at most (the oldest answers go first). */
const KEEP = 200;

/** `$COUNCIL_VERSION_CACHE`, else agent-versions.json in the user's cache folder (e.g. ~/.cache/cli-council). */
export function versionCacheFile(env: Record<string, string | undefined> = process.env): string {
  if (env.COUNCIL_VERSION_CACHE?.trim()) return path.resolve(env.COUNCIL_VERSION_CACHE);
  const base = env.XDG_CACHE_HOME?.trim() || (process.platform === 'win32' && env.LOCALAPPDATA?.trim()) || path.join(os.homedir(), '.cache');
  return path.join(base, 'cli-council', 'agent-versions.json');
}

const read = (file: string): Cache => readJsonOrNull(file, CacheSchema) ?? { version: 1, programs: {} };

/** The version a program file answered before (null: it answered without a number), or undefined when not known. */
export function cachedVersion(key: string, env: Record<string, string | undefined>): string | null | undefined {
  return read(versionCacheFile(env)).programs[key]?.version;
}

/** Keeps a program file's answer (under the file's cross-process mutex: two processes add theirs). */
export async function keepVersion(key: string, version: string | null, env: Record<string, string | undefined>): Promise<void> {
  const file = versionCacheFile(env);
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    await withMutex(file, () => {
      const cache = read(file);
      cache.programs[key] = { version, at: new Date().toISOString() };
      const entries = Object.entries(cache.programs);
      if (entries.length > KEEP) cache.programs = Object.fromEntries(entries.sort((a, b) => b[1].at.localeCompare(a[1].at)).slice(0, KEEP));
      writeJson(file, cache, 'rename-only');
    });
  } catch {
    // a cache: not kept this time (a read-only home, a full disk), asked again next time
  }
}
