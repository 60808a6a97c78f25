import type { ReactNode } from 'react';
import type { DiffFile } from '../../../../shared/commands/diff';

export const KIND_LETTER: Record<DiffFile['kind'], string> = { added: 'A', modified: 'M', deleted: 'D', renamed: 'R', untracked: 'U' };

/** A file's header row in the review diff: open/closed, kind, path, counts, actions, the viewed mark. */
export function FileHeader({ file, open, onToggleOpen, viewed, onToggleViewed, actions }: { file: DiffFile; open: boolean; onToggleOpen: () => void; viewed: boolean; onToggleViewed: (file: DiffFile) => void; actions: ReactNode }) {
  const shownPath = file.origPath ? `${file.origPath} → ${file.path}` : file.path;
  return (
    <header className="diff-file-header">
      <button type="button" className="diff-file-toggle" aria-expanded={open} aria-label={open ? 'Collapse' : 'Expand'} onClick={onToggleOpen}>
        {open ? '▾' : '▸'}
      </button>
      <span className={`kind kind-${file.kind}`} title={file.kind}>
        {KIND_LETTER[file.kind]}
      </span>
      <span className="diff-file-path mono" title={shownPath}>
        {shownPath}
      </span>
      {file.binary ? (
        <span className="badge">binary</span>
      ) : (
        <span className="file-counts mono">
          <span className="ins">+{file.insertions ?? 0}</span> <span className="del">−{file.deletions ?? 0}</span>
        </span>
      )}
      <span className="diff-file-actions">{actions}</span>
      <label className="diff-viewed-toggle">
        <input type="checkbox" data-testid={`diff-viewed-${file.path}`} checked={viewed} onChange={() => onToggleViewed(file)} /> Viewed
      </label>
    </header>
  );
}
