/**
 * Heavy work of the diff one piece per task, so the page paints and scrolls between pieces: the
 * longest frame is one piece's work (a file's first rows, one chunk's tokens), never a whole file's
 * or the whole diff's. Mounting what comes into view goes before tokenizing what is already shown.
 */
type Task = () => Promise<(() => void) | void> | (() => void) | void;
export type Priority = 'mount' | 'tokens';

const queues: Record<Priority, { task: Task; cancelled: boolean }[]> = { mount: [], tokens: [] };
let running = false;

/** Resolves in a task of its own (inside a queued task: the rest of it runs after the page could paint). */
export const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

async function drain(): Promise<void> {
  if (running) return;
  running = true;
  try {
    // Never in the caller's task (an observer's callback, React's effects): each piece in its own.
    await nextTask();
    for (;;) {
      const item = queues.mount.shift() ?? queues.tokens.shift();
      if (item === undefined) break;
      if (item.cancelled) continue;
      const commit = await item.task();
      if (!item.cancelled) commit?.();
      await nextTask();
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
