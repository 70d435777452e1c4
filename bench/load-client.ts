import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runNativeScenario } from '../src/load/engines/native.js';

// One native-engine run for bench:load, in its own (pinned) process, in its main thread: prints one JSON line.
// usage: load-client.js <url> closed <connections> <seconds> | open <rate> <seconds> <preAllocatedVUs> <maxVUs>
const [url, mode, a, b, c, e] = process.argv.slice(2);
const outDir = mkdtempSync(path.join(tmpdir(), 'pf-bench-load-'));
const scenario =
  mode === 'closed'
    ? { executor: 'constant-vus' as const, vus: Number(a), duration: `${b}s`, warmup: '1s', requests: [{ path: '/' }] }
    : {
        executor: 'constant-arrival-rate' as const,
        rate: Number(a),
        duration: `${b}s`,
        warmup: '2s',
        preAllocatedVUs: Number(c),
        maxVUs: Number(e),
        requests: [{ path: '/' }],
      };
const { summary: s, outputs } = await runNativeScenario({
  name: 'bench',
  scenario,
  baseUrl: url,
  thresholds: [],
  keepSamples: false,
  outDir,
  workers: 0,
  seed: 1,
});
rmSync(outDir, { recursive: true, force: true });
const [o] = outputs;
const d = s.metrics.http_req_duration.values;
process.stdout.write(
  `${JSON.stringify({
    rps: s.metrics.http_reqs.values.count / (s.durationMs / 1000),
    requests: s.metrics.http_reqs.values.count,
    failed: s.metrics.http_req_failed.values.passes,
    p50: d.med,
    p99: d['p(99)'],
    max: d.max,
    dropped: s.metrics.dropped_iterations?.values.count ?? 0,
    saturated: s.generatorSaturated,
    reasons: s.saturationReasons,
    sendLagP99: s.metrics.generator_send_lag?.values['p(99)'] ?? null,
    eventLoopBusy: o.eventLoopUtilization,
    gcPauseMs: o.gcPauseMs,
    gcMaxPauseMs: o.gcMaxPauseMs,
    cpuWaitMs: o.cpuWaitMs,
  })}\n`,
);
