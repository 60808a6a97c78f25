import type { ReactNode } from 'react';
import { Decoration, getCollapsedLinesCountBetween, Hunk, type HunkData } from 'react-diff-view';
import type { DiffFile } from '../../../../shared/commands/diff';
import { plural } from '../../lib/format';
import type { DiffSlots } from './diff-slots';
import type { DiffMode } from './diff-mode-store';
import { sideBySide, type Chunk } from './hunk-chunks';

export type Expand = (start: number, end: number) => Promise<void>;

/** A hunk as a patch of its own (header and lines), for actions on one hunk. */
export function hunkPatchOf(hunk: HunkData): string {
  const body = hunk.changes.map((c) => (c.type === 'insert' ? '+' : c.type === 'delete' ? '-' : ' ') + c.content).join('\n');
  return `${hunk.content}\n${body}\n`;
}

/**
 * A chunk's rows for react-diff-view's <Diff>: each hunk part, a hunk's first part under git's
 * header (with "more context above" when lines are hidden there, and the hunk's actions), and after
 * the file's last chunk "more lines below" when `moreBelow` says there are. Split, each block of
 * removed and added lines side by side (sideBySide).
 */
export function hunkRows({ file, chunk, allHunks, mode, expand, moreBelow, slots }: { file: DiffFile; chunk: Chunk; allHunks: readonly HunkData[]; mode: DiffMode; expand: Expand | null; moreBelow: boolean; slots: DiffSlots }): ReactNode[] {
  const rows: ReactNode[] = [];
  chunk.parts.forEach((part, i) => {
    if (part.header !== null) {
      const previous = part.index === 0 ? null : (allHunks[part.index - 1] ?? null);
      const hidden = previous === null ? part.hunk.oldStart - 1 : getCollapsedLinesCountBetween(previous, part.hunk);
      const start = previous === null ? 1 : previous.oldStart + previous.oldLines;
      rows.push(
        <Decoration key={`h-${part.index}-${i}`} className="diff-hunk-decoration">
          <div className="diff-hunk-header-row" data-hunk-header="true" data-testid={`diff-hunk-${file.path}`}>
            {expand !== null && hidden > 0 && (
              <span className="diff-expand">
                {hidden > 20 && (
                  <button type="button" className="link-button" data-testid={`diff-expand-up-${file.path}`} onClick={() => void expand(part.hunk.oldStart - 20, part.hunk.oldStart)}>
                    ↑ 20 more
                  </button>
                )}
                <button type="button" className="link-button" data-testid={`diff-expand-all-${file.path}`} onClick={() => void expand(start, part.hunk.oldStart)}>
                  ↕ {plural(hidden, 'hidden line')}
                </button>
              </span>
            )}
            <span className="diff-hunk-text mono">{part.header}</span>
            <span className="diff-hunk-actions">{slots.renderHunkActions?.(file, part.header, hunkPatchOf(part.hunk))}</span>
          </div>
        </Decoration>,
      );
    }
    rows.push(<Hunk key={`c-${part.index}-${i}-${part.hunk.oldStart}-${part.hunk.newStart}`} hunk={mode === 'split' ? sideBySide(part.hunk) : part.hunk} />);
  });
  const lastHunk = allHunks[allHunks.length - 1];
  if (moreBelow && expand !== null && lastHunk !== undefined) {
    const from = lastHunk.oldStart + lastHunk.oldLines;
    rows.push(
      <Decoration key="tail" className="diff-hunk-decoration">
        <div className="diff-hunk-header-row">
          <button type="button" className="link-button" data-testid={`diff-expand-down-${file.path}`} onClick={() => void expand(from, from + 20)}>
            ↓ 20 more lines below
          </button>
        </div>
      </Decoration>,
    );
  }
  return rows;
}
