/**
 * Keeping a link to a host up (issue 17, item 4): a small state machine, free of SSH and of agents,
 * so a headless run (remote-attach.ts) and an interactive one can share it. A link is made by
 * `connect()`: it comes up (or fails before), and later closes — finished (nothing more to follow)
 * or dropped. A drop, or a failed attempt, waits with backoff (1 s doubling to 30 s, ± 20 % jitter)
 * and connects again, until the link is finished or `cancel()`ed; `onState` hears each change, in
 * words the UI can show.
 */

export interface BackoffOptions {
  firstMs: number;
  maxMs: number;
  /** 0.2: each delay is its nominal value ± 20 %. */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { firstMs: 1000, maxMs: 30_000, jitter: 0.2 };

/** The wait before attempt `attempt` (1-based): firstMs·2^(attempt−1), at most maxMs, jittered. */
export function backoffDelay(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const nominal = Math.min(options.maxMs, options.firstMs * 2 ** Math.max(0, attempt - 1));
  return Math.max(0, Math.round(nominal * (1 - options.jitter + 2 * options.jitter * random())));
}

/** One connection attempt. */
export interface Link {
  /** Resolves when the link is up; rejects (with the reason) when it could not be made. */
  up: Promise<void>;
  /** Resolves when it has closed: `finished` when there is nothing more to follow. */
  closed: Promise<{ finished: boolean; error: string | null }>;
}

export interface LinkState {
  connected: boolean;
  /** When the link last dropped (ISO), null while it never did. */
  droppedAt: string | null;
  /** Attempts since it dropped (0 while connected). */
  attempt: number;
  /** When the next attempt is made (ISO), null while connected or connecting. */
  nextAttemptAt: string | null;
  /** What the last attempt or drop said, in words. */
  error: string | null;
}

export interface ReconnectOptions {
  connect(attempt: number): Link;
  onState(state: LinkState): void;
  backoff?: BackoffOptions;
  /** The very first attempt failing ends the loop with its error (a host down at start is an error, not a wait). */
  failFirst?: boolean;
}

export class Reconnector {
  private cancelled = false;
  private wake: (() => void) | null = null;
  state: LinkState = { connected: false, droppedAt: null, attempt: 0, nextAttemptAt: null, error: null };

  constructor(private readonly options: ReconnectOptions) {}

  /** Runs until the link is finished (resolves), cancelled (resolves), or the first attempt fails with failFirst (rejects). */
  async run(): Promise<void> {
    let everUp = false;
    for (let n = 0; !this.cancelled; n++) {
      const link = this.options.connect(this.state.attempt);
      let up = false;
      let error: string | null = null;
      try {
        await link.up;
        up = true;
      } catch (err) {
        error = (err as Error).message;
      }
      if (up) {
        everUp = true;
        this.set({ connected: true, attempt: 0, nextAttemptAt: null, error: null });
      }
      const closed = await link.closed;
      if (closed.finished) return;
      if (this.cancelled) return;
      error = closed.error ?? error;
      if (!everUp && n === 0 && this.options.failFirst) throw new Error(error ?? 'the connection could not be made');
      const attempt = this.state.attempt + 1;
      const delay = backoffDelay(attempt, this.options.backoff ?? DEFAULT_BACKOFF);
      this.set({ connected: false, droppedAt: up || this.state.droppedAt === null ? new Date().toISOString() : this.state.droppedAt, attempt, nextAttemptAt: new Date(Date.now() + delay).toISOString(), error });
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
      if (!this.cancelled) this.set({ nextAttemptAt: null });
    }
  }

  /** Tries again now, without waiting out the delay. */
  now(): void {
    this.wake?.();
  }

  cancel(): void {
    this.cancelled = true;
    this.wake?.();
  }

  private set(change: Partial<LinkState>): void {
    this.state = { ...this.state, ...change };
    this.options.onState(this.state);
  }
}
