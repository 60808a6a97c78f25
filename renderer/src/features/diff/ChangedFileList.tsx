import { memo, type KeyboardEvent } from 'react';
import type { ChangedFile } from '../../../../shared/models';
import { plural } from '../../lib/format';

const KIND_LETTER: Record<ChangedFile['kind'], string> = { added: 'A', modified: 'M', deleted: 'D', renamed: 'R', untracked: 'U' };

/** The changed files with kind and +/- counts; arrow keys move the selection. */
export const ChangedFileList = memo(function ChangedFileList({
  files,
  selected,
  onSelect,
}: {
  files: ChangedFile[];
  selected: string | null;
  onSelect: (path: string) => void;
}) {
  const onKeyDown = (event: KeyboardEvent<HTMLUListElement>) => {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    const buttons = [...event.currentTarget.querySelectorAll<HTMLButtonElement>('button')];
    const index = buttons.indexOf(document.activeElement as HTMLButtonElement);
    const next = buttons[index + (event.key === 'ArrowDown' ? 1 : -1)];
    if (next === undefined) return;
    event.preventDefault();
    next.focus();
    next.click();
  };
  return (
    <nav className="file-list" aria-label={`Changed files (${files.length})`}>
      <p className="file-list-summary muted">{plural(files.length, 'changed file')}</p>
      <ul onKeyDown={onKeyDown}>
        {files.map((file) => (
          <li key={file.path}>
            <button
              type="button"
              className="file-item"
              data-testid={`diff-file-${file.path}`}
              data-kind={file.kind}
              aria-current={selected === file.path ? 'true' : undefined}
              title={file.origPath ? `${file.origPath} → ${file.path}` : file.path}
              onClick={() => onSelect(file.path)}
            >
              <span className={`kind kind-${file.kind}`} title={file.kind} aria-label={file.kind}>
                {KIND_LETTER[file.kind]}
              </span>
              <span className="file-path mono">{file.path}</span>
              {file.binary ? (
                <span className="badge">binary</span>
              ) : (
                <span className="file-counts mono">
                  <span className="ins">+{file.insertions ?? 0}</span> <span className="del">−{file.deletions ?? 0}</span>
                </span>
              )}
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
});
