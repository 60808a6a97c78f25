import { parseDiff, type FileData } from 'react-diff-view';
import type { DiffFile } from '../../../../shared/commands/diff';
import type { DiffMode } from './diff-mode-store';
import { chunkHunks, type Chunk } from './hunk-chunks';
import { CHUNK_ROWS } from './sizes';

/** A file's patch parsed, and cut in chunks for each view when first asked, once per answer (kept with the file object). */
export interface Parsed {
  data: FileData | 'unparsable' | null;
  chunks: (mode: DiffMode) => Chunk[];
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
    const cut = new Map<DiffMode, Chunk[]>();
    const chunks = (mode: DiffMode) => {
      let made = cut.get(mode);
      if (made === undefined) {
        made = data !== null && data !== 'unparsable' ? chunkHunks(data.hunks, CHUNK_ROWS, mode) : [];
        cut.set(mode, made);
      }
      return made;
    };
    parsed = { data, chunks };
    cache.set(file, parsed);
  }
  return parsed;
}
