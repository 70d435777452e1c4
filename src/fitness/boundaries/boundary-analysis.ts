import { fingerprintOf } from '../fingerprint.js';
import { isValueEdge } from '../martin-metrics.js';
import type { StaticAnalysis } from '../static-analysis.js';
import type { BoundaryInput } from './boundary-advice.js';
import { boundaryInputKey, cachedAdvice } from './boundary-cache.js';
import { checkAggregates } from './domain-boundaries.js';

/** Boundary advice over the judged graph; writes of an aggregate's tables outside its owning service are findings. */
export const boundaryAnalysis: StaticAnalysis = {
  name: 'boundaries',
  async run(ctx) {
    const cfg = ctx.config.boundaries;
    if (cfg === false) return;
    const input: BoundaryInput = {
      judged: ctx.judged,
      counts: (e) => ctx.countTypeOnly || isValueEdge(e.kind),
      ...(ctx.section.tables ? { tables: ctx.section.tables } : {}),
      ...(ctx.section.changeCoupling?.available ? { changeCoupling: ctx.section.changeCoupling } : {}),
      ...(cfg?.weights ? { weights: cfg.weights } : {}),
      ...(cfg?.seed !== undefined ? { seed: cfg.seed } : {}),
    };
    // Clustering (graphology) is loaded only when the cached advice is for other input.
    const compute = async () => (await import('./boundary-advice.js')).adviseBoundaries(input);
    const key = ctx.structureKey ? boundaryInputKey(input, ctx.structureKey, ctx.countTypeOnly) : '';
    const advice = { ...(await cachedAdvice(ctx.structureKey ? ctx.cacheDir : undefined, key, compute)) };
    const domain = ctx.config.domainBoundaries;
    if (domain) {
      advice.aggregates = checkAggregates(domain, Object.keys(ctx.services), ctx.section.tables);
      for (const a of advice.aggregates) {
        for (const w of a.foreignWriters) {
          ctx.findings.push({
            rule: 'aggregate-table-written-outside',
            severity: 'critical',
            title: `Table ${w.table} of aggregate ${a.aggregate} is written outside ${a.service ?? 'any service'}`,
            message: `${w.owner}: ${w.file}:${w.line}`,
            ...(w.owner.startsWith('(') ? {} : { service: w.owner }),
            locations: [{ file: w.file, line: w.line }],
            fingerprint: fingerprintOf('aggregate-table-written-outside', a.aggregate, w.table, w.file),
          });
        }
      }
    }
    ctx.section.boundaries = advice;
  },
};
