import type { Collector, CollectorName } from './collector.js';
import { staticCollector } from './collectors/static.js';
import { loadCollector } from './collectors/load.js';
import { scaleCollector } from './collectors/scale.js';
import { capacityCollector } from './collectors/capacity.js';

/**
 * The collectors, in the order a run asks them (static first: it needs no target; load before scale: a failing
 * load run stops the run before the longer sweep). Adding a collector = one entry here.
 */
// capacity after scale: its traffic model reads the scale section's USL fit.
const COLLECTORS: ReadonlyArray<Collector> = [
  staticCollector,
  loadCollector,
  scaleCollector,
  capacityCollector,
] as Collector[];

export function collectorNames(): CollectorName[] {
  return COLLECTORS.map((c) => c.name);
}

export function collectorsFor(names: ReadonlySet<string>): Collector[] {
  return COLLECTORS.filter((c) => names.has(c.name));
}
