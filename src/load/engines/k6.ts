import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../../core/errors.js';
import type { LoadSection, ScenarioSummary } from '../../core/result-load.js';
import { ingestK6 } from '../k6/ingest.js';
import { generateK6Script } from '../k6/script-generator.js';
import type { LoadEngine } from '../engine.js';
import type { LoadRunOptions, PreparedScenario } from '../scenario-model.js';

export const K6_INSTALL_HINT =
  'install k6 (https://grafana.com/docs/k6/latest/set-up/install-k6/, e.g. `sudo apt-get install k6` from the Grafana apt repository, `brew install k6`, or `docker run grafana/k6`) or use --engine native';

/** The k6 executable on PATH, or null. */
export function findK6Binary(envPath = process.env.PATH ?? ''): string | null {
  for (const dir of envPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, process.platform === 'win32' ? 'k6.exe' : 'k6');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      /* not here */
    }
  }
  return null;
}

/** `engine: 'k6'`: each scenario becomes a generated script run by the k6 binary; its NDJSON is ingested exactly. */
async function runK6Scenarios(opts: LoadRunOptions, prepared: PreparedScenario[]): Promise<LoadSection> {
  const k6 = findK6Binary();
  if (!k6) throw new UsageError(`--engine k6 needs a k6 binary on PATH: ${K6_INSTALL_HINT}`);
  const scenarios: ScenarioSummary[] = [];
  for (const p of prepared) {
    if (opts.signal?.aborted) break;
    const script = path.join(opts.outDir, `${p.name}.k6.js`);
    const ndjson = path.join(opts.outDir, `${p.name}.k6.ndjson`);
    const summaryFile = path.join(opts.outDir, `${p.name}.k6-summary.json`);
    writeFileSync(
      script,
      generateK6Script(p.name, p.scenario, {
        baseUrl: opts.baseUrl,
        thresholds: opts.thresholds,
        dataRows: p.dataRows,
      }),
    );
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(
        k6,
        [
          'run',
          '--quiet',
          '--out',
          `json=${ndjson}`,
          '-e',
          `BASE_URL=${opts.baseUrl}`,
          '-e',
          `SUMMARY_JSON=${summaryFile}`,
          script,
        ],
        {
          stdio: ['ignore', 'inherit', 'inherit'],
        },
      );
      const onAbort = () => child.kill('SIGINT'); // k6 stops gracefully on SIGINT and still writes its outputs
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      child.on('error', reject);
      child.on('exit', (c) => {
        opts.signal?.removeEventListener('abort', onAbort);
        resolve(c);
      });
    });
    // 99: thresholds failed (a result, not an error); 105: aborted by a threshold
    if (!existsSync(ndjson))
      throw new UsageError(`k6 exited with code ${code} without writing ${ndjson}; see its output above`);
    const section = await ingestK6([ndjson], { targetUrl: opts.baseUrl });
    const s = section.scenarios[0];
    s.name = p.name;
    s.executor = p.scenario.executor;
    s.partial = opts.signal?.aborted === true || code === 105;
    s.artifacts = { script: path.basename(script), ndjson: path.basename(ndjson), summary: path.basename(summaryFile) };
    scenarios.push(s);
  }
  return {
    targetUrl: opts.baseUrl,
    scenarios,
    ...(opts.allowDroppedIterations ? { allowDroppedIterations: true } : {}),
  };
}

export const k6Engine: LoadEngine = {
  name: 'k6',
  assertAvailable() {
    if (!findK6Binary()) throw new UsageError(`--engine k6 needs a k6 binary on PATH: ${K6_INSTALL_HINT}`);
  },
  run: runK6Scenarios,
};
