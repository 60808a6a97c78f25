import { parseDiff, type FileData } from 'react-diff-view';
import type { DiffFile } from '../../../../shared/commands/diff';
import { chunkHunks, type Chunk } from './hunk-chunks';
import { CHUNK_ROWS } from './sizes';

/** A file's patch parsed and cut in chunks, once per answer (kept with the file object). */
export interface Parsed {
  data: FileData | 'unparsable' | null;
  chunks: Chunk[];
}

const cache = new WeakMap<DiffFile, Parsed>();

function parse(patch: string): FileData | 'unparsable' | null {
  if (patch.trim() === '') return null;
  try {
    return parseDiff(patch)[0] ?? null;
  } catch {
    return 'unparsable';
  }
}

export function parsedFile(file: DiffFile): Parsed {
  let parsed = cache.get(file);
  if (parsed === undefined) {
    const data = file.patch === null ? null : parse(file.patch);
    parsed = { data, chunks: data !== null && data !== 'unparsable' ? chunkHunks(data.hunks, CHUNK_ROWS) : [] };
    cache.set(file, parsed);
  }
  return parsed;
}
