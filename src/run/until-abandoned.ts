/** After an interrupt, a collector gets this long to return its partial section before the run goes on without it. */
export const ABANDON_AFTER_ABORT_MS = 1500;

/**
 * The collector's output, or null when the run was interrupted and the collector did not return within
 * ABANDON_AFTER_ABORT_MS: a collector that ignores the signal must not hold the run. (A collector that blocks the event
 * loop, as the static analysis does while it parses, cannot be abandoned before it yields.)
 */
export function untilAbandoned<T>(collecting: Promise<T>, signal: AbortSignal): Promise<T | null> {
  return new Promise<T | null>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      timer = setTimeout(() => resolve(null), ABANDON_AFTER_ABORT_MS);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    collecting.then(resolve, reject).finally(() => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    });
  });
}
