import path from 'node:path';
import type { Collector } from '../collector.js';

/** The static collector: module graph, Martin metrics, cycles, rules and detectors of the configured tree. */
export const staticCollector: Collector<'static'> = {
  name: 'static',
  provides: 'static',
  async collect(ctx) {
    const { resolved, flags } = ctx;
    const { collectStatic } = await import('../../fitness/index.js');
    const staticConfig = {
      ...(resolved.config.static ?? {}),
      ...(flags.staticEngine ? { engine: flags.staticEngine } : {}),
    };
    const collection = await collectStatic({
      root: resolved.root,
      services: resolved.services,
      shared: resolved.shared,
      allowedDependencies: resolved.config.allowedDependencies ?? [],
      static: staticConfig,
      cacheDir: path.join(resolved.stateDir, 'cache'),
    });
    return {
      section: collection.section,
      partial: false,
      errors: [],
      findings: collection.findings,
      graph: collection.graph,
    };
  },
};
