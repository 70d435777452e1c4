import type { Collector, CollectorName } from './collector.js';
import { staticCollector } from './collectors/static.js';

/** A collector whose module (the load engine, the bundled platform) is loaded only when a run uses it. */
function lazy<N extends CollectorName>(name: N, load: () => Promise<Collector<N>>): Collector<N> {
  return { name, provides: name, collect: async (ctx, signal) => (await load()).collect(ctx, signal) };
}

/**
 * The collectors, in the order a run asks them (static first: it needs no target; load before scale: a failing
 * load run stops the run before the longer sweep). Adding a collector = one entry here.
 */
// capacity after scale: its traffic model reads the scale section's USL fit.
const COLLECTORS: ReadonlyArray<Collector> = [
  staticCollector,
  lazy('load', async () => (await import('./collectors/load.js')).loadCollector),
  lazy('scale', async () => (await import('./collectors/scale.js')).scaleCollector),
  lazy('capacity', async () => (await import('./collectors/capacity.js')).capacityCollector),
] as Collector[];

export function collectorNames(): CollectorName[] {
  return COLLECTORS.map((c) => c.name);
}

export function collectorsFor(names: ReadonlySet<string>): Collector[] {
  return COLLECTORS.filter((c) => names.has(c.name));
}
