import { memo, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { DiffFile } from '../../../../shared/commands/diff';
import 'react-diff-view/style/index.css';
import type { DiffMode } from './diff-mode-store';
import type { DiffSlots, SectionIo } from './diff-slots';
import { FileBody } from './FileBody';
import { FileHeader } from './FileHeader';
import { chunkTokens } from './chunk-tokens';
import { commitTracker, nextTask, schedule } from './frame-queue';
import { parsedFile } from './parsed-files';
import type { SectionTracker } from './section-tracker';
import { patchHeightPx, ROW_PX } from './sizes';
import { useColumns } from './wrap-columns-store';


/**
 * How tall a file's body renders, before it is rendered: its hunks' rows and headers read from the
 * patch (a held-back, binary or empty file: its note's two rows).
 */
const estimatePx = (file: DiffFile, mode: DiffMode, cols: number) => Math.max(2 * ROW_PX, file.binary || file.patch === null ? 0 : patchHeightPx(file.patch, mode, cols));

/** One file of the diff: its header (viewed mark, actions) and its body, rendered once near the view. */
export const FileSection = memo(function FileSection({
  eager = false,
  tracker,
  file,
  mode,
  viewed,
  onToggleViewed,
  io,
  slots,
}: {
  /** Rendered at once, without waiting to be seen near the view (the first files). */
  eager?: boolean;
  /** Tells when the section comes near the view. */
  tracker: SectionTracker;
  file: DiffFile;
  mode: DiffMode;
  viewed: boolean;
  onToggleViewed: (file: DiffFile) => void;
  io: SectionIo;
  slots: DiffSlots;
}) {
  const ref = useRef<HTMLElement>(null);
  const [near, setNear] = useState(eager);
  const [open, setOpen] = useState(!viewed);
  useEffect(() => setOpen(!viewed), [viewed]);

  // Rendered once it comes near the view: one file per task, so a fast scroll never renders many in one frame.
  const commit = useMemo(commitTracker, []);
  useLayoutEffect(() => {
    if (near) commit.done();
  }, [near, commit]);
  useEffect(() => commit.done, [commit]);
  useEffect(() => {
    const el = ref.current;
    if (el === null || near) return;
    let cancel: (() => void) | null = null;
    const stop = tracker.observeNear(el, (isNear) => {
      cancel?.();
      // Parsed in this task, its first chunk's tokens in the next, then it renders (a transition:
      // React yields while rendering); the queue's next piece waits until it is committed.
      cancel = isNear
        ? schedule(async () => {
            const first = parsedFile(file).chunks(mode)[0];
            if (first !== undefined) {
              await nextTask();
              await chunkTokens(first, file.path);
            }
            return () => commit.start(() => setNear(true));
          }, 'mount')
        : null;
    });
    return () => {
      stop();
      cancel?.();
    };
  }, [near, file, mode, tracker, commit]);

  const cols = useColumns(mode);
  const estimated = useMemo(() => estimatePx(file, mode, cols), [file, mode, cols]);
  const estimate = open && !near ? estimated : undefined;
  // One level of content-visibility per file: a file of several chunks has it on each chunk
  // (DiffChunk), any other on its body. Nested, a body and its chunk were unlocked one after the
  // other as they came near, and Chromium ran a frame's style, layout and pre-paint twice.
  const skippable = near && parsedFile(file).chunks(mode).length <= 1;
  return (
    <section
      ref={ref}
      className="diff-file"
      data-testid={`diff-section-${file.path}`}
      data-path={file.path}
      data-viewed={viewed ? 'true' : 'false'}
      data-rendered={near ? 'true' : 'false'}
      aria-label={`Diff of ${file.path}`}
    >
      <FileHeader file={file} open={open} onToggleOpen={() => setOpen(!open)} viewed={viewed} onToggleViewed={onToggleViewed} actions={slots.renderFileActions?.(file)} />
      {open && (
        <div
          className={skippable ? 'diff-file-body diff-file-body-rendered' : 'diff-file-body'}
          // Rendered, it is skipped by layout and paint while off screen (content-visibility), sized
          // by what it last measured: a page of 300 files no longer lays out every file on a scroll.
          style={estimate === undefined ? { containIntrinsicSize: `auto ${estimated}px` } : { height: `${estimate}px` }}
        >
          {near && <FileBody file={file} mode={mode} io={io} slots={slots} />}
        </div>
      )}
    </section>
  );
});
