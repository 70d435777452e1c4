import { ConfigError } from '../../core/errors.js';
import type { Collector } from '../collector.js';

/** The scale collector: sweeps N (platform workers or client concurrency) and fits the Universal Scalability Law. */
export const scaleCollector: Collector<'scale'> = {
  name: 'scale',
  provides: 'scale',
  async collect(ctx, signal) {
    const { resolved, flags, log } = ctx;
    const [scaling, load] = await Promise.all([import('../../load/scaling/index.js'), import('../../load/index.js')]);
    const cfg = resolved.config.scale ?? {};
    const baseUrl = flags.baseUrl ?? resolved.config.load?.baseUrl;
    // --base-url with the embedded default config points the sweep at that target: N is then client concurrency.
    const mode = flags.baseUrl && resolved.isDefault ? 'concurrency' : (cfg.mode ?? (baseUrl ? 'concurrency' : 'workers'));
    if (mode === 'workers' && baseUrl) {
      throw new ConfigError("mode 'workers' sweeps the bundled platform; with load.baseUrl use mode 'concurrency'", 'scale.mode');
    }
    const opts = {
      mode,
      steps: cfg.steps ?? [1, 2],
      targetN: cfg.targetN,
      repeats: cfg.repeats ?? 1,
      warmupSec: load.parseDuration(cfg.warmup ?? '2s', 'scale.warmup') / 1000,
      durationSec: load.parseDuration(cfg.duration ?? '5s', 'scale.duration') / 1000,
      connections: cfg.connections,
      // The default config's path is the bundled platform's; a foreign target gets '/'.
      path: (flags.baseUrl && resolved.isDefault ? undefined : cfg.path) ?? '/',
      maxErrorRate: cfg.maxErrorRate,
      pin: cfg.pin,
      foreignCpuBound: cfg.foreignCpuBound,
      signal,
      onStep: (p: { n: number; throughput: number; efficiency: number | null }) => {
        const e = p.efficiency !== null ? `, E=${p.efficiency.toFixed(2)}` : '';
        log(`  scale N=${p.n}: ${p.throughput.toFixed(0)} req/s${e}`);
      },
      startTarget: async (n: number) => {
        if (mode === 'concurrency') return { url: baseUrl!, pids: [], stop: async () => {} };
        const { startBundledPlatform } = await import('../../bundled-platform/index.js');
        const platform = await startBundledPlatform({
          workers: n, seedUsers: flags.seedUsers, seedPitches: flags.seedPitches, signal,
        });
        return { url: platform.url, pids: platform.pids(), stop: platform.stop };
      },
    };
    try {
      return { section: await scaling.runSweep(opts), partial: signal.aborted, errors: [] };
    } catch (e) {
      // A failing step keeps the completed steps: judged, marked partial, the failure recorded.
      // A target that never answered (or only with errors) is exit 3 with the cause, not an inconclusive sweep.
      if (e instanceof scaling.ScaleSweepError && !(e.unreachable && e.partial.points.length === 0)) {
        return { section: e.partial, partial: true, errors: [{ phase: 'collect.scale', message: e.message }] };
      }
      throw e;
    }
  },
};
