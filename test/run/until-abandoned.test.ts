import { describe, expect, it } from 'vitest';
import { ABANDON_AFTER_ABORT_MS, untilAbandoned } from '../../src/run/until-abandoned.js';

describe('untilAbandoned: an interrupted run does not wait for a collector that ignores the signal', () => {
  it('resolves null ABANDON_AFTER_ABORT_MS after the abort when the collector never returns', async () => {
    const controller = new AbortController();
    const started = performance.now();
    const pending = untilAbandoned(new Promise<string>(() => {}), controller.signal);
    setTimeout(() => controller.abort(), 100);
    expect(await pending).toBeNull();
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(100 + ABANDON_AFTER_ABORT_MS - 5);
    expect(waited).toBeLessThan(100 + ABANDON_AFTER_ABORT_MS + 500);
  });

  it('keeps a partial section returned within the grace period, and passes errors through', async () => {
    const controller = new AbortController();
    controller.abort();
    const late = new Promise<string>((resolve) => setTimeout(() => resolve('partial section'), 200));
    expect(await untilAbandoned(late, controller.signal)).toBe('partial section');
    await expect(
      untilAbandoned(Promise.reject(new Error('unreachable')), new AbortController().signal),
    ).rejects.toThrow('unreachable');
  });
});
