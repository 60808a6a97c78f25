/**
 * Wraps a refresh so that calls during a run do not start parallel fetches (whose answers could
 * land out of order): they ask for exactly one more run after the current one, which then sees
 * every change made meanwhile.
 */
export function singleFlight(run: () => Promise<void>): () => Promise<void> {
  let current: Promise<void> | null = null;
  let again = false;
  const loop = async () => {
    do {
      again = false;
      try {
        await run();
      } catch (error) {
        console.error('refresh failed', error);
      }
    } while (again);
    current = null;
  };
  return () => {
    if (current) {
      again = true;
      return current;
    }
    current = loop();
    return current;
  };
}
