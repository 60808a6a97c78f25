import { useState } from 'react';
import type { DiffFile } from '../../../../shared/commands/diff';
import { formatBytes } from '../../lib/format';
import { BinaryPreview } from './BinaryPreview';
import type { DiffMode } from './diff-mode-store';
import type { DiffSlots, SectionIo } from './diff-slots';
import { TextBody } from './TextBody';

/** A rendered file's body: an image or binary preview, a large file's "show" button, or its hunks. */
export function FileBody({ file, mode, io, slots }: { file: DiffFile; mode: DiffMode; io: SectionIo; slots: DiffSlots }) {
  if (file.binary) return <BinaryPreview file={file} io={io} />;
  if (file.tooLarge || file.patch === null) return <LargeFileNote file={file} io={io} />;
  return <TextBody file={file} patch={file.patch} mode={mode} io={io} slots={slots} />;
}

/** A change held back for its size: shown when asked (`diff.file`). */
function LargeFileNote({ file, io }: { file: DiffFile; io: SectionIo }) {
  // null: not asked; '': loading; otherwise the error.
  const [asking, setAsking] = useState<string | null>(null);
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
