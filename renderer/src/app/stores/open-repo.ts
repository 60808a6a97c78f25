import { stopSelecting } from './compare-selection-store';
import { resetLocks } from './locks-store';
import { resetMessages } from './messages-store';
import { resetPresets } from './presets-store';
import { resetQueue } from './queue-store';
import { resetRadar } from './radar-store';
import { resetReviews } from './reviews-store';
import { resetRuns } from './runs-store';
import { sessionStats } from './session-stats-store';
import { resetSessions } from './sessions-store';
import { resetSettings } from './settings-store';

/**
 * Points every store of the open repository's state at `repo` (null: none is open), forgetting
 * what the last one held: its data, its per-card stats and the board's compare selection.
 */
export function resetRepoStores(repo: string | null): void {
  resetSessions(repo);
  resetLocks(repo);
  resetSettings(repo);
  resetRuns(repo);
  resetPresets(repo);
  resetQueue(repo);
  resetRadar(repo);
  resetReviews(repo);
  resetMessages(repo);
  stopSelecting();
  sessionStats.reset();
}
