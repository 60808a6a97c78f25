import { useEffect, useId, useState } from 'react';
import type { ReviewSide } from '../../../../shared/review';
import { call } from '../../api';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useStore } from '../../lib/create-store';
import { parseLines } from '../../models/review-model';
import { commentDraft } from '../../app/stores/reviews-store';
import { reloadReview, useSessionReview } from './use-session-review';

/**
 * A new pending comment: file, side, lines and text. A selection made elsewhere (the diff's lines,
 * through `startComment` in app/stores/reviews-store.ts) fills it in.
 */
export function CommentForm({ repo, sessionId }: { repo: string; sessionId: string }) {
  // The session's changed files, for the file box's suggestions: kept up to date while the form is shown.
  const files = useSessionReview(repo, sessionId, { files: true }).files ?? [];
  const draft = useStore(commentDraft);
  const [path, setPath] = useState('');
  const [side, setSide] = useState<ReviewSide>('new');
  const [lines, setLines] = useState('');
  const [body, setBody] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ids = { path: useId(), lines: useId(), body: useId(), files: useId() };

  // Take a selection meant for this session once, then clear it.
  useEffect(() => {
    if (draft === null || draft.sessionId !== sessionId) return;
    setPath(draft.path);
    setSide(draft.side ?? 'new');
    const end = draft.endLine ?? draft.startLine;
    setLines(end === draft.startLine ? `${draft.startLine}` : `${draft.startLine}-${end}`);
    if (draft.text !== undefined) setBody(draft.text);
    setError(null);
    commentDraft.set(null);
  }, [draft, sessionId]);

  const span = parseLines(lines);
  const ready = path.trim() !== '' && span !== null && body.trim() !== '' && !busy;
  const add = async () => {
    if (span === null) {
      setError('Lines: a number, or first-last (for example 12 or 12-20).');
      return;
    }
    setBusy(true);
    setError(null);
    const result = await call('review.comment', { repo, id: sessionId, path: path.trim(), side, startLine: span.startLine, endLine: span.endLine, body });
    setBusy(false);
    if (!result.ok) {
      setError(result.error.message);
      return;
    }
    setBody('');
    setLines('');
    reloadReview(repo, sessionId);
  };
  return (
    <form
      className="review-form"
      data-testid="review-form"
      onSubmit={(event) => {
        event.preventDefault();
        void add();
      }}
    >
      <div className="review-form-row">
        <label htmlFor={ids.path}>File</label>
        <input id={ids.path} className="input mono" list={ids.files} data-testid="review-form-path" placeholder="src/app.ts" value={path} onChange={(e) => setPath(e.target.value)} disabled={busy} />
        <datalist id={ids.files}>
          {files.map((f) => (
            <option key={f} value={f} />
          ))}
        </datalist>
        <label htmlFor={ids.lines}>Lines</label>
        <input id={ids.lines} className="input mono review-form-lines" data-testid="review-form-lines" placeholder="12-20" value={lines} onChange={(e) => setLines(e.target.value)} disabled={busy} />
        <select className="input select small" aria-label="Side" data-testid="review-form-side" value={side} onChange={(e) => setSide(e.target.value as ReviewSide)} disabled={busy}>
          <option value="new">session's version</option>
          <option value="old">base version</option>
        </select>
      </div>
      <label htmlFor={ids.body} className="sr-only">
        Comment
      </label>
      <textarea id={ids.body} className="input review-form-body" data-testid="review-form-body" rows={3} placeholder="What should change here?" value={body} maxLength={8000} onChange={(e) => setBody(e.target.value)} disabled={busy} />
      <div className="review-form-row">
        <button type="submit" className="button small" data-testid="review-form-add" disabled={!ready}>
          {busy ? 'Adding…' : 'Add comment'}
        </button>
        <span className="muted">Pending until you request changes.</span>
      </div>
      <ErrorMessage message={error} testId="review-form-error" />
    </form>
  );
}
