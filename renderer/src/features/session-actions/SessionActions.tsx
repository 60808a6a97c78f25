import { useEffect, useRef, useState } from 'react';
import type { Session } from '../../../../shared/models';
import { call } from '../../api';
import { notify } from '../../components/notices';
import { failureText } from '../../lib/command-error';
import { useStore } from '../../lib/create-store';
import { sessionStats, useSessionStats } from '../../app/stores/session-stats-store';
import { closeSessionAction, requestCommit, requestUpdate, sessionActionRequest } from '../../app/stores/session-action-store';
import { CommitDialog } from './CommitDialog';
import { DiscardDialog } from './DiscardDialog';
import { UpdateDialog } from './UpdateDialog';

const OPEN_ITEMS = [
  { target: 'editor', label: 'Editor' },
  { target: 'terminal', label: 'Terminal' },
  { target: 'files', label: 'File manager' },
] as const;

/**
 * The session header's reviewer actions (issue 14, item 5): Commit…, Update from base…, Open in ▾
 * (editor, terminal, file manager — on the machine that runs council). Discard is reached from the
 * commit dialog's file list, and from the diff through `requestDiscard`.
 */
export function SessionActions({ repo, session }: { repo: string; session: Session }) {
  const stats = useSessionStats(session.id)?.stats;
  const dirty = stats?.dirty;
  useEffect(() => {
    sessionStats.setVisible(session.id, true);
    return () => sessionStats.setVisible(session.id, false);
  }, [session.id]);
  return (
    <div className="session-actions" role="group" aria-label="Session actions">
      <button type="button" className="button small" data-testid="action-commit" onClick={() => requestCommit(session.id)} title={dirty === false ? 'Nothing uncommitted' : "Commit the worktree's pending changes"}>
        Commit…
      </button>
      <button type="button" className="button small" data-testid="action-update" onClick={() => requestUpdate(session.id)} title={`Merge or rebase ${session.baseBranch} into this branch`}>
        Update from base…{stats && stats.behind > 0 ? <span className="action-count">{stats.behind}</span> : null}
      </button>
      <OpenMenu repo={repo} sessionId={session.id} />
    </div>
  );
}

function OpenMenu({ repo, sessionId }: { repo: string; sessionId: string }) {
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const away = (event: MouseEvent) => {
      if (!ref.current?.contains(event.target as Node)) setOpen(false);
    };
    const escape = (event: KeyboardEvent) => {
      if (event.key === 'Escape') setOpen(false);
    };
    document.addEventListener('mousedown', away);
    document.addEventListener('keydown', escape);
    return () => {
      document.removeEventListener('mousedown', away);
      document.removeEventListener('keydown', escape);
    };
  }, [open]);

  const openIn = async (target: (typeof OPEN_ITEMS)[number]['target'], label: string) => {
    setOpen(false);
    const result = await call('sessions.open', { repo, id: sessionId, target });
    if (!result.ok) {
      notify({ tone: 'error', title: `Could not open the worktree in the ${label.toLowerCase()}`, detail: failureText(result.error, 'open it', 'Open in', 'sessions.open').replace(/^Could not open it: /, ''), testId: 'open-notice', sticky: true });
      return;
    }
    notify({ tone: 'success', title: `Opened in the ${label.toLowerCase()}`, detail: result.value.argv.join(' '), testId: 'open-notice' });
  };

  return (
    <div className="action-menu" ref={ref}>
      <button type="button" className="button small" data-testid="action-open" aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen((was) => !was)}>
        Open in ▾
      </button>
      {open ? (
        <div className="action-menu-list" role="menu" data-testid="action-open-menu">
          {OPEN_ITEMS.map((item) => (
            <button key={item.target} type="button" role="menuitem" className="action-menu-item" data-testid={`action-open-${item.target}`} onClick={() => void openIn(item.target, item.label)}>
              {item.label}
            </button>
          ))}
        </div>
      ) : null}
    </div>
  );
}

/** The dialog a reviewer's action opened over this session, if any. */
export function SessionActionDialogs({ repo, session }: { repo: string; session: Session }) {
  const request = useStore(sessionActionRequest);
  if (request === null || request.sessionId !== session.id) return null;
  if (request.kind === 'commit') return <CommitDialog key={`commit-${session.id}`} repo={repo} sessionId={session.id} task={session.task} onClose={closeSessionAction} />;
  if (request.kind === 'update') return <UpdateDialog key={`update-${session.id}`} repo={repo} sessionId={session.id} baseBranch={session.baseBranch} onClose={closeSessionAction} />;
  return <DiscardDialog key={`discard-${request.path}`} repo={repo} sessionId={session.id} path={request.path} hunk={request.hunk} onClose={closeSessionAction} />;
}
