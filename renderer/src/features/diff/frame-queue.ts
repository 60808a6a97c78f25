import { startTransition } from 'react';
import { pageScrollSpeed } from './scroll-speed';

/**
 * Heavy work of the diff one piece per task, so the page paints and scrolls between pieces: the
 * longest frame is one piece's work (a file's first rows, one chunk's tokens), never a whole file's
 * or the whole diff's. Mounting what comes into view goes before tokenizing what is already shown.
 */
/** A piece of work; what it returns is its commit, run at once (it may return a promise: committed). */
type Commit = () => Promise<void> | void;
type Task = () => Promise<Commit | void> | Commit | void;
export type Priority = 'mount' | 'tokens';

/** The longest a piece waits for the one before it to be committed. */
const COMMIT_WAIT_MS = 250;

const queues: Record<Priority, { task: Task; cancelled: boolean }[]> = { mount: [], tokens: [] };
let running = false;

/** Resolves in a task of its own (inside a queued task: the rest of it runs after the page could paint). */
export const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * The main thread's time for pieces in one frame: past it, the next piece waits for the next frame.
 * Pieces back to back in tasks of their own still filled the time between two frames (several
 * mounts and commits in one, 20-60 ms on a busy machine), and a frame waits for the task it is due in.
 */
const FRAME_BUDGET_MS = 8;

/** Resolves in a task right after the next frame was produced. */
const nextFrame = () => new Promise<void>((resolve) => afterFrame(resolve));

async function drain(): Promise<void> {
  if (running) return;
  running = true;
  try {
    // Never in the caller's task (an observer's callback, React's effects): each piece in its own.
    await nextTask();
    let since = performance.now();
    const scroll = pageScrollSpeed();
    for (;;) {
      const item = queues.mount.shift() ?? queues.tokens.shift();
      if (item === undefined) break;
      if (item.cancelled) continue;
      // While the page flings, what a piece would render goes by unread, and rendering it holds up
      // the scroll's frames (scroll-speed.ts): the piece waits; a section that left the view
      // meanwhile has cancelled its piece by the time the scroll slows.
      if (scroll.flinging(performance.now())) {
        await scroll.settled(performance.now());
        // Released from the scroll event that slowed it: the piece in a task of its own, not in
        // that event's (where it ran with the scroll's own work: a 48 ms scroll event under load).
        await nextTask();
        since = performance.now();
        if (item.cancelled) continue;
      }
      const commit = await item.task();
      // The next piece waits until React committed this one (a transition, rendered in slices):
      // otherwise the pieces that came near meanwhile were rendered and committed together, one long
      // task in the middle of a scroll. Not forever: a commit that never comes frees the queue.
      const committed = item.cancelled ? undefined : commit?.();
      if (committed) await Promise.race([committed, new Promise<void>((resolve) => setTimeout(resolve, COMMIT_WAIT_MS))]);
      // What it committed is laid out and painted in the next frame: the next piece (a request to
      // the tokenizer's worker, whose thread would take the CPU that frame needs) starts after it.
      if (committed || performance.now() - since >= FRAME_BUDGET_MS) {
        await nextFrame();
        since = performance.now();
      } else {
        await nextTask();
      }
    }
  } finally {
    running = false;
  }
}

/** Runs `task` after the ones before it of its priority, in a task of its own; returns the way to cancel it. */
export function schedule(task: Task, priority: Priority = 'tokens'): () => void {
  const item = { task, cancelled: false };
  queues[priority].push(item);
  void drain();
  return () => {
    item.cancelled = true;
  };
}

/** Calls `callback` after the next frame was painted; returns the way to cancel it. */
export function afterFrame(callback: () => void): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const frame = requestAnimationFrame(() => {
    timer = setTimeout(callback, 0);
  });
  return () => {
    cancelAnimationFrame(frame);
    if (timer !== null) clearTimeout(timer);
  };
}

/**
 * A commit that resolves once React committed the state it set (a transition, rendered in slices):
 * `start` sets the state in a transition and returns the promise; `done` is called from a layout
 * effect when the state is in the DOM (or the component unmounts).
 */
export function commitTracker(): { start: (set: () => void) => Promise<void>; done: () => void } {
  let resolve: (() => void) | null = null;
  return {
    start(set) {
      resolve?.();
      const wait = new Promise<void>((r) => {
        resolve = r;
      });
      startTransition(set);
      return wait;
    },
    done() {
      resolve?.();
      resolve = null;
    },
  };
}
