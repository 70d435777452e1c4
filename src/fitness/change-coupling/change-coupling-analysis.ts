import { isValueEdge } from '../martin-metrics.js';
import type { StaticAnalysis } from '../static-analysis.js';
import { analyseChangeCoupling } from './change-coupling.js';

/** Change coupling from the git history of the root; hidden coupling pairs are findings. */
export const changeCouplingAnalysis: StaticAnalysis = {
  name: 'change-coupling',
  run(ctx) {
    const cfg = ctx.config.changeCoupling ?? {};
    if (cfg.enabled === false) return;
    const r = analyseChangeCoupling(ctx.root, ctx.graph, (e) => ctx.countTypeOnly || isValueEdge(e.kind), cfg);
    ctx.section.changeCoupling = r.changeCoupling;
    ctx.findings.push(...r.findings);
  },
};
