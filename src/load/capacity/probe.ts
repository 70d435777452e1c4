/** One capacity trial: a scenario's requests offered at a constant arrival rate (open model) through runLoad. */
import type { ScenarioConfig, ThresholdConfig } from '../../config/types.js';
import { runLoad } from '../run-load.js';
import type { LoadEngineName } from '../scenario-model.js';
import type { CapacitySlo, TrialMeasure } from './search.js';

export interface RateProbeOptions {
  baseUrl: string;
  /** The scenario whose requests (and per-VU setup) are offered; its executor settings are replaced. */
  scenario: ScenarioConfig;
  trialSec: number;
  /** Per trial, before measuring: connections, JIT, caches (samples discarded). */
  warmupSec: number;
  slo: CapacitySlo;
  engine?: LoadEngineName;
  outDir: string;
  signal?: AbortSignal;
  baseDir?: string;
  /** Generator threads: 0 runs it on the caller's thread (default); 1 keeps it apart from the caller's work and GC. */
  workers?: number;
}

/**
 * VUs for a rate: enough to keep it up while the mean response time stays under the p99 target (Little's law,
 * rate × target), plus headroom. A server slower than that needs more VUs than this, drops iterations, and breaks
 * the SLO — which is the verdict it deserves.
 */
export function vusForRate(rate: number, p99Ms: number): { preAllocatedVUs: number; maxVUs: number } {
  const needed = Math.ceil((rate * p99Ms) / 1000);
  return { preAllocatedVUs: Math.max(2, Math.ceil(needed / 2)), maxVUs: Math.max(4, needed * 2 + 4) };
}

export function rateProbe(o: RateProbeOptions): (rate: number) => Promise<TrialMeasure> {
  return async (rate) => {
    const scenario: ScenarioConfig = {
      ...o.scenario,
      executor: 'constant-arrival-rate',
      rate,
      timeUnit: '1s',
      duration: `${o.trialSec}s`,
      ...vusForRate(rate, o.slo.p99Ms),
      ...(o.warmupSec > 0 ? { warmup: `${o.warmupSec}s` } : {}),
      gracefulStop: `${Math.max(1, Math.ceil((o.slo.p99Ms * 2) / 1000))}s`,
      thresholds: {},
    };
    for (const k of ['stages', 'startRate', 'vus', 'startVUs', 'iterations', 'maxDuration'] as const)
      delete scenario[k];
    const thresholds: Record<string, Array<string | ThresholdConfig>> = {};
    const section = await runLoad({
      baseUrl: o.baseUrl,
      scenarios: { [`capacity-${rate}`]: scenario },
      thresholds,
      engine: o.engine ?? 'native',
      outDir: o.outDir,
      ...(o.signal ? { signal: o.signal } : {}),
      ...(o.baseDir ? { baseDir: o.baseDir } : {}),
      allowDroppedIterations: true,
      workers: o.workers ?? 0,
    });
    const s = section.scenarios[0];
    const d = s?.metrics.http_req_duration?.values ?? {};
    const failed = s?.metrics.http_req_failed?.values;
    const reqs = s?.metrics.http_reqs?.values;
    return {
      p99Ms: typeof d['p(99)'] === 'number' && Number.isFinite(d['p(99)']) ? d['p(99)'] : null,
      errorRate: failed && failed.passes + failed.fails > 0 ? failed.passes / (failed.passes + failed.fails) : null,
      droppedIterations: s?.metrics.dropped_iterations?.values.count ?? 0,
      generatorSaturated: s?.generatorSaturated ?? false,
      achievedRate: reqs?.rate ?? 0,
      ...(s ? { durationSec: s.durationMs / 1000 } : {}),
    };
  };
}
