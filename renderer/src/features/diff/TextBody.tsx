import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { expandFromRawCode, type HunkData } from 'react-diff-view';
import type { DiffFile } from '../../../../shared/commands/diff';
import { DiffChunk } from './DiffChunk';
import type { DiffMode } from './diff-mode-store';
import type { DiffSlots, SectionIo } from './diff-slots';
import { ChunkPlaceholder } from './ChunkPlaceholder';
import { commitTracker } from './frame-queue';
import { chunkHunks, overlaps, spanOf, type Chunk, type LineSpan } from './hunk-chunks';
import { parsedFile } from './parsed-files';
import { CHUNK_ROWS } from './sizes';

/**
 * A text file's hunks, in chunks: each rendered once it comes near the view (one per piece of the
 * frame queue), as tall as it will be until then, so a long file is laid out whole from the start and
 * a jump anywhere in it renders what is there; more context on request.
 */
export function TextBody({ file, patch, mode, io, slots }: { file: DiffFile; patch: string; mode: DiffMode; io: SectionIo; slots: DiffSlots }) {
  const prepared = parsedFile(file);
  const parsed = prepared.data;
  const original = parsed !== null && parsed !== 'unparsable' ? parsed.hunks : null;
  const [hunks, setHunks] = useState<HunkData[]>(() => original ?? []);
  useEffect(() => setHunks(original ?? []), [original]);
  const source = useRef<string[] | null>(null);
  const [sourceLines, setSourceLines] = useState<number | null>(null);
  const [expandError, setExpandError] = useState<string | null>(null);

  const chunks = useMemo(() => (hunks === original ? prepared.chunks(mode) : chunkHunks(hunks, CHUNK_ROWS, mode)), [hunks, original, prepared, mode]);
  // The chunks rendered: the first at once (its tokens were made while the file mounted), each other
  // once it comes near the view (ChunkPlaceholder); the lines they showed, so that a chunk cut anew
  // (more context shown) that holds lines already shown renders at once too.
  const [shownLines, setShownLines] = useState<readonly LineSpan[]>(() => (chunks[0] === undefined ? [] : [spanOf(chunks[0])]));
  const commit = useMemo(commitTracker, []);
  useLayoutEffect(() => commit.done(), [shownLines, commit]);
  useEffect(() => commit.done, [commit]);
  const show = useCallback((chunk: Chunk) => commit.start(() => setShownLines((spans) => [...spans, spanOf(chunk)])), [commit]);

  const expand = useCallback(
    async (start: number, end: number) => {
      if (source.current === null) {
        const got = await io.fetchLines(file.path, 'old');
        if (!got.ok) {
          setExpandError(got.error);
          return;
        }
        source.current = got.lines;
        setSourceLines(got.lines.length);
      }
      const lines = source.current;
      setHunks((current) => expandFromRawCode(current, lines, Math.max(1, start), Math.min(lines.length + 1, end)));
    },
    [io, file.path],
  );

  if (parsed === 'unparsable') return <pre className="diff-raw mono">{patch}</pre>;
  if (parsed === null || hunks.length === 0) {
    return (
      <p className="diff-note muted" data-testid={`diff-no-content-${file.path}`}>
        {file.origPath ? `Renamed from ${file.origPath}; the content is unchanged.` : patch.includes('new mode') ? 'Only its mode changed.' : 'No content changes here (whitespace only, or an empty file).'}
      </p>
    );
  }
  const canExpand = file.kind !== 'added' && file.kind !== 'untracked' && file.kind !== 'deleted';
  const several = chunks.length > 1;
  return (
    <div className="diff-scroll">
      {chunks.map((chunk, i) =>
        i === 0 || shownLines.some((span) => overlaps(span, spanOf(chunk))) ? (
          <DiffChunk key={chunk.key} file={file} chunk={chunk} allHunks={hunks} last={i === chunks.length - 1} skippable={several} sourceLines={sourceLines} mode={mode} expand={canExpand ? expand : null} slots={slots} />
        ) : (
          <ChunkPlaceholder key={chunk.key} chunk={chunk} path={file.path} mode={mode} show={show} />
        ),
      )}
      {expandError !== null && <p className="error-text diff-note">{expandError}</p>}
    </div>
  );
}
