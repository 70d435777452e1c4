/**
 * Rejects with `error()` if the process runs out of work while `promise` is still pending: a promise that can never
 * settle (a config's top-level await on nothing) would otherwise end Node silently with exit code 13.
 */
export function rejectIfNeverSettles<T>(promise: Promise<T>, error: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onDrained = () => reject(error());
    process.once('beforeExit', onDrained);
    promise.then(resolve, reject).finally(() => process.off('beforeExit', onDrained));
  });
}
