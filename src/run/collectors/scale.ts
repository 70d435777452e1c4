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
    const mode =
      flags.baseUrl && resolved.isDefault ? 'concurrency' : (cfg.mode ?? (baseUrl ? 'concurrency' : 'workers'));
    if (mode === 'workers' && baseUrl) {
      throw new ConfigError(
        "mode 'workers' sweeps the bundled platform; with load.baseUrl use mode 'concurrency'",
        'scale.mode',
      );
    }
    if (mode === 'command' && (!baseUrl || !cfg.replicas)) {
      throw new ConfigError(
        "mode 'command' needs load.baseUrl (or --base-url) and scale.replicas { command, readyUrl | readyCommand }",
        'scale.mode',
      );
    }
    const measure = cfg.measure ?? 'closed-max';
    const { sweepOverrides } = await import('../../load/overrides.js');
    const overridden = sweepOverrides(flags.loadOverrides, { mode, measure, strict: flags.strictOverrides ?? false });
    const slo = {
      p99Ms: cfg.capacity?.slo?.p99Ms ?? resolved.config.capacity?.slo?.p99Ms ?? 200,
      maxErrorRate: cfg.capacity?.slo?.maxErrorRate ?? resolved.config.capacity?.slo?.maxErrorRate ?? 0.01,
    };
    const stepCapacity =
      measure === 'capacity'
        ? {
            slo,
            startRate: cfg.capacity?.startRate,
            maxRate: cfg.capacity?.maxRate,
            precision: cfg.capacity?.precision,
            budgetSec: load.parseDuration(cfg.capacity?.budget ?? '30s', 'scale.capacity.budget') / 1000,
          }
        : undefined;
    const quota = mode === 'workers' && cfg.cpuQuota ? cfg.cpuQuota : undefined;
    // One seeded data folder for the whole sweep: each step starts on the same data, seeded once.
    const fs = await import('node:fs');
    const dataDir =
      mode === 'workers'
        ? fs.mkdtempSync((await import('node:path')).join((await import('node:os')).tmpdir(), 'pitchey-fit-scale-'))
        : null;
    const opts = {
      mode,
      steps: cfg.steps ?? [1, 2],
      targetN: cfg.targetN,
      repeats: cfg.repeats ?? 1,
      warmupSec: load.parseDuration(cfg.warmup ?? '2s', 'scale.warmup') / 1000,
      durationSec: overridden.durationSec ?? load.parseDuration(cfg.duration ?? '5s', 'scale.duration') / 1000,
      connections: overridden.connections ?? cfg.connections,
      measure,
      ...(stepCapacity ? { capacity: stepCapacity } : {}),
      overrides: overridden.notes,
      // The default config's path is the bundled platform's; a foreign target gets '/'.
      path: (flags.baseUrl && resolved.isDefault ? undefined : cfg.path) ?? '/',
      maxErrorRate: cfg.maxErrorRate,
      pin: cfg.pin,
      foreignCpuBound: cfg.foreignCpuBound,
      engine: cfg.engine,
      ...(quota
        ? {
            cpuQuota: {
              unitCpus: quota.unitCpus,
              sharedCpus: quota.sharedCpus,
              ...(quota.period ? { periodUs: load.parseDuration(quota.period, 'scale.cpuQuota.period') * 1000 } : {}),
            },
          }
        : {}),
      signal,
      onStep: (p: { n: number; throughput: number; efficiency: number | null; flags: string[] }) => {
        const e = p.efficiency !== null ? `, E=${p.efficiency.toFixed(2)}` : '';
        const how = measure === 'capacity' ? ` sustainable (p99 < ${slo.p99Ms} ms)` : '';
        const bound = p.flags.includes('lower-bound') ? ' (lower bound: budget spent while the SLO held)' : '';
        log(`  scale N=${p.n}: ${p.throughput.toFixed(0)} req/s${how}${e}${bound}`);
      },
      startTarget:
        mode === 'command'
          ? scaling.replicaCommandTarget({
              command: cfg.replicas!.command,
              baseUrl: baseUrl!,
              readyUrl: cfg.replicas!.readyUrl,
              readyCommand: cfg.replicas!.readyCommand,
              signal,
              log,
              readyTimeoutMs: load.parseDuration(cfg.replicas!.readyTimeout ?? '120s', 'scale.replicas.readyTimeout'),
            })
          : async (n: number) => {
              if (mode === 'concurrency') return { url: baseUrl!, pids: [], stop: async () => {} };
              const { startPlatformProcess } = await import('../../bundled-platform/index.js');
              // --cluster: N = 1 runs as a primary (the database) plus one worker, the shape of every other N.
              const platform = await startPlatformProcess({
                dataDir: dataDir!,
                workers: n,
                args: ['--cluster'],
                signal,
                seed: { users: flags.seedUsers ?? 200, pitches: flags.seedPitches ?? 500 },
              });
              return {
                url: platform.url,
                pids: platform.pids(),
                cluster: { primary: platform.pid },
                stop: () => platform.stop(),
              };
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
    } finally {
      if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
