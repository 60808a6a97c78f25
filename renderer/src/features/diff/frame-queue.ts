/**
 * Heavy work of the diff (tokenizing a chunk) one piece per task, so the page paints and scrolls
 * between pieces: the longest frame is one chunk's work, not a file's or the whole diff's.
 */
type Task = () => Promise<(() => void) | void>;

const queue: { task: Task; cancelled: boolean }[] = [];
let running = false;

const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

async function drain(): Promise<void> {
  if (running) return;
  running = true;
  try {
    while (queue.length > 0) {
      const item = queue.shift()!;
      if (item.cancelled) continue;
      const commit = await item.task();
      if (!item.cancelled) commit?.();
      await nextTask();
    }
  } finally {
    running = false;
  }
}

/** Runs `task` after the ones before it, in a task of its own; returns the way to cancel it. */
export function schedule(task: Task): () => void {
  const item = { task, cancelled: false };
  queue.push(item);
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
