import { describe, expect, it } from 'vitest';
import { PauseWatch, runQueueWaitMs } from '../../src/load/native/thread-pauses.js';

describe('generator thread pauses', () => {
  it('counts the GC pauses of the thread (a burst of short-lived objects forces scavenges)', async () => {
    const watch = new PauseWatch();
    let held: object[] = [];
    for (let i = 0; i < 2_000_000; i++) {
      held.push({ i });
      if (held.length === 1000) held = [];
    }
    // GC entries reach observers on a later turn of the event loop, as they do after a run
    await new Promise((resolve) => setImmediate(resolve));
    const p = watch.stop();
    expect(held.length).toBe(0);
    expect(p.gcPauseMs).toBeGreaterThan(0);
    expect(p.gcMaxPauseMs).toBeGreaterThan(0);
    expect(p.gcMaxPauseMs).toBeLessThanOrEqual(p.gcPauseMs);
  });

  it.runIf(process.platform === 'linux')('reads the run-queue wait of this thread from schedstat (ms, growing)', () => {
    const a = runQueueWaitMs();
    const watch = new PauseWatch();
    const p = watch.stop();
    const b = runQueueWaitMs();
    expect(a).not.toBeNull();
    expect(b!).toBeGreaterThanOrEqual(a!);
    expect(p.cpuWaitMs).not.toBeNull();
    expect(p.cpuWaitMs!).toBeGreaterThanOrEqual(0);
  });
});
