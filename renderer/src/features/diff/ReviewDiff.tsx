import { startTransition, useCallback, useEffect, useImperativeHandle, useMemo, useRef, useState, type Ref } from 'react';
import { afterFrame } from './frame-queue';
import { createStore } from '../../lib/create-store';
import type { DiffFile } from '../../../../shared/commands/diff';
import { stepFile, stepHunk } from '../../models/diff-nav';
import { isViewed, type ViewedMarks } from '../../models/diff-viewed';
import type { DiffMode } from './diff-mode-store';
import type { DiffSlots, SectionIo } from './diff-slots';
import { FileSection } from './FileSection';
import { FileTree } from './FileTree';
import { createSectionTracker, READING_TOP_PX } from './section-tracker';

const FIRST_SECTIONS = 12;
const SECTIONS_PER_FRAME = 25;

/** Where the reading line is: below the app's sticky bars. */
const READING_LINE_PX = READING_TOP_PX;
/** Keys that scroll the page (a jump's hold on its file ends on them). */
const SCROLL_KEYS = new Set(['PageDown', 'PageUp', ' ', 'ArrowDown', 'ArrowUp', 'Home', 'End']);

export interface ReviewDiffHandle {
  jump: (path: string) => void;
  step: (direction: 1 | -1) => void;
  stepHunk: (direction: 1 | -1) => void;
  toggleCurrentViewed: () => void;
}

export interface ReviewDiffProps extends DiffSlots {
  files: DiffFile[];
  mode: DiffMode;
  viewed: ViewedMarks;
  onToggleViewed: (file: DiffFile) => void;
  io: SectionIo;
  handle?: Ref<ReviewDiffHandle>;
}

/**
 * Every changed file in one scroll, the file tree beside it: a click in the tree scrolls to the
 * file, scrolling marks the file being read in the tree. Files render when they come near the view
 * (until then a placeholder of about their height), each in chunks, one per frame.
 */
export function ReviewDiff({ files, mode, viewed, onToggleViewed, io, handle, onSelectLines, widgets, renderFileActions, renderHunkActions }: ReviewDiffProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  // The file being read, in a store of its own: a change re-renders the tree's two rows, not the diff.
  const currentStore = useMemo(() => createStore<string | null>(files[0]?.path ?? null), []);
  const setCurrent = currentStore.set;
  const currentRef = useMemo(() => ({ get current() { return currentStore.get(); } }), [currentStore]);
  const filesRef = useRef(files);
  useEffect(() => {
    filesRef.current = files;
  }, [files]);

  const sections = () => [...(scrollRef.current?.querySelectorAll<HTMLElement>(':scope > .diff-file') ?? [])];

  // The file being read, and which sections are near the view: from the scroll position once a
  // frame (section-tracker.ts), no observer per section. A file jumped to stays the current one
  // while the page settles on it.
  const heldUntil = useRef(0);
  const tracker = useMemo(
    () =>
      createSectionTracker({
        container: () => scrollRef.current,
        onReading: (path) => {
          if (performance.now() >= heldUntil.current) setCurrent(path);
        },
      }),
    [setCurrent],
  );
  // Started here too: a diff whose files all render at once has no section asking to be told.
  useEffect(() => {
    tracker.check();
    return () => tracker.stop();
  }, [tracker]);

  // The first files at once, the rest a batch per frame: the first paint does not wait for 300 headers.
  const [shown, setShown] = useState(FIRST_SECTIONS);
  useEffect(() => {
    if (shown >= files.length) return;
    // A transition: React yields while it renders a batch (a scroll is never held up by it).
    return afterFrame(() => startTransition(() => setShown((n) => n + SECTIONS_PER_FRAME)));
  }, [shown, files.length]);
  const pendingJump = useRef<string | null>(null);

  const jump = useCallback((path: string) => {
    const el = sections().find((s) => s.dataset.path === path);
    if (el === undefined) {
      // Not rendered yet: every file now, then there.
      pendingJump.current = path;
      setShown(Number.MAX_SAFE_INTEGER);
      return;
    }
    setCurrent(path);
    heldUntil.current = performance.now() + 1000;
    const go = () => window.scrollTo({ top: window.scrollY + el.getBoundingClientRect().top - (READING_LINE_PX - 10), behavior: 'instant' as ScrollBehavior });
    go();
    // Files above it render as they come near and change height: for a moment, every change of
    // the diff's height settles on it again.
    settle.current?.();
    const container = scrollRef.current;
    if (container === null) return;
    const resized = new ResizeObserver(go);
    resized.observe(container);
    // Until the person scrolls on their own: a wheel, a touch, a key that scrolls. Pulled back to the
    // file after that, they would lose their place. (Not any press: a click in the diff, on "Show
    // diff" say, is no scroll, and what it opens may push the file down. A drag of the page's scroll
    // bar gives the page no event to tell it by.)
    const stop = () => settle.current?.();
    const onKey = (event: KeyboardEvent) => {
      if (SCROLL_KEYS.has(event.key)) stop();
    };
    window.addEventListener('wheel', stop, { passive: true, capture: true });
    window.addEventListener('touchstart', stop, { passive: true, capture: true });
    window.addEventListener('keydown', onKey, { capture: true });
    const timer = setTimeout(stop, 1000);
    const cleanup = () => {
      resized.disconnect();
      clearTimeout(timer);
      window.removeEventListener('wheel', stop, { capture: true });
      window.removeEventListener('touchstart', stop, { capture: true });
      window.removeEventListener('keydown', onKey, { capture: true });
      if (settle.current === cleanup) settle.current = null;
    };
    settle.current = cleanup;
  }, [setCurrent]);
  const settle = useRef<(() => void) | null>(null);
  useEffect(() => () => settle.current?.(), []);

  useEffect(() => {
    const path = pendingJump.current;
    if (path !== null && sections().some((s) => s.dataset.path === path)) {
      pendingJump.current = null;
      jump(path);
    }
  });

  useImperativeHandle(
    handle,
    () => ({
      jump,
      step(direction) {
        const list = filesRef.current;
        const at = list.findIndex((f) => f.path === currentRef.current);
        const next = stepFile(at, list.length, direction);
        if (next !== null) jump(list[next]!.path);
      },
      stepHunk(direction) {
        const headers = [...(scrollRef.current?.querySelectorAll<HTMLElement>('[data-hunk-header]') ?? [])];
        const tops = headers.map((h) => h.getBoundingClientRect().top);
        const next = stepHunk(tops, READING_LINE_PX, direction);
        if (next === null) return;
        window.scrollTo({ top: window.scrollY + tops[next]! - READING_LINE_PX, behavior: 'instant' as ScrollBehavior });
      },
      toggleCurrentViewed() {
        const file = filesRef.current.find((f) => f.path === currentRef.current);
        if (file !== undefined) onToggleViewed(file);
      },
    }),
    [jump, onToggleViewed, currentRef],
  );

  const slots: DiffSlots = useSlots({ onSelectLines, widgets, renderFileActions, renderHunkActions });
  return (
    <div className="diff-layout">
      <FileTree files={files} current={currentStore} viewed={viewed} onSelect={jump} />
      <div className="diff-files" ref={scrollRef} data-testid="diff-viewer" aria-label="Changed files' diffs">
        {files.slice(0, shown).map((file, i) => (
          <FileSection key={file.path} eager={i < 2} tracker={tracker} file={file} mode={mode} viewed={isViewed(viewed, file)} onToggleViewed={onToggleViewed} io={io} slots={slots} />
        ))}
      </div>
    </div>
  );
}

/** The slots as one object that changes only when one of them does (sections are memoized). */
function useSlots(slots: DiffSlots): DiffSlots {
  const ref = useRef(slots);
  const { onSelectLines, widgets, renderFileActions, renderHunkActions } = slots;
  const prev = ref.current;
  if (prev.onSelectLines !== onSelectLines || prev.widgets !== widgets || prev.renderFileActions !== renderFileActions || prev.renderHunkActions !== renderHunkActions) {
    ref.current = { onSelectLines, widgets, renderFileActions, renderHunkActions };
  }
  return ref.current;
}
