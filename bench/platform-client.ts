import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defaultPlatformScenarios, seedManifestRows, type SeedManifest } from '../src/bundled-platform/index.js';
import { runLoad } from '../src/load/index.js';

// One open-model run of the domain mix (browse-88) for bench:platform, in its own (pinned) process: one JSON line.
// usage: platform-client.js <url> <data-dir with seed-manifest.json> <rate> <seconds> [vus=64] [warmup seconds=5]
const [url, dataDir, rate, seconds, vuArg, warmupArg] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string?,
  string?,
];
const vus = Number(vuArg ?? 64);
const warmup = Number(warmupArg ?? 5);
const manifest = JSON.parse(readFileSync(path.join(dataDir, 'seed-manifest.json'), 'utf8')) as SeedManifest;
const base = defaultPlatformScenarios(manifest)['browse-88'];
// Sessions were opened once by bench/platform.js (tokens by email): no step pays 64 scrypt sign-ins again.
const tokens = JSON.parse(readFileSync(path.join(dataDir, 'bench-tokens.json'), 'utf8')) as Record<string, string>;
const rows = seedManifestRows(manifest).map((row) => ({ ...row, token: tokens[row.email] }));
const requests = base.requests.map((q) =>
  q.headers?.authorization ? { ...q, headers: { ...q.headers, authorization: 'Bearer ${data.token}' } } : q,
);
const r = Number(rate);
const scenario = {
  ...base,
  setup: undefined,
  data: rows,
  requests,
  rate: r,
  duration: `${seconds}s`,
  warmup: `${warmup}s`,
  // A fixed pool, all allocated (and signed in: one scrypt each) during the warm-up. An overloaded server then shows
  // as dropped iterations and open-model latency, not as a sign-in storm of ever more VUs.
  preAllocatedVUs: vus,
  maxVUs: vus,
  thresholds: {},
};
const outDir = mkdtempSync(path.join(tmpdir(), 'pf-bench-platform-'));
const load = await runLoad({ baseUrl: url, outDir, workers: 0, scenarios: { mix: scenario } });
rmSync(outDir, { recursive: true, force: true });
const s = load.scenarios[0];
const d = s.metrics.http_req_duration.values;
process.stdout.write(
  `${JSON.stringify({
    rate: r,
    rps: s.metrics.http_reqs.values.count / (s.durationMs / 1000),
    requests: s.metrics.http_reqs.values.count,
    failed: s.metrics.http_req_failed?.values.passes ?? 0,
    p50: d.med,
    p99: d['p(99)'],
    p999: d['p(99.9)'],
    max: d.max,
    dropped: s.metrics.dropped_iterations?.values.count ?? 0,
    saturated: s.generatorSaturated,
    reasons: s.saturationReasons,
    endpoints: (s.endpoints ?? []).map((e) => ({
      name: e.name,
      p50: e.p50,
      p99: e.p99,
      count: e.count,
      failed: e.failed,
    })),
  })}\n`,
);
