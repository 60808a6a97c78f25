import * as z from 'zod/mini';
import { FileChangeSchema, type FileChange } from '../../../shared/council';
import { RadarSchema, type Radar } from '../../../shared/merge';
import { fileVersion, readJsonOrNull, writeJson } from '../state/json-store';
import type { StatePaths } from '../state/paths';
import type { NameStatus } from '../git/parse';

/**
 * The default-base radar as last computed, by whichever process computed it (the app's live radar,
 * `council conflicts`, an agent's `council mcp`), kept in the shared state (`radar.json`) with what
 * each session did to each of its files. Readers that must answer in milliseconds (the peers view
 * behind every agent's MCP tools and digests, issue 15) read this instead of running git; the
 * answer says when it was computed. Written atomically (rename); a missing or bad file reads as none.
 */

export const StoredRadarSchema = z.object({
  version: z.literal(1),
  radar: RadarSchema,
  /** Per session: each file it changed since it left the base, and how. */
  changes: z.record(z.string(), z.record(z.string(), FileChangeSchema)),
});
export type StoredRadar = z.infer<typeof StoredRadarSchema>;

const LETTERS: Record<string, FileChange> = { A: 'added', M: 'modified', D: 'deleted', T: 'type-changed' };

/** git's name-status letters as words (anything else reads as modified). */
export function fileChanges(files: readonly NameStatus[]): Record<string, FileChange> {
  const out: Record<string, FileChange> = {};
  for (const f of files) out[f.path] = LETTERS[f.status.charAt(0)] ?? 'modified';
  return out;
}

/** Saves the radar for other processes; never throws (a cache: the next compute writes it again). */
export function saveRadar(paths: StatePaths, radar: Radar, changes: StoredRadar['changes']): void {
  try {
    writeJson(paths.radar, { version: 1, radar, changes } satisfies StoredRadar, 'rename-only');
  } catch {
    // the state folder is read-only or gone: readers say the radar is not known
  }
}

/** Reads the stored radar, parsed once per version of its file. */
export class StoredRadarReader {
  private cached: { version: string; value: StoredRadar | null } | null = null;

  constructor(private readonly paths: StatePaths) {}

  read(): StoredRadar | null {
    const version = fileVersion(this.paths.radar);
    if (this.cached?.version === version) return this.cached.value;
    const value = version === 'missing' ? null : readJsonOrNull(this.paths.radar, StoredRadarSchema);
    this.cached = { version, value };
    return value;
  }
}
