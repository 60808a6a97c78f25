import { memo, useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import {
  Decoration,
  Diff,
  expandFromRawCode,
  findChangeByNewLineNumber,
  findChangeByOldLineNumber,
  getChangeKey,
  getCollapsedLinesCountBetween,
  Hunk,
  parseDiff,
  type ChangeData,
  type FileData,
  type GutterOptions,
  type HunkData,
  type HunkTokens,
} from 'react-diff-view';
import 'react-diff-view/style/index.css';
import type { DiffFile } from '../../../../shared/commands/diff';
import { formatBytes, plural } from '../../lib/format';
import { chunkHunks, linesText, rangeOf, type Chunk } from './hunk-chunks';
import { languageOf, loadHighlighter, tokensFor } from './highlight';
import type { DiffMode } from './diff-mode-store';
import { afterFrame, schedule } from './frame-queue';
import { observeNear, observeReading } from './near-view';

export const KIND_LETTER: Record<DiffFile['kind'], string> = { added: 'A', modified: 'M', deleted: 'D', renamed: 'R', untracked: 'U' };

/** Rows per table: a chunk is rendered, and highlighted, in one task of its own (60: its tokens take ≤ ~25 ms on the bench, 120 took up to 53 ms). */
export const CHUNK_ROWS = 60;
const ROW_PX = 19;

export interface LineSelection {
  path: string;
  side: 'old' | 'new';
  startLine: number;
  endLine: number;
  text: string;
}

export interface LineWidget {
  path: string;
  side: 'old' | 'new';
  line: number;
  element: ReactNode;
}

/** What other screens may plug into the diff (comments, review actions): all optional. */
export interface DiffSlots {
  onSelectLines?: (selection: LineSelection) => void;
  widgets?: readonly LineWidget[];
  renderFileActions?: (file: DiffFile) => ReactNode;
  renderHunkActions?: (file: DiffFile, hunkHeader: string, hunkPatch: string) => ReactNode;
}

export interface SectionIo {
  loadFile: (path: string) => Promise<string | null>;
  fetchLines: (path: string, side: 'old' | 'new') => Promise<{ ok: true; lines: string[] } | { ok: false; error: string }>;
  fetchBlob: (path: string, side: 'old' | 'new') => Promise<{ size: number | null; mime: string | null; data: string | null } | null>;
}

function parse(patch: string): FileData | 'unparsable' | null {
  if (patch.trim() === '') return null;
  try {
    return parseDiff(patch)[0] ?? null;
  } catch {
    return 'unparsable';
  }
}

const rowsOf = (file: DiffFile) => (file.insertions ?? 0) + (file.deletions ?? 0) + 6;

/** One file of the diff: its header (viewed mark, actions) and its body, rendered once near the view. */
export const FileSection = memo(function FileSection({
  eager = false,
  onReading,
  file,
  mode,
  viewed,
  onToggleViewed,
  io,
  slots,
}: {
  /** Rendered at once, without waiting to be seen near the view (the first files). */
  eager?: boolean;
  /** Told when the file starts or stops crossing the reading band. */
  onReading?: (path: string, crossing: boolean) => void;
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

  useEffect(() => {
    const el = ref.current;
    if (el === null || onReading === undefined) return;
    const stop = observeReading(el, (crossing) => onReading(file.path, crossing));
    return () => {
      stop();
      onReading(file.path, false);
    };
  }, [onReading, file.path]);

  // Rendered once it comes near the view: one file per task, so a fast scroll never renders many in one frame.
  useEffect(() => {
    const el = ref.current;
    if (el === null || near) return;
    let cancel: (() => void) | null = null;
    const stop = observeNear(el, (isNear) => {
      cancel?.();
      cancel = isNear ? schedule(() => setNear(true), 'mount') : null;
    });
    return () => {
      stop();
      cancel?.();
    };
  }, [near]);

  const estimate = open && !near ? Math.min(rowsOf(file), 4000) * ROW_PX : undefined;
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
      <header className="diff-file-header">
        <button type="button" className="diff-file-toggle" aria-expanded={open} aria-label={open ? 'Collapse' : 'Expand'} onClick={() => setOpen(!open)}>
          {open ? '▾' : '▸'}
        </button>
        <span className={`kind kind-${file.kind}`} title={file.kind}>
          {KIND_LETTER[file.kind]}
        </span>
        <span className="diff-file-path mono" title={file.origPath ? `${file.origPath} → ${file.path}` : file.path}>
          {file.origPath ? `${file.origPath} → ${file.path}` : file.path}
        </span>
        {file.binary ? (
          <span className="badge">binary</span>
        ) : (
          <span className="file-counts mono">
            <span className="ins">+{file.insertions ?? 0}</span> <span className="del">−{file.deletions ?? 0}</span>
          </span>
        )}
        <span className="diff-file-actions">{slots.renderFileActions?.(file)}</span>
        <label className="diff-viewed-toggle">
          <input type="checkbox" data-testid={`diff-viewed-${file.path}`} checked={viewed} onChange={() => onToggleViewed(file)} /> Viewed
        </label>
      </header>
      {open && (
        <div
          className={near ? 'diff-file-body diff-file-body-rendered' : 'diff-file-body'}
          // Rendered, it is skipped by layout and paint while off screen (content-visibility), sized
          // by what it last measured: a page of 300 files no longer lays out every file on a scroll.
          style={estimate === undefined ? { containIntrinsicSize: `auto ${Math.min(rowsOf(file), 4000) * ROW_PX}px` } : { height: `${estimate}px` }}
        >
          {near && <FileBody file={file} mode={mode} io={io} slots={slots} />}
        </div>
      )}
    </section>
  );
});

function FileBody({ file, mode, io, slots }: { file: DiffFile; mode: DiffMode; io: SectionIo; slots: DiffSlots }) {
  const [asking, setAsking] = useState<string | null>(null);
  if (file.binary) return <BinaryPreview file={file} io={io} />;
  if (file.tooLarge || file.patch === null) {
    return (
      <div className="diff-note" data-testid={`diff-large-${file.path}`}>
        <button
          type="button"
          className="button"
          data-testid={`diff-show-large-${file.path}`}
          disabled={asking === ''}
          onClick={() => {
            setAsking('');
            void io.loadFile(file.path).then((error) => setAsking(error));
          }}
        >
          {asking === '' ? 'Loading…' : `Show diff (${formatBytes(file.size)})`}
        </button>{' '}
        <span className="muted">Large change: not shown until asked.</span>
        {asking !== null && asking !== '' && <p className="error-text">{asking}</p>}
      </div>
    );
  }
  return <TextBody file={file} patch={file.patch} mode={mode} io={io} slots={slots} />;
}

function TextBody({ file, patch, mode, io, slots }: { file: DiffFile; patch: string; mode: DiffMode; io: SectionIo; slots: DiffSlots }) {
  const parsed = useMemo(() => parse(patch), [patch]);
  const [hunks, setHunks] = useState<HunkData[]>(() => (parsed !== null && parsed !== 'unparsable' ? parsed.hunks : []));
  useEffect(() => setHunks(parsed !== null && parsed !== 'unparsable' ? parsed.hunks : []), [parsed]);
  const source = useRef<string[] | null>(null);
  const [sourceLines, setSourceLines] = useState<number | null>(null);
  const [expandError, setExpandError] = useState<string | null>(null);

  const chunks = useMemo(() => chunkHunks(hunks, CHUNK_ROWS), [hunks]);
  // Chunks render one per frame while the end of what is rendered is near the view.
  const [shown, setShown] = useState(1);
  const [wantMore, setWantMore] = useState(false);
  const sentinel = useRef<HTMLDivElement>(null);
  const several = chunks.length > 1;
  useEffect(() => {
    const el = sentinel.current;
    if (el === null || !several) return;
    return observeNear(el, setWantMore);
  }, [several]);
  useEffect(() => {
    if (!wantMore || shown >= chunks.length) return;
    return afterFrame(() => setShown((n) => n + 1));
  }, [wantMore, shown, chunks.length]);

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
  return (
    <div className="diff-scroll">
      {chunks.slice(0, shown).map((chunk, i) => (
        <DiffChunk
          key={chunk.key}
          file={file}
          chunk={chunk}
          allHunks={hunks}
          last={i === chunks.length - 1}
          sourceLines={sourceLines}
          mode={mode}
          expand={canExpand ? expand : null}
          slots={slots}
        />
      ))}
      {shown < chunks.length && (
        <div ref={sentinel} className="diff-note muted diff-more" style={{ height: `${Math.min(2000, (chunks.length - shown) * CHUNK_ROWS) * ROW_PX}px` }}>
          {plural(chunks.slice(shown).reduce((n, c) => n + c.rows, 0), 'more line')} below: shown as you scroll.
        </div>
      )}
      {expandError !== null && <p className="error-text diff-note">{expandError}</p>}
    </div>
  );
}

/** Where a line selection is being made (a gutter press, then a drag or a shift-click). */
interface Selecting {
  side: 'old' | 'new';
  anchor: number;
  line: number;
  dragging: boolean;
}

const lineOfChange = (change: ChangeData, side: 'old' | 'new'): number | null => {
  if (change.type === 'normal') return side === 'old' ? change.oldLineNumber : change.newLineNumber;
  if (change.type === 'delete') return side === 'old' ? change.lineNumber : null;
  return side === 'new' ? change.lineNumber : null;
};

const DiffChunk = memo(function DiffChunk({
  file,
  chunk,
  allHunks,
  last,
  sourceLines,
  mode,
  expand,
  slots,
}: {
  file: DiffFile;
  chunk: Chunk;
  allHunks: HunkData[];
  last: boolean;
  /** The old side's length once read (null: not yet; "more below" is offered until it is known). */
  sourceLines: number | null;
  mode: DiffMode;
  expand: ((start: number, end: number) => Promise<void>) | null;
  slots: DiffSlots;
}) {
  const hunks = useMemo(() => chunk.parts.map((p) => p.hunk), [chunk]);
  const [tokens, setTokens] = useState<HunkTokens | null>(null);
  const language = languageOf(file.path);
  useEffect(() => {
    let live = true;
    const cancel = schedule(async () => {
      const highlighter = language === null ? null : await loadHighlighter();
      if (!live) return;
      return () => {
        if (live) setTokens(tokensFor(hunks, language, highlighter));
      };
    });
    return () => {
      live = false;
      cancel();
    };
  }, [hunks, language]);

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
      onMouseDown: ({ side, change }: { side?: 'old' | 'new'; change: ChangeData | null }, event: React.MouseEvent) => {
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
      onMouseEnter: ({ side, change }: { side?: 'old' | 'new'; change: ChangeData | null }) => {
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
    return hunks.flatMap((h) => h.changes.filter((c) => {
      const n = lineOfChange(c, selecting.side);
      return n !== null && n >= startLine && n <= endLine;
    }).map(getChangeKey));
  }, [selecting, hunks]);

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
  return (
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
      {() => {
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
          rows.push(<Hunk key={`c-${part.index}-${i}-${part.hunk.oldStart}-${part.hunk.newStart}`} hunk={part.hunk} />);
        });
        const tail = lastHunk === undefined ? 0 : lastHunk.oldStart + lastHunk.oldLines;
        if (last && expand !== null && lastHunk !== undefined && (sourceLines === null || tail <= sourceLines)) {
          const from = tail;
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
        return rows as never;
      }}
    </Diff>
  );
});

/** A hunk as a patch of its own (header and lines), for actions on one hunk. */
export function hunkPatchOf(hunk: HunkData): string {
  const body = hunk.changes.map((c) => (c.type === 'insert' ? '+' : c.type === 'delete' ? '-' : ' ') + c.content).join('\n');
  return `${hunk.content}\n${body}\n`;
}

function BinaryPreview({ file, io }: { file: DiffFile; io: SectionIo }) {
  type Side = { size: number | null; mime: string | null; data: string | null } | null;
  const [sides, setSides] = useState<{ old: Side; new: Side } | null>(null);
  useEffect(() => {
    let live = true;
    void Promise.all([io.fetchBlob(file.path, 'old'), io.fetchBlob(file.path, 'new')]).then(([o, n]) => {
      if (live) setSides({ old: o, new: n });
    });
    return () => {
      live = false;
    };
  }, [io, file.path, file.hash]);
  if (sides === null) return <p className="diff-note muted">Reading the file…</p>;
  const one = (label: string, side: Side, testId: string) => (
    <figure className="diff-image" data-testid={testId}>
      {side?.data && side.mime ? <img src={`data:${side.mime};base64,${side.data}`} alt={`${label}: ${file.path}`} /> : <div className="diff-image-none muted">{side?.size == null ? 'none' : side.mime ? 'too large to preview' : 'binary'}</div>}
      <figcaption className="muted">
        {label} · {side?.size == null ? '—' : formatBytes(side.size)}
      </figcaption>
    </figure>
  );
  return (
    <div className="diff-binary" data-testid={`diff-binary-${file.path}`}>
      {one('Before', sides.old, `diff-image-old-${file.path}`)}
      {one('After', sides.new, `diff-image-new-${file.path}`)}
    </div>
  );
}
