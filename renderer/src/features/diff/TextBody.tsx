import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { expandFromRawCode, type HunkData } from 'react-diff-view';
import type { DiffFile } from '../../../../shared/commands/diff';
import { plural } from '../../lib/format';
import { DiffChunk } from './DiffChunk';
import type { DiffMode } from './diff-mode-store';
import type { DiffSlots, SectionIo } from './diff-slots';
import { chunkTokens } from './chunk-tokens';
import { commitTracker, schedule } from './frame-queue';
import { chunkHunks } from './hunk-chunks';
import { observeNear } from './near-view';
import { parsedFile } from './parsed-files';
import { CHUNK_ROWS, MORE_ROWS_MAX, ROW_PX } from './sizes';

/** A text file's hunks, in chunks rendered one per frame while the end of what is shown is near the view; more context on request. */
export function TextBody({ file, patch, mode, io, slots }: { file: DiffFile; patch: string; mode: DiffMode; io: SectionIo; slots: DiffSlots }) {
  const prepared = parsedFile(file);
  const parsed = prepared.data;
  const original = parsed !== null && parsed !== 'unparsable' ? parsed.hunks : null;
  const [hunks, setHunks] = useState<HunkData[]>(() => original ?? []);
  useEffect(() => setHunks(original ?? []), [original]);
  const source = useRef<string[] | null>(null);
  const [sourceLines, setSourceLines] = useState<number | null>(null);
  const [expandError, setExpandError] = useState<string | null>(null);

  const chunks = useMemo(() => (hunks === original ? prepared.chunks : chunkHunks(hunks, CHUNK_ROWS)), [hunks, original, prepared]);
  // While the end of what is rendered is near the view, the next chunk: its tokens in a task of the
  // frame queue, then it renders once, highlighted, as a transition (React yields while rendering);
  // the queue's next piece waits until it is committed.
  const [shown, setShown] = useState(1);
  const commit = useMemo(commitTracker, []);
  useLayoutEffect(() => commit.done(), [shown, commit]);
  useEffect(() => commit.done, [commit]);
  const [wantMore, setWantMore] = useState(false);
  const sentinel = useRef<HTMLDivElement>(null);
  const several = chunks.length > 1;
  useEffect(() => {
    const el = sentinel.current;
    if (el === null || !several) return;
    return observeNear(el, setWantMore);
  }, [several]);
  useEffect(() => {
    const next = chunks[shown];
    if (!wantMore || next === undefined) return;
    return schedule(async () => {
      await chunkTokens(next, file.path);
      return () => commit.start(() => setShown((n) => Math.max(n, shown + 1)));
    }, 'mount');
  }, [wantMore, shown, chunks, file.path, commit]);

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
  const rowsBelow = chunks.slice(shown).reduce((n, c) => n + c.rows, 0);
  const canExpand = file.kind !== 'added' && file.kind !== 'untracked' && file.kind !== 'deleted';
  return (
    <div className="diff-scroll">
      {chunks.slice(0, shown).map((chunk, i) => (
        <DiffChunk key={chunk.key} file={file} chunk={chunk} allHunks={hunks} last={i === chunks.length - 1} skippable={several} sourceLines={sourceLines} mode={mode} expand={canExpand ? expand : null} slots={slots} />
      ))}
      {shown < chunks.length && (
        <div ref={sentinel} className="diff-note muted diff-more" style={{ height: `${Math.min(MORE_ROWS_MAX, rowsBelow) * ROW_PX}px` }}>
          {plural(rowsBelow, 'more line')} below: shown as you scroll.
        </div>
      )}
      {expandError !== null && <p className="error-text diff-note">{expandError}</p>}
    </div>
  );
}
