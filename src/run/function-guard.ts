import type { FitnessFunction } from '../core/fitness-function.js';

export const DEFAULT_FUNCTION_TIMEOUT_MS = 60_000;
/** After an interrupt, a function still gets this long (the run must stop within 2 s of Ctrl-C). */
const INTERRUPTED_BUDGET_MS = 1_000;

/**
 * Wraps a fitness function's test() so that it always settles: a timeout, an interrupt, and an exception thrown
 * (or a promise rejected) asynchronously by the user's code while it runs each reject it — judge then gives the
 * function verdict `error`. Functions run one at a time, so an uncaught error during the test is the test's.
 */
export function guardedTest(
  test: FitnessFunction['test'],
  opts: { timeoutMs: number; signal: AbortSignal },
): FitnessFunction['test'] {
  return (ctx) => {
    const timeoutMs = opts.signal.aborted ? Math.min(opts.timeoutMs, INTERRUPTED_BUDGET_MS) : opts.timeoutMs;
    let cleanup = () => {};
    const guard = new Promise<never>((_, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`test() did not settle within ${formatSeconds(timeoutMs)}`)),
        timeoutMs,
      );
      const onAbort = () => reject(new Error('test() was interrupted'));
      const onCrash = (e: unknown) => reject(new Error(`test() failed asynchronously: ${messageOf(e)}`));
      if (!opts.signal.aborted) opts.signal.addEventListener('abort', onAbort, { once: true });
      process.on('uncaughtException', onCrash);
      process.on('unhandledRejection', onCrash);
      cleanup = () => {
        clearTimeout(timer);
        opts.signal.removeEventListener('abort', onAbort);
        process.off('uncaughtException', onCrash);
        process.off('unhandledRejection', onCrash);
      };
    });
    const attempt = (async () => test(ctx))();
    return Promise.race([attempt, guard]).finally(() => cleanup());
  };
}

function messageOf(e: unknown): string {
  if (e instanceof Error) return e.message;
  try {
    return String(e);
  } catch {
    return 'a value that cannot be shown';
  }
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
