import { useState, type FormEvent } from 'react';
import type { UpdateResult } from '../../../../shared/commands/session-actions';
import type { CouncilErrorData } from '../../../../shared/errors';
import { call } from '../../api';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { notify } from '../../components/notices';
import { failureText } from '../../lib/command-error';
import { plural } from '../../lib/format';
import { updatedWords } from '../../models/session-actions';
import { refreshSessions } from '../../app/stores/sessions-store';
import { sessionStats, useSessionStats } from '../../app/stores/session-stats-store';
import { requestCommit } from '../../app/stores/session-action-store';

type Strategy = 'merge' | 'rebase';

/**
 * Update from base (`sessions.updateFromBase`): the base branch brought into the session's branch
 * in its worktree, by merge (default) or rebase. Refused with uncommitted changes (offering to
 * commit first) or a running agent. A conflict stays in the worktree: the dialog names the files and
 * offers to have the agent resolve it (a follow-up) or to undo the update exactly.
 */
export function UpdateDialog({ repo, sessionId, baseBranch, onClose }: { repo: string; sessionId: string; baseBranch: string; onClose: () => void }) {
  const stats = useSessionStats(sessionId)?.stats;
  const [strategy, setStrategy] = useState<Strategy>('merge');
  const [busy, setBusy] = useState<null | 'update' | 'undo' | 'agent'>(null);
  const [error, setError] = useState<CouncilErrorData | null>(null);
  const [errorText, setErrorText] = useState<string | null>(null);
  const [conflict, setConflict] = useState<UpdateResult | null>(null);

  const settle = () => {
    sessionStats.invalidate(sessionId);
    void refreshSessions();
  };

  const run = async (abort: boolean) => {
    setBusy(abort ? 'undo' : 'update');
    setError(null);
    setErrorText(null);
    const result = await call('sessions.updateFromBase', { repo, id: sessionId, ...(abort ? { abort: true } : { strategy }) });
    setBusy(null);
    settle();
    if (!result.ok) {
      setError(result.error);
      setErrorText(failureText(result.error, abort ? 'undo the update' : `update from ${baseBranch}`, 'Update from base', 'sessions.updateFromBase'));
      return;
    }
    const done = result.value;
    if (done.state === 'conflict') {
      setConflict(done);
      return;
    }
    notify({ tone: done.state === 'aborted' ? 'info' : 'success', title: updatedWords(done.state, done.commitsIn, done.baseBranch), testId: 'update-notice' });
    onClose();
  };

  const resolveWithAgent = async () => {
    if (conflict?.resolvePrompt == null) return;
    setBusy('agent');
    setErrorText(null);
    const result = await call('agent.followUp', { repo, id: sessionId, text: conflict.resolvePrompt });
    setBusy(null);
    if (!result.ok) {
      setErrorText(failureText(result.error, 'ask the agent to resolve it', 'Follow-ups', 'agent.followUp'));
      return;
    }
    notify({ tone: 'success', title: 'Asked the agent to resolve the conflicts', detail: conflict.files.join(', '), testId: 'update-resolve-notice' });
    onClose();
  };

  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    if (busy === null) void run(false);
  };

  // Refused for uncommitted changes: the warning below says it (with the files), not the error line too.
  const uncommitted = Array.isArray(error?.details?.uncommitted) ? (error.details.uncommitted as unknown[]).map(String) : null;
  const dirty = uncommitted !== null || (error === null && stats?.dirty === true);
  const inProgress = error !== null && / in progress in its worktree/.test(error.message);

  if (conflict !== null) {
    return (
      <Dialog title={`Update from ${baseBranch}: conflicts`} onClose={onClose} testId="update-dialog" busy={busy !== null}>
        <div className="warning" role="alert" data-testid="update-conflict">
          <p>
            The {conflict.strategy} of {baseBranch} ({plural(conflict.commitsIn, 'commit')}) stopped on conflicts in {plural(conflict.files.length, 'file')}. They are left in the
            worktree, with conflict markers; the session is marked blocked until they are resolved or the update is undone.
          </p>
        </div>
        <ul className="action-file-list mono" data-testid="update-conflict-files">
          {conflict.files.map((file) => (
            <li key={file}>{file}</li>
          ))}
        </ul>
        <p className="muted">Undo puts the branch and every file back exactly as they were before the update.</p>
        <ErrorMessage message={errorText} testId="update-error" />
        <div className="dialog-actions">
          <button type="button" className="button" data-testid="update-leave" onClick={onClose} disabled={busy !== null}>
            Resolve by hand
          </button>
          <button type="button" className="button" data-testid="update-resolve-agent" onClick={() => void resolveWithAgent()} disabled={busy !== null}>
            {busy === 'agent' ? 'Asking…' : 'Resolve with agent'}
          </button>
          <button type="button" className="button danger" data-testid="update-undo" onClick={() => void run(true)} disabled={busy !== null}>
            {busy === 'undo' ? 'Undoing…' : 'Undo update'}
          </button>
        </div>
      </Dialog>
    );
  }

  return (
    <Dialog title={`Update from ${baseBranch}`} onClose={onClose} testId="update-dialog" busy={busy !== null}>
      <form className="form" noValidate onSubmit={submit}>
        <p className="dialog-lead" data-testid="update-behind">
          {stats === undefined || stats === null ? `Brings what ${baseBranch} has now into this session's branch, in its worktree.` : stats.behind === 0 ? `The branch already has everything of ${baseBranch}.` : `${baseBranch} has ${plural(stats.behind, 'commit')} this branch does not.`}
        </p>
        <fieldset className="field fieldset">
          <legend className="field-label">How</legend>
          <div className="strategy-list" role="radiogroup" aria-label="How">
            {(['merge', 'rebase'] as const).map((each) => (
              <label key={each} className={`strategy-option${strategy === each ? ' is-checked' : ''}`}>
                <input type="radio" name="update-strategy" value={each} data-testid={`update-strategy-${each}`} checked={strategy === each} onChange={() => setStrategy(each)} />
                <span className="strategy-name">{each}</span>
                <span className="strategy-help">{each === 'merge' ? `A merge commit brings ${baseBranch} in; the session's commits stay as they are.` : `The session's commits are replayed on top of ${baseBranch} (new commit ids).`}</span>
              </label>
            ))}
          </div>
        </fieldset>
        {dirty ? (
          <div className="warning" data-testid="update-dirty" role="status">
            <p>
              The worktree has uncommitted changes{uncommitted !== null && uncommitted.length > 0 ? ` (${uncommitted.slice(0, 5).join(', ')}${uncommitted.length > 5 ? ', …' : ''})` : ''}: commit them first, so an
              undo can put everything back exactly.
            </p>
            <button type="button" className="button small" data-testid="update-commit-first" onClick={() => requestCommit(sessionId)}>
              Commit…
            </button>
          </div>
        ) : null}
        <ErrorMessage message={uncommitted !== null ? null : errorText} testId="update-error" />
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onClose} disabled={busy !== null}>
            Cancel
          </button>
          {inProgress ? (
            <button type="button" className="button danger" data-testid="update-undo" onClick={() => void run(true)} disabled={busy !== null}>
              {busy === 'undo' ? 'Undoing…' : 'Undo the update in progress'}
            </button>
          ) : null}
          <button type="submit" className="button primary" data-testid="update-submit" disabled={busy !== null} autoFocus>
            {busy === 'update' ? 'Updating…' : `${strategy === 'merge' ? 'Merge' : 'Rebase onto'} ${baseBranch}`}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
