import { CONTEXT_STATUS_LABELS, CONTEXT_STATUSES } from '../../../../shared/models';
import type { StatusFilter } from '../../models/card-list';

const FILTERS: StatusFilter[] = ['all', ...CONTEXT_STATUSES];

/** Filter chips by status, each with how many sessions it would show. */
export function StatusFilters({ counts, active, onChange }: { counts: Record<StatusFilter, number>; active: StatusFilter; onChange: (filter: StatusFilter) => void }) {
  return (
    <div className="filters" role="group" aria-label="Filter sessions by status">
      {FILTERS.map((filter) => (
        <button
          key={filter}
          type="button"
          className={`filter-chip${filter === 'all' ? '' : ` status-${filter}`}`}
          data-testid={`status-filter-${filter}`}
          aria-pressed={active === filter}
          onClick={() => onChange(filter)}
        >
          {filter === 'all' ? 'All' : CONTEXT_STATUS_LABELS[filter]}
          <span className="filter-count">{counts[filter]}</span>
        </button>
      ))}
    </div>
  );
}
