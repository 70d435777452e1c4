import fs from 'node:fs';
import path from 'node:path';
import type { StaticAnalysis } from '../static-analysis.js';
import { analyseTables } from './table-ownership.js';

/** Table ownership over the whole tree; tables written by several services are findings. */
export const tableAnalysis: StaticAnalysis = {
  name: 'tables',
  async run(ctx) {
    // detectors.sharedTables: false predates this analysis and still turns it off.
    if (ctx.config.tables === false || ctx.config.detectors?.sharedTables === false) return;
    const text = (rel: string) => {
      const known = ctx.built.texts?.get(rel);
      if (known !== undefined) return known;
      try {
        return fs.readFileSync(path.join(ctx.root, rel), 'utf8');
      } catch {
        return '';
      }
    };
    const r = await analyseTables({
      root: ctx.root,
      modules: ctx.graph.modules.filter((m) => !m.external),
      judged: ctx.inScope,
      servicesConfigured: Object.keys(ctx.services).length > 0,
      text,
      ...(ctx.built.hashes ? { hashes: ctx.built.hashes } : {}),
      ...(ctx.cacheDir ? { cacheDir: ctx.cacheDir } : {}),
      ...(ctx.structureKey ? { structureKey: ctx.structureKey } : {}),
    });
    ctx.section.tables = r.tables;
    ctx.findings.push(...r.findings);
  },
};
