import { writeFileSync } from 'node:fs';
import { collectStatic, staticFitnessFunctions } from '../../src/fitness/index.js';
import { judgeFunction, summarise, overallVerdict } from '../../src/core/judge.js';
import type { Result } from '../../src/core/result.js';
import { renderConsole, renderHtml, validateResult, renderJunit, renderPrometheus } from '../../src/report/index.js';

const root = '/work/main';
const services = { user: ['platform/services/user/**'], pitch: ['platform/services/pitch/**'], nda: ['platform/services/nda/**'], notification: ['platform/services/notification/**'], media: ['platform/services/media/**'] };
const t0 = Date.now();
const c = await collectStatic({ root, services, shared: ['platform/contracts/**', 'platform/lib/**'], allowedDependencies: [], static: { include: ['platform/**'] } });
const ctx = { root, static: c.section, graph: c.graph, findings: c.findings };
const functions = [];
for (const [id, fn] of Object.entries(staticFitnessFunctions)) functions.push(await judgeFunction(id, fn, ctx));
const result: Result = {
  schemaVersion: '1.0', tool: { name: 'pitchey-fit', version: '0.1.0' }, runId: 'real', command: 'static',
  startedAt: new Date(t0).toISOString(), finishedAt: new Date().toISOString(), durationMs: Date.now() - t0,
  subject: { name: 'pitchey', root, configFile: null },
  environment: { node: process.version, os: 'linux', arch: 'x64', cpus: 2, cpuModel: 'x', ci: false },
  verdict: overallVerdict(functions), partial: false, summary: summarise(functions), functions, findings: c.findings,
  static: c.section, timings: {}, errors: [],
};
console.log(JSON.stringify(validateResult(JSON.parse(JSON.stringify(result)))));
process.stdout.write(renderConsole(result, { color: false }));
writeFileSync('/work/main/test-output/report/real.html', renderHtml(result));
writeFileSync('/tmp/real.xml', renderJunit(result));
writeFileSync('/tmp/real.prom', await renderPrometheus(result));
