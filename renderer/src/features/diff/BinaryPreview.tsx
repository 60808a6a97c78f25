import { useEffect, useState } from 'react';
import type { DiffFile } from '../../../../shared/commands/diff';
import { formatBytes } from '../../lib/format';
import type { SectionIo } from './diff-slots';

type Side = { size: number | null; mime: string | null; data: string | null } | null;

/** A binary file's two sides: an image previewed before and after, anything else by its size. */
export function BinaryPreview({ file, io }: { file: DiffFile; io: SectionIo }) {
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
