// Lifecycle of a process forked by the primary (an HTTP worker or a service process).

/** Reports `listening` to the primary, closes on `shutdown` or SIGTERM (once), ignores SIGINT (the primary orders
 *  shutdown), and reports `failed` if start-up throws. */
export function runForkedChild(start: () => Promise<{ port: number; close(): Promise<void> }>): void {
  start()
    .then((child) => {
      process.send!({ t: 'listening', port: child.port });
      let closing = false;
      const stop = () => {
        if (closing) return;
        closing = true;
        // The process exits either way; a failed close has nobody left to report to.
        void child.close().finally(() => process.exit(0));
      };
      process.on('message', (m: { t?: string }) => {
        if (m?.t === 'shutdown') stop();
      });
      process.on('SIGINT', () => {});
      process.on('SIGTERM', stop);
    })
    .catch((e: unknown) => {
      process.send?.({ t: 'failed', error: (e as Error).message });
      process.exit(1);
    });
}
