import { memo, useEffect, useMemo, useRef, useState } from 'react';
import type { DiffFile } from '../../../../shared/commands/diff';
import { buildTree, foldersOf, treeRows } from '../../models/diff-tree';
import { isViewed, type ViewedMarks } from '../../models/diff-viewed';
import { KIND_LETTER } from './FileSection';

/** The changed files under their folders (collapsible), with kind, +/- and the viewed mark; the
 * file being read is marked, and a click scrolls the diff to a file. */
export const FileTree = memo(function FileTree({
  files,
  current,
  viewed,
  onSelect,
}: {
  files: DiffFile[];
  current: string | null;
  viewed: ViewedMarks;
  onSelect: (path: string) => void;
}) {
  const tree = useMemo(() => buildTree(files), [files]);
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const rows = useMemo(() => treeRows(tree, collapsed), [tree, collapsed]);
  const currentRef = useRef<HTMLButtonElement>(null);

  // The current file's folders open, and its row stays in sight.
  useEffect(() => {
    if (current === null) return;
    const closed = foldersOf(current).filter((f) => collapsed.has(f));
    if (closed.length) setCollapsed((c) => new Set([...c].filter((f) => !closed.includes(f))));
    currentRef.current?.scrollIntoView({ block: 'nearest' });
  }, [current]);

  const toggle = (path: string) => setCollapsed((c) => (c.has(path) ? new Set([...c].filter((p) => p !== path)) : new Set([...c, path])));
  return (
    <nav className="file-list diff-tree" aria-label={`Changed files (${files.length})`} data-testid="diff-tree">
      <ul>
        {rows.map((row) =>
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
            <li key={`f:${row.path}`}>
              <button
                type="button"
                ref={row.path === current ? currentRef : undefined}
                className="file-item"
                data-testid={`diff-file-${row.path}`}
                data-kind={row.file.kind}
                data-viewed={isViewed(viewed, row.file) ? 'true' : 'false'}
                aria-current={row.path === current ? 'true' : undefined}
                title={row.file.origPath ? `${row.file.origPath} → ${row.path}` : row.path}
                onClick={() => onSelect(row.path)}
              >
                <span className="tree-indent" data-depth={row.depth} />
                <span className={`kind kind-${row.file.kind}`} title={row.file.kind} aria-label={row.file.kind}>
                  {KIND_LETTER[row.file.kind]}
                </span>
                <span className="file-path mono">{row.name}</span>
                {isViewed(viewed, row.file) && (
                  <span className="tree-viewed" title="Viewed" aria-label="viewed">
                    ✓
                  </span>
                )}
                {row.file.binary ? (
                  <span className="badge">bin</span>
                ) : (
                  <span className="file-counts mono">
                    <span className="ins">+{row.file.insertions ?? 0}</span> <span className="del">−{row.file.deletions ?? 0}</span>
                  </span>
                )}
              </button>
            </li>
          ),
        )}
      </ul>
    </nav>
  );
});
