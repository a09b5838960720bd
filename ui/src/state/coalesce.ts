// Requests that fetch the latest of something from the engine, coalesced: while one runs,
// further requests collapse into one more run after it, so a burst of edits costs at most
// two round trips.

/**
 * A function that runs `fetchOnce` now, or once more after the run in flight. Every caller
 * gets a promise that settles when the runs it asked for are done. `fetchOnce` reports its
 * own failures; one that throws is simply over.
 */
export function coalesce(fetchOnce: () => Promise<void>): () => Promise<void> {
  let inFlight: Promise<void> | null = null;
  let again = false;
  return () => {
    if (inFlight) {
      again = true;
      return inFlight;
    }
    inFlight = (async () => {
      do {
        again = false;
        await fetchOnce().catch(() => undefined);
      } while (again);
      inFlight = null;
    })();
    return inFlight;
  };
}
