import { ConfigError } from '../../core/errors.js';
import type { Collector } from '../collector.js';
import { withLoadTarget } from './load-target.js';

/** The capacity collector: searches the highest arrival rate at which the SLO holds, with one scenario's requests. */
export const capacityCollector: Collector<'capacity'> = {
  name: 'capacity',
  provides: 'capacity',
  async collect(ctx, signal) {
    const { resolved, flags } = ctx;
    const [capacity, load] = await Promise.all([import('../../load/capacity/index.js'), import('../../load/index.js')]);
    const cfg = resolved.config.capacity ?? {};
    const seconds = (v: string | undefined, fallback: string, key: string) =>
      load.parseDuration(v ?? fallback, key) / 1000;
    const slo = { p99Ms: cfg.slo?.p99Ms ?? 200, maxErrorRate: cfg.slo?.maxErrorRate ?? 0.01 };
    const { capacityOverrides } = await import('../../load/overrides.js');
    const overridden = capacityOverrides(flags.loadOverrides, flags.strictOverrides ?? false);
    const trialSec = overridden.durationSec ?? seconds(cfg.trial, '2s', 'capacity.trial');
    const warmupSec = seconds(cfg.warmup, '1s', 'capacity.warmup');
    const timeBudgetSec = seconds(cfg.timeBudget, '40s', 'capacity.timeBudget');
    const repeats = cfg.repeats ?? 2;
    const precision = cfg.precision ?? 0.1;
    const section = await withLoadTarget(ctx, signal, async (url, defaults) => {
      const scenarios = resolved.config.load?.scenarios ?? defaults ?? {};
      const name = cfg.scenario ?? Object.keys(scenarios)[0];
      if (!name || !scenarios[name]) {
        const defined = Object.keys(scenarios).join(', ') || 'none';
        throw new ConfigError(
          `needs a load scenario whose requests it offers; defined: ${defined}`,
          'capacity.scenario',
        );
      }
      const engine = flags.loadEngine === 'k6' ? 'native' : (flags.loadEngine ?? 'native');
      const search = await capacity.searchCapacity({
        probe: capacity.rateProbe({
          baseUrl: url,
          scenario: scenarios[name],
          trialSec,
          warmupSec,
          slo,
          engine,
          signal,
          outDir: resolved.outDir,
          baseDir: resolved.root,
        }),
        slo,
        repeats,
        precision,
        signal,
        startRate: cfg.startRate ?? 100,
        maxRate: cfg.maxRate ?? 5000,
        timeBudgetMs: timeBudgetSec * 1000,
        trialMs: (trialSec + warmupSec + 1) * 1000,
        onStep: (s) =>
          ctx.log(
            `  capacity ${s.rate} req/s: ${s.unknown ? 'not judged' : s.ok ? 'SLO held' : 'SLO broken'} (${s.trials.at(-1)?.violations.join('; ') || 'all trials met the SLO'})`,
          ),
      });
      return capacity.capacitySection({
        search,
        engine,
        scenario: name,
        slo,
        repeats,
        precision,
        trialSec,
        timeBudgetSec,
        ...(cfg.traffic ? { traffic: cfg.traffic } : {}),
        fit: ctx.fitness.scale?.fit ?? null,
        notes: [
          `open model (constant arrival rate), ${warmupSec} s warm-up per trial; rates from ${cfg.startRate ?? 100} req/s, doubling, then bisection`,
        ],
        overrides: overridden.notes,
        partial: signal.aborted,
      });
    });
    return { section, partial: section.partial ?? false, errors: [] };
  },
};
