import { useMemo, useState } from 'react';
import { reportBulk, runBulk, type BulkAction } from '../../app/bulk';
import type { SessionCard } from '../../../../shared/contract';
import { openCompare } from '../../app/navigation';
import { useStore } from '../../lib/create-store';
import { plural } from '../../lib/format';
import { bestOfGroups } from '../../models/compare-groups';
import { compareSelection, stopSelecting } from '../../app/stores/compare-selection-store';

const GROUPS_SHOWN = 6;

/**
 * Above the board: the best-of-N runs found among the sessions (same task, created together), one
 * button each to compare them; and, in selection mode, the cards picked by hand, to compare or to
 * act on together (stop their agents, merge, remove: app/bulk.ts).
 */
export function CompareBar({ cards, repo }: { cards: readonly SessionCard[]; repo: string }) {
  const groups = useMemo(() => bestOfGroups(cards), [cards]);
  const selection = useStore(compareSelection);
  if (!selection.active && groups.length === 0) return null;
  return (
    <div className="compare-bar" data-testid="compare-bar">
      {selection.active ? (
        <div className="compare-selection" role="group" aria-label="Selected sessions">
          <span data-testid="compare-selected-count">{selection.ids.length === 0 ? 'Tick the cards to compare or act on' : `${plural(selection.ids.length, 'session')} selected`}</span>
          <button
            type="button"
            className="button small primary"
            data-testid="compare-selected"
            disabled={selection.ids.length < 2}
            title={selection.ids.length < 2 ? 'Select at least two sessions' : undefined}
            onClick={() => {
              openCompare(selection.ids);
              stopSelecting();
            }}
          >
            Compare
          </button>
          <BulkActions repo={repo} ids={selection.ids} />
          <button type="button" className="button small ghost" data-testid="compare-cancel-selection" onClick={stopSelecting}>
            Cancel
          </button>
        </div>
      ) : null}
      {groups.length > 0 ? (
        <div className="best-of-groups">
          <span className="muted">Best-of-N:</span>
          {groups.slice(0, GROUPS_SHOWN).map((group) => (
            <button key={group.ids.join(',')} type="button" className="button small best-of" data-testid={`compare-group-${group.ids[0]}`} title={group.task} onClick={() => openCompare(group.ids)}>
              Compare {group.ids.length} × <span className="best-of-task">{group.task}</span>
            </button>
          ))}
          {groups.length > GROUPS_SHOWN ? <span className="muted">and {groups.length - GROUPS_SHOWN} more</span> : null}
        </div>
      ) : null}
    </div>
  );
}

/** Stop, merge or remove the selected sessions; removing asks first, and never forces. */
function BulkActions({ repo, ids }: { repo: string; ids: readonly string[] }) {
  const [busy, setBusy] = useState<BulkAction | null>(null);
  const [confirming, setConfirming] = useState(false);
  const run = async (action: BulkAction) => {
    setConfirming(false);
    setBusy(action);
    try {
      reportBulk(action, await runBulk(repo, ids, action));
    } finally {
      setBusy(null);
    }
  };
  const none = ids.length === 0;
  if (confirming) {
    return (
      <span className="bulk-confirm" role="group" aria-label="Confirm removal">
        <span data-testid="bulk-remove-question">
          Remove {plural(ids.length, 'session')}? Any with unmerged work or a running agent is kept.
        </span>
        <button type="button" className="button small danger" data-testid="bulk-remove-confirm" onClick={() => void run('remove')}>
          Remove
        </button>
        <button type="button" className="button small ghost" data-testid="bulk-remove-cancel" onClick={() => setConfirming(false)}>
          Keep them
        </button>
      </span>
    );
  }
  return (
    <>
      <button type="button" className="button small" data-testid="bulk-stop" disabled={none || busy !== null} aria-busy={busy === 'stop'} onClick={() => void run('stop')}>
        Stop agents
      </button>
      <button type="button" className="button small" data-testid="bulk-merge" disabled={none || busy !== null} aria-busy={busy === 'merge'} onClick={() => void run('merge')}>
        Merge
      </button>
      <button type="button" className="button small danger-ghost" data-testid="bulk-remove" disabled={none || busy !== null} aria-busy={busy === 'remove'} onClick={() => setConfirming(true)}>
        Remove…
      </button>
    </>
  );
}
