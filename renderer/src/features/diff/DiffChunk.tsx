import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { Diff, findChangeByNewLineNumber, findChangeByOldLineNumber, getChangeKey, type GutterOptions, type HunkData, type HunkTokens } from 'react-diff-view';
import { DIFF_CONTEXT_LINES, type DiffFile } from '../../../../shared/commands/diff';
import { offersMoreBelow } from '../../models/diff-expand';
import type { DiffMode } from './diff-mode-store';
import type { DiffSlots } from './diff-slots';
import { commitTracker, schedule } from './frame-queue';
import { cachedTokens, chunkTokens, hunksOf } from './chunk-tokens';
import type { Chunk } from './hunk-chunks';
import { hunkRows, type Expand } from './HunkRows';
import { lineOfChange, useLineSelection } from './line-selection';
import { chunkLayout } from './sizes';
import { noteColumns } from './wrap-columns-store';

/** One chunk of a file's hunks as a table of its own: highlighted in a task of its own, its widgets, its line selection. */
export const DiffChunk = memo(function DiffChunk({
  file,
  chunk,
  allHunks,
  last,
  skippable,
  sourceLines,
  mode,
  expand,
  slots,
}: {
  file: DiffFile;
  chunk: Chunk;
  allHunks: HunkData[];
  last: boolean;
  /** One of several chunks: skipped by layout and paint while off screen (a file of one chunk has that on its body). */
  skippable: boolean;
  /** The old side's length once read (null: not yet; until then the patch tells whether the last hunk reached the file's end). */
  sourceLines: number | null;
  mode: DiffMode;
  expand: Expand | null;
  slots: DiffSlots;
}) {
  const hunks = useMemo(() => hunksOf(chunk), [chunk]);
  // Ready before it mounted (chunk-tokens.ts): rendered once, highlighted; otherwise highlighted in a task of its own.
  const [tokens, setTokens] = useState<HunkTokens | null>(() => cachedTokens(chunk) ?? null);
  const commit = useMemo(commitTracker, []);
  useLayoutEffect(() => commit.done(), [tokens, commit]);
  useEffect(() => commit.done, [commit]);
  useEffect(() => {
    const ready = cachedTokens(chunk);
    if (ready !== undefined) {
      setTokens(ready);
      return;
    }
    let live = true;
    const cancel = schedule(async () => {
      const computed = await chunkTokens(chunk, file.path);
      // No tokens (plain text) changes nothing: no commit to wait for.
      return () => (live && computed !== null ? commit.start(() => setTokens(computed)) : undefined);
    });
    return () => {
      live = false;
      cancel();
    };
  }, [chunk, file.path, commit]);

  const { selectable, gutterEvents, selectedChanges } = useLineSelection(file, hunks, allHunks, slots);
  // How many characters a row of code holds here (once per window width): the sizes of what is not
  // rendered yet count the rows its long lines wrap to.
  const box = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    if (box.current !== null) noteColumns(box.current, mode);
  }, [mode]);

  const renderGutter = useCallback(
    ({ change, side, renderDefault, inHoverState }: GutterOptions) => (
      <>
        {selectable && inHoverState && lineOfChange(change, side) !== null && (
          <span className="diff-gutter-add" data-testid="diff-gutter-add" aria-hidden="true">
            +
          </span>
        )}
        {renderDefault()}
      </>
    ),
    [selectable],
  );

  const widgets = useMemo(() => {
    const mine = (slots.widgets ?? []).filter((w) => w.path === file.path);
    const out: Record<string, ReactNode> = {};
    for (const w of mine) {
      const change = w.side === 'old' ? findChangeByOldLineNumber(hunks, w.line) : findChangeByNewLineNumber(hunks, w.line);
      if (change === undefined) continue;
      const key = getChangeKey(change);
      out[key] = (
        <>
          {out[key]}
          {w.element}
        </>
      );
    }
    return out;
  }, [slots.widgets, file.path, hunks]);

  const lastHunk = allHunks[allHunks.length - 1];
  const moreBelow = last && lastHunk !== undefined && offersMoreBelow(lastHunk, sourceLines, DIFF_CONTEXT_LINES);
  return (
    // Skipped by layout and paint while off screen (a 5,000-line file is ~100 of these), sized by what it last measured.
    <div ref={box} className={skippable ? 'diff-chunk diff-chunk-skippable' : 'diff-chunk'} style={skippable ? { containIntrinsicSize: `auto ${chunkLayout(chunk, mode).heightPx}px` } : undefined}>
      <Diff
        viewType={mode}
        diffType="modify"
        hunks={hunks}
        tokens={tokens}
        widgets={widgets}
        selectedChanges={selectedChanges}
        renderGutter={renderGutter}
        gutterEvents={gutterEvents as never}
        className={`diff-table diff-${mode}`}
      >
        {() => hunkRows({ file, chunk, allHunks, mode, expand, moreBelow, slots }) as never}
      </Diff>
    </div>
  );
});
