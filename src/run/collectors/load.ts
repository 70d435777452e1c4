import { ConfigError, UsageError } from '../../core/errors.js';
import type { ScenarioConfig } from '../../config/types.js';
import type { Collector } from '../collector.js';
import { withLoadTarget } from './load-target.js';

/** The load collector: runs the selected scenarios against load.baseUrl, else against the bundled platform. */
export const loadCollector: Collector<'load'> = {
  name: 'load',
  provides: 'load',
  async collect(ctx, signal) {
    const { resolved, flags } = ctx;
    const load = await import('../../load/index.js');
    const cfg = resolved.config.load ?? {};
    const section = await withLoadTarget(ctx, signal, async (url, defaults) => {
      const scenarios: Record<string, ScenarioConfig> | undefined = cfg.scenarios ?? defaults;
      if (!scenarios || Object.keys(scenarios).length === 0) {
        throw new ConfigError('no load scenarios: define load.scenarios (see pitchey-fit init)', 'load.scenarios');
      }
      const names = flags.scenarios ?? cfg.run ?? Object.keys(scenarios);
      for (const n of names) {
        if (!scenarios[n]) {
          // Blame where the name came from: the --scenario flag, else load.run.
          const why = `no scenario named '${n}'; defined: ${Object.keys(scenarios).join(', ')}`;
          if (flags.scenarios) throw new UsageError(`--scenario: ${why}`);
          throw new ConfigError(why, 'load.run');
        }
      }
      return load.runLoad({
        baseUrl: url,
        scenarios: Object.fromEntries(names.map((n) => [n, scenarios[n]])),
        thresholds: cfg.thresholds,
        engine: flags.loadEngine ?? cfg.engine ?? 'native',
        outDir: resolved.outDir,
        keepSamples: flags.keepSamples ?? cfg.keepSamples ?? false,
        allowDroppedIterations: cfg.allowDroppedIterations ?? false,
        overrides: flags.loadOverrides,
        signal,
        progress: ctx.progress,
      });
    });
    return { section, partial: section.scenarios.some((s) => s.partial) || signal.aborted, errors: [] };
  },
};
