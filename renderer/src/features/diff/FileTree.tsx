import { memo, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { Store } from '../../lib/create-store';
import type { DiffFile } from '../../../../shared/commands/diff';
import { buildTree, foldersOf, treeRows } from '../../models/diff-tree';
import { isViewed, type ViewedMarks } from '../../models/diff-viewed';
import { KIND_LETTER } from './FileHeader';
import { afterFrame } from './frame-queue';

/** The changed files under their folders (collapsible), with kind, +/- and the viewed mark; the
 * file being read is marked, and a click scrolls the diff to a file. */
export const FileTree = memo(function FileTree({
  files,
  current,
  viewed,
  onSelect,
}: {
  files: DiffFile[];
  current: Store<string | null>;
  viewed: ViewedMarks;
  onSelect: (path: string) => void;
}) {
  // After the diff's first paint: the first file's rows do not wait for hundreds of tree rows.
  const [ready, setReady] = useState(false);
  useEffect(() => afterFrame(() => setReady(true)), []);
  if (!ready) return <nav className="file-list diff-tree" aria-label={`Changed files (${files.length})`} data-testid="diff-tree" aria-busy="true" />;
  return <Tree files={files} current={current} viewed={viewed} onSelect={onSelect} />;
});

/**
 * The tree does not re-render when the file being read changes (on most frames of a fast scroll):
 * the two rows whose mark changes do (each row reads the store), and the current row is kept in
 * sight from the store's listener.
 */
const Tree = memo(function Tree({ files, current, viewed, onSelect }: { files: DiffFile[]; current: Store<string | null>; viewed: ViewedMarks; onSelect: (path: string) => void }) {
  const tree = useMemo(() => buildTree(files), [files]);
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const rows = useMemo(() => treeRows(tree, collapsed), [tree, collapsed]);
  const navRef = useRef<HTMLElement>(null);

  // The current file's folders open, and its row stays in sight.
  useEffect(() => {
    let frame: number | null = null;
    const follow = () => {
      const path = current.get();
      if (path === null) return;
      const folders = foldersOf(path);
      setCollapsed((c) => (folders.some((f) => c.has(f)) ? new Set([...c].filter((f) => !folders.includes(f))) : c));
      // Into the tree's own scroll box only (scrollIntoView would move the page too). Read in the next
      // frame, with the layout the frame makes anyway: read in the scroll's callback, it forced a
      // layout of the whole diff (20–40 ms) in the middle of a scroll.
      if (frame !== null) cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => {
        frame = null;
        const box = navRef.current;
        const row = box?.querySelector<HTMLElement>('[aria-current="true"]');
        if (row && box) {
          const r = row.getBoundingClientRect();
          const b = box.getBoundingClientRect();
          if (r.top < b.top) box.scrollTop -= b.top - r.top;
          else if (r.bottom > b.bottom) box.scrollTop += r.bottom - b.bottom;
        }
      });
    };
    follow();
    const stop = current.subscribe(follow);
    return () => {
      stop();
      if (frame !== null) cancelAnimationFrame(frame);
    };
  }, [current]);

  const toggle = (path: string) => setCollapsed((c) => (c.has(path) ? new Set([...c].filter((p) => p !== path)) : new Set([...c, path])));
  return (
    <nav ref={navRef} className="file-list diff-tree" aria-label={`Changed files (${files.length})`} data-testid="diff-tree">
      {groupsOf(rows).map((group) => (
        <ul key={group.key} className="tree-group" style={{ containIntrinsicSize: `auto ${group.rows.length * TREE_ROW_PX}px` }}>
          {group.rows.map((row) =>
            row.type === 'folder' ? (
              <li key={`d:${row.path}`}>
                <button type="button" className="file-item tree-folder" data-depth={row.depth} data-testid={`diff-folder-${row.path}`} aria-expanded={!row.collapsed} onClick={() => toggle(row.path)}>
                  <span className="tree-indent" data-depth={row.depth} />
                  <span className="tree-caret">{row.collapsed ? '▸' : '▾'}</span>
                  <span className="file-path mono">{row.name}/</span>
                  {row.collapsed && <span className="muted tree-count">{row.files}</span>}
                </button>
              </li>
            ) : (
              <FileRow key={`f:${row.path}`} file={row.file} name={row.name} depth={row.depth} current={current} isViewed={isViewed(viewed, row.file)} onSelect={onSelect} />
            ),
          )}
        </ul>
      ))}
    </nav>
  );
});

/**
 * The tree's rows in groups, each skipped by paint while out of the tree's sight (content-visibility):
 * the tree stays in view beside the diff, and Chromium repainted all its ~300 rows on most frames
 * of a scroll (3-4 ms each); groups, not rows, so Chromium's own observer watches a dozen elements.
 */
const TREE_GROUP_ROWS = 24;
const TREE_ROW_PX = 26;
function groupsOf<T extends { path: string }>(rows: readonly T[]): { key: string; rows: T[] }[] {
  const groups: { key: string; rows: T[] }[] = [];
  for (let i = 0; i < rows.length; i += TREE_GROUP_ROWS) {
    const part = rows.slice(i, i + TREE_GROUP_ROWS);
    groups.push({ key: String(i), rows: part });
  }
  return groups;
}

const FileRow = memo(function FileRow({
  file,
  name,
  depth,
  current,
  isViewed: viewed,
  onSelect,
}: {
  file: DiffFile;
  name: string;
  depth: number;
  /** The file being read: this row re-renders only when it becomes or stops being it. */
  current: Store<string | null>;
  isViewed: boolean;
  onSelect: (path: string) => void;
}) {
  const isCurrent = useSyncExternalStore(current.subscribe, () => current.get() === file.path, () => current.get() === file.path);
  return (
    <li>
      <button
        type="button"
        className="file-item"
        data-testid={`diff-file-${file.path}`}
        data-kind={file.kind}
        data-viewed={viewed ? 'true' : 'false'}
        aria-current={isCurrent ? 'true' : undefined}
        title={file.origPath ? `${file.origPath} → ${file.path}` : file.path}
        onClick={() => onSelect(file.path)}
      >
        <span className="tree-indent" data-depth={depth} />
        <span className={`kind kind-${file.kind}`} title={file.kind} aria-label={file.kind}>
          {KIND_LETTER[file.kind]}
        </span>
        <span className="file-path mono">{name}</span>
        {viewed && (
          <span className="tree-viewed" title="Viewed" aria-label="viewed">
            ✓
          </span>
        )}
        {file.binary ? (
          <span className="badge">bin</span>
        ) : (
          <span className="file-counts mono">
            <span className="ins">+{file.insertions ?? 0}</span> <span className="del">−{file.deletions ?? 0}</span>
          </span>
        )}
      </button>
    </li>
  );
});
