import { useStoreSelector } from '../../lib/create-store';
import { reviewChipLabel } from '../../models/review-model';
import { reviewsStore } from '../../app/stores/reviews-store';

/** A session's review status as a chip (changes requested, ready for re-review, approved); nothing when never reviewed. */
export function ReviewChip({ sessionId, testId }: { sessionId: string; testId?: string }) {
  const status = useStoreSelector(reviewsStore, (state) => state.statuses.get(sessionId));
  const label = reviewChipLabel(status);
  if (label === null) return null;
  return (
    <span className={`review-chip review-${status}`} data-testid={testId ?? `review-chip-${sessionId}`} data-status={status} title="Code review">
      {label}
    </span>
  );
}
