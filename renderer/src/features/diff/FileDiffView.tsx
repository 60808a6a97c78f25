import { useMemo } from 'react';
import { Diff, Hunk, parseDiff, type FileData } from 'react-diff-view';
import 'react-diff-view/style/index.css';
import { ErrorBoundary } from '../../components/ErrorBoundary';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useStore } from '../../lib/create-store';
import { formatKilobytes } from '../../lib/format';
import { diffMode, setDiffMode, type DiffMode } from './diff-mode-store';
import type { SelectedDiff } from './session-diff';

/** The selected file's diff, rendered by react-diff-view, unified or split. */
export function FileDiffView({ diff }: { diff: SelectedDiff }) {
  const mode = useStore(diffMode);
  return (
    <section className="diff-viewer" data-testid="diff-viewer" aria-label={diff.path ? `Diff of ${diff.path}` : 'Diff'} aria-busy={diff.status === 'loading'}>
      <div className="diff-toolbar">
        <span className="diff-path mono">{diff.path ?? 'No file selected'}</span>
        <ModeToggle mode={mode} />
      </div>
      <ErrorBoundary what="this diff" resetKey={`${diff.path}:${diff.value?.patch.length ?? 0}:${mode}`}>
        <DiffBody diff={diff} mode={mode} />
      </ErrorBoundary>
    </section>
  );
}

function ModeToggle({ mode }: { mode: DiffMode }) {
  return (
    <div className="segmented" role="group" aria-label="Diff layout">
      {(['unified', 'split'] as const).map((m) => (
        <button key={m} type="button" className="segment" data-testid={`diff-mode-${m}`} aria-pressed={mode === m} onClick={() => setDiffMode(m)}>
          {m === 'unified' ? 'Unified' : 'Split'}
        </button>
      ))}
    </div>
  );
}

function DiffBody({ diff, mode }: { diff: SelectedDiff; mode: DiffMode }) {
  const parsed = useMemo(() => parse(diff.value?.patch ?? ''), [diff.value?.patch]);
  if (diff.path === null) return <p className="diff-note muted">Select a file to see its changes.</p>;
  if (diff.status === 'loading' || diff.status === 'idle') return <p className="diff-note muted">Loading the diff…</p>;
  if (diff.status === 'error') return <ErrorMessage message={diff.error} testId="diff-file-error" />;
  const value = diff.value!;
  if (value.binary) return <p className="diff-note" data-testid="diff-binary">Binary file — not shown</p>;
  if (value.tooLarge) return <p className="diff-note" data-testid="diff-too-large">Too large to show ({formatKilobytes(value.size)})</p>;
  if (parsed === 'unparsable') return <pre className="diff-raw mono">{value.patch}</pre>;
  if (parsed.length === 0 || parsed.every((file) => file.hunks.length === 0)) {
    const renamed = parsed.find((file) => file.type === 'rename');
    return (
      <p className="diff-note muted" data-testid="diff-no-content">
        {renamed ? `Renamed from ${renamed.oldPath}; the content is unchanged.` : 'No content changes (an empty file, or only its mode changed).'}
      </p>
    );
  }
  return (
    <div className="diff-scroll">
      {parsed.map((file, index) => (
        <Diff key={`${file.oldPath}-${file.newPath}-${index}`} viewType={mode} diffType={file.type} hunks={file.hunks} className={`diff-table diff-${mode}`}>
          {(hunks) => hunks.map((hunk) => <Hunk key={hunk.content} hunk={hunk} />)}
        </Diff>
      ))}
    </div>
  );
}

function parse(patch: string): FileData[] | 'unparsable' {
  if (patch.trim() === '') return [];
  try {
    return parseDiff(patch, { nearbySequences: 'zip' });
  } catch {
    return 'unparsable';
  }
}
