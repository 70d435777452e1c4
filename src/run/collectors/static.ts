import path from 'node:path';
import type { StaticCollectOptions, StaticCollection } from '../../fitness/index.js';
import type { Collector, CollectorOutput } from '../collector.js';
import { canRunInWorker, collectStaticInWorker, type WorkerCollection } from './static-in-worker.js';

/** `--since` overrides the config's change-coupling window. */
function withSince(cfg: StaticCollectOptions['static'], since: string | undefined): StaticCollectOptions['static'] {
  return since === undefined ? cfg : { ...cfg, changeCoupling: { ...cfg.changeCoupling, since } };
}

/** The static collector: module graph, Martin metrics, cycles, rules and detectors of the configured tree. */
export const staticCollector: Collector<'static'> = {
  name: 'static',
  provides: 'static',
  async collect(ctx, signal) {
    const { resolved, flags } = ctx;
    const opts: StaticCollectOptions = {
      root: resolved.root,
      services: resolved.services,
      shared: resolved.shared,
      allowedDependencies: resolved.config.allowedDependencies ?? [],
      static: withSince(
        { ...(resolved.config.static ?? {}), ...(flags.staticEngine ? { engine: flags.staticEngine } : {}) },
        flags.since,
      ),
      cacheDir: path.join(resolved.stateDir, 'cache'),
    };
    if (canRunInWorker()) {
      let collection: WorkerCollection;
      try {
        collection = await collectStaticInWorker(opts, signal);
      } catch (e) {
        // Options a worker cannot receive (a function somewhere in the config): analyse in this thread instead.
        if ((e as Error).name === 'DataCloneError') return collectHere(opts);
        if (!signal.aborted) throw e;
        const message = 'interrupted: the static analysis was stopped; its section is missing';
        return { section: null, partial: true, errors: [{ phase: 'collect.static', message }] };
      }
      return outputOf(collection);
    }
    return collectHere(opts);
  },
};

async function collectHere(opts: StaticCollectOptions): Promise<CollectorOutput<'static'>> {
  const { collectStatic } = await import('../../fitness/index.js');
  return outputOf(await collectStatic(opts));
}

function outputOf(collection: StaticCollection | WorkerCollection): CollectorOutput<'static'> {
  return {
    section: collection.section,
    partial: false,
    errors: [],
    findings: collection.findings,
    graph: collection.graph,
  };
}
