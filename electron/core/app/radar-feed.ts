import type { Radar } from '../../../shared/merge';
import type { Council } from '../council';
import { RadarService } from '../radar/radar';

/**
 * Keeps one repository's radar live for the windows watching it: a session whose worktree,
 * context or run changed is marked for a fresh snapshot, and the radar is recomputed once the
 * burst is over (debounced) and published. A slow sweep re-reads every session now and then, for
 * edits nobody reported (a person typing in a worktree with no agent running).
 */

const DEBOUNCE_MS = 300;
const SWEEP_MS = 30_000;

export class RadarFeed {
  readonly service: RadarService;
  private timer: NodeJS.Timeout | null = null;
  private sweep: NodeJS.Timeout | null = null;
  private last: string | null = null;

  constructor(
    council: Council,
    private readonly publish: (radar: Radar) => void,
  ) {
    this.service = new RadarService(council);
  }

  compute(): Promise<Radar> {
    return this.service.compute();
  }

  /** Something changed in `sessionId` (or anywhere): recompute soon. */
  note(sessionId?: string): void {
    this.service.invalidate(sessionId);
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), DEBOUNCE_MS);
    this.timer.unref();
  }

  /** Starts the slow sweep (while a window watches the repository). */
  start(): void {
    if (this.sweep) return;
    this.sweep = setInterval(() => this.note(), SWEEP_MS);
    this.sweep.unref();
    this.note();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.sweep) clearInterval(this.sweep);
    this.timer = this.sweep = null;
  }

  private async refresh(): Promise<void> {
    this.timer = null;
    try {
      const radar = await this.service.compute();
      // Only a different answer is news (durations and timestamps aside).
      const key = JSON.stringify({ base: radar.base, pairs: radar.pairs, lockOwners: radar.lockOwners, sessions: radar.sessions.map((s) => [s.sessionId, s.files]) });
      if (key === this.last) return;
      this.last = key;
      this.publish(radar);
    } catch {
      // A session removed mid-compute, git busy: the next change or sweep tries again.
    }
  }
}
