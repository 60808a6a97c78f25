import { useCallback, useMemo, useState, type MouseEvent } from 'react';
import { getChangeKey, type ChangeData, type HunkData } from 'react-diff-view';
import type { DiffFile } from '../../../../shared/commands/diff';
import type { DiffSlots } from './diff-slots';
import { linesText, rangeOf } from './hunk-chunks';

/** Where a line selection is being made (a gutter press, then a drag or a shift-click). */
interface Selecting {
  side: 'old' | 'new';
  anchor: number;
  line: number;
  dragging: boolean;
}

type GutterArgs = { side?: 'old' | 'new'; change: ChangeData | null };

/** A change's line number on one side (null: it has none there). */
export const lineOfChange = (change: ChangeData, side: 'old' | 'new'): number | null => {
  if (change.type === 'normal') return side === 'old' ? change.oldLineNumber : change.newLineNumber;
  if (change.type === 'delete') return side === 'old' ? change.lineNumber : null;
  return side === 'new' ? change.lineNumber : null;
};

/**
 * Lines picked in a chunk's gutter (press, drag or shift-click), handed to `slots.onSelectLines`
 * with their text from the whole file's hunks; none of it when no handler is plugged in.
 */
export function useLineSelection(file: DiffFile, hunks: readonly HunkData[], allHunks: readonly HunkData[], slots: DiffSlots) {
  const [selecting, setSelecting] = useState<Selecting | null>(null);
  const selectable = slots.onSelectLines !== undefined;
  const finish = useCallback(
    (sel: Selecting) => {
      const { startLine, endLine } = rangeOf(sel.anchor, sel.line);
      slots.onSelectLines?.({ path: file.path, side: sel.side, startLine, endLine, text: linesText(allHunks, sel.side, startLine, endLine) });
    },
    [slots, file.path, allHunks],
  );
  const gutterEvents = useMemo(() => {
    if (!selectable) return undefined;
    return {
      onMouseDown: ({ side, change }: GutterArgs, event: MouseEvent) => {
        if (change === null) return;
        const s = side ?? (change.type === 'delete' ? 'old' : 'new');
        const line = lineOfChange(change, s);
        if (line === null) return;
        event.preventDefault();
        if (event.shiftKey && selecting !== null && selecting.side === s) {
          const next = { ...selecting, line, dragging: false };
          setSelecting(next);
          finish(next);
          return;
        }
        setSelecting({ side: s, anchor: line, line, dragging: true });
      },
      onMouseEnter: ({ side, change }: GutterArgs) => {
        if (change === null || selecting === null || !selecting.dragging) return;
        const line = lineOfChange(change, side ?? selecting.side);
        if (line !== null && (side ?? selecting.side) === selecting.side) setSelecting({ ...selecting, line });
      },
      onMouseUp: () => {
        if (selecting === null || !selecting.dragging) return;
        const done = { ...selecting, dragging: false };
        setSelecting(done);
        finish(done);
      },
    };
  }, [selectable, selecting, finish]);

  const selectedChanges = useMemo(() => {
    if (selecting === null) return [];
    const { startLine, endLine } = rangeOf(selecting.anchor, selecting.line);
    return hunks.flatMap((h) =>
      h.changes
        .filter((c) => {
          const n = lineOfChange(c, selecting.side);
          return n !== null && n >= startLine && n <= endLine;
        })
        .map(getChangeKey),
    );
  }, [selecting, hunks]);

  return { selectable, gutterEvents, selectedChanges };
}
