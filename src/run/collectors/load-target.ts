import type { ScenarioConfig } from '../../config/types.js';
import type { CollectContext } from '../collector.js';

/**
 * Runs `fn` against the configured base URL, or against the bundled platform started (seeded) for the run, with
 * the platform's default scenarios built from its seed manifest.
 */
export async function withLoadTarget<T>(
  ctx: CollectContext,
  signal: AbortSignal,
  fn: (url: string, defaultScenarios: Record<string, ScenarioConfig> | undefined) => Promise<T>,
): Promise<T> {
  const baseUrl = ctx.flags.baseUrl ?? ctx.resolved.config.load?.baseUrl;
  if (baseUrl) return fn(baseUrl, undefined);
  const bundled = await import('../../bundled-platform/index.js');
  const platform = await bundled.startBundledPlatform({
    workers: 1,
    seedUsers: ctx.flags.seedUsers,
    seedPitches: ctx.flags.seedPitches,
    log: ctx.log,
    signal,
  });
  try {
    return await fn(platform.url, platform.manifest ? bundled.defaultPlatformScenarios(platform.manifest) : undefined);
  } finally {
    await platform.stop();
  }
}
