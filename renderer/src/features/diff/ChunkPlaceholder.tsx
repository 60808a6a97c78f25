import { memo, useEffect, useRef } from 'react';
import { chunkTokens } from './chunk-tokens';
import type { DiffMode } from './diff-mode-store';
import { schedule } from './frame-queue';
import type { Chunk } from './hunk-chunks';
import { observeNear } from './near-view';
import { chunkLayout, HUNK_HEADER_PX } from './sizes';
import { useColumns } from './wrap-columns-store';

/**
 * A chunk of a file's hunks not rendered yet: as tall as it will render, git's hunk headers in their
 * places (so `]` finds them, and a fling shows where the hunks are). Once it comes near the view, its
 * tokens are made and `show` renders it, one piece of the frame queue (which waits while the page flings).
 */
export const ChunkPlaceholder = memo(function ChunkPlaceholder({ chunk, path, mode, show }: { chunk: Chunk; path: string; mode: DiffMode; show: (chunk: Chunk) => Promise<void> }) {
  const ref = useRef<HTMLDivElement>(null);
  const cols = useColumns(mode);
  useEffect(() => {
    const el = ref.current;
    if (el === null) return;
    let cancel: (() => void) | null = null;
    const stop = observeNear(el, (near) => {
      cancel?.();
      cancel = near
        ? schedule(async () => {
            await chunkTokens(chunk, path);
            return () => show(chunk);
          }, 'mount')
        : null;
    });
    return () => {
      stop();
      cancel?.();
    };
  }, [chunk, path, show]);
  const { heightPx, headers } = chunkLayout(chunk, mode, cols);
  return (
    <div ref={ref} className="diff-chunk-placeholder" data-testid={`diff-chunk-placeholder-${path}`} style={{ height: `${heightPx}px` }}>
      {headers.map(({ topPx, text }) => (
        <div key={topPx} className="diff-hunk-header-row diff-placeholder-header mono muted" data-hunk-header="true" style={{ top: `${topPx}px`, height: `${HUNK_HEADER_PX}px` }}>
          {text}
        </div>
      ))}
    </div>
  );
});
