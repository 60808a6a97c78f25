import { useMemo } from 'react';
import type { SessionCard } from '../../../../shared/contract';
import { openCompare } from '../../app/navigation';
import { useStore } from '../../lib/create-store';
import { plural } from '../../lib/format';
import { bestOfGroups } from '../../models/compare-groups';
import { compareSelection, stopSelecting } from '../../app/stores/compare-selection-store';

const GROUPS_SHOWN = 6;

/**
 * Above the board: the best-of-N runs found among the sessions (same task, created together), one
 * button each to compare them; and, in selection mode, the cards picked by hand.
 */
export function CompareBar({ cards }: { cards: readonly SessionCard[] }) {
  const groups = useMemo(() => bestOfGroups(cards), [cards]);
  const selection = useStore(compareSelection);
  if (!selection.active && groups.length === 0) return null;
  return (
    <div className="compare-bar" data-testid="compare-bar">
      {selection.active ? (
        <div className="compare-selection" role="group" aria-label="Sessions selected to compare">
          <span data-testid="compare-selected-count">{selection.ids.length === 0 ? 'Tick the cards to compare' : `${plural(selection.ids.length, 'session')} selected`}</span>
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
