import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { ingestK6 } from '../../src/load/k6/ingest.js';
import { generateK6OperatorManifest, segmentCommands } from '../../src/load/k6/operator-manifest.js';
import { loadFitnessFunctions } from '../../src/load/builtin-functions.js';

const fx = (f: string) => path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'k6', f);

describe('k6 NDJSON (--out json) ingestion', () => {
  it('merges two runners into exact percentiles and one threshold verdict (values in fixtures/k6/ANSWERS.md)', async () => {
    const load = await ingestK6([fx('runner1.ndjson'), fx('runner2.ndjson')]);
    expect(load.scenarios).toHaveLength(1);
    const s = load.scenarios[0];
    expect(s.name).toBe('browse');
    expect(s.segments).toBe(2);
    const d = s.metrics.http_req_duration.values;
    expect(d).toMatchObject({ count: 8, min: 10, max: 1000, avg: 146.875 });
    expect(d.med).toBeCloseTo(27.5, 9);
    expect(d['p(90)']).toBeCloseTo(328, 9);
    expect(d['p(95)']).toBeCloseTo(664, 9);
    expect(d['p(99)']).toBeCloseTo(932.8, 9);
    expect(s.durationMs).toBe(4000);
    expect(s.metrics.http_reqs.values).toEqual({ count: 8, rate: 2 });
    expect(s.metrics.vus.values.value).toBe(4);
    expect(s.metrics.http_req_failed.values).toEqual({ rate: 0.125, passes: 1, fails: 7 });
    const th = Object.fromEntries(s.thresholds.map((t) => [`${t.metric} ${t.expression}`, t]));
    expect(th['http_req_duration p(95)<500']).toMatchObject({ ok: false });
    expect(th['http_req_duration p(95)<500'].observed).toBeCloseTo(664, 9);
    expect(th['http_req_duration{group:::browse} max<50']).toMatchObject({ ok: true, observed: 20 });
    expect(th['http_req_failed rate<0.01']).toMatchObject({ ok: false, observed: 0.125 });
  });

  it('one runner alone passes the p(95) threshold the merged run fails (why merging matters)', async () => {
    const one = await ingestK6([fx('runner1.ndjson')]);
    const t = one.scenarios[0].thresholds.find((x) => x.expression === 'p(95)<500')!;
    expect(t.ok).toBe(true);
    expect(t.observed).toBeCloseTo(38.5, 9);
  });

  it("extra thresholds (e.g. the config's) are evaluated on the merged samples", async () => {
    const load = await ingestK6([fx('runner1.ndjson'), fx('runner2.ndjson')], {
      thresholds: { http_req_duration: ['p(99)<200'] },
    });
    const t = load.scenarios[0].thresholds.find((x) => x.expression === 'p(99)<200')!;
    expect(t.ok).toBe(false);
    expect(t.observed).toBeCloseTo(932.8, 9);
  });

  it('truncated or malformed files are InputErrors naming file and line', async () => {
    await expect(ingestK6([fx('truncated.ndjson')])).rejects.toThrow(InputError);
    await expect(ingestK6([fx('truncated.ndjson')])).rejects.toThrow(/truncated\.ndjson:7: /);
    await expect(ingestK6([fx('malformed-point.ndjson')])).rejects.toThrow(
      /malformed-point\.ndjson:4: point of http_reqs has no numeric value/,
    );
    await expect(ingestK6([fx('ANSWERS.md')])).rejects.toThrow(/ANSWERS\.md:1: invalid JSON/);
    // a summary cut inside line 19 (inside a key string)
    await expect(ingestK6([fx('summary-export-truncated.json')])).rejects.toThrow(
      /summary-export-truncated\.json:19: invalid JSON/,
    );
    await expect(ingestK6([fx('no-such-file.ndjson')])).rejects.toThrow(/no-such-file\.ndjson: cannot read: ENOENT/);
  });
});

describe('k6 summary ingestion', () => {
  it('--summary-export: a threshold `true` means FAILED', async () => {
    const load = await ingestK6([fx('summary-export.json')]);
    const s = load.scenarios[0];
    expect(s.name).toBe('summary-export');
    const th = Object.fromEntries(s.thresholds.map((t) => [`${t.metric} ${t.expression}`, t]));
    expect(th['checks rate>0.99']).toMatchObject({ ok: false, observed: 0.98 });
    expect(th['http_req_duration p(95)<500']).toMatchObject({ ok: true, observed: 190.8 });
    expect(th['http_req_duration{group:::browse} max<200']).toMatchObject({ ok: false, observed: 210 });
    expect(th['http_req_failed rate<0.01']).toMatchObject({ ok: false, observed: 0.02 });
    expect(s.metrics.http_req_failed).toEqual({ type: 'rate', values: { rate: 0.02, passes: 2, fails: 98 } });
    expect(s.metrics.vus.type).toBe('gauge');
    expect(s.durationMs).toBe(10_000);
  });

  it('handleSummary data: thresholds { ok } as written; the p99 fitness function reads it', async () => {
    const load = await ingestK6([fx('handle-summary.json')]);
    const s = load.scenarios[0];
    expect(s.durationMs).toBe(30012.5);
    expect(s.thresholds).toEqual([
      { metric: 'http_req_duration', expression: 'p(99)<200', ok: false, observed: 240.3, abortOnFail: false },
      { metric: 'http_req_failed', expression: 'rate<0.01', ok: true, observed: 0.004, abortOnFail: false },
    ]);
    const ctx = { root: '.', findings: [], load };
    const p99 = await loadFitnessFunctions.p99Latency.test(ctx);
    // 3 dropped iterations: the value is reported, the verdict is inconclusive
    expect(p99).toMatchObject({ value: 240.3, verdict: 'inconclusive' });
    const allowed = await loadFitnessFunctions.p99Latency.test({
      ...ctx,
      load: { ...load, allowDroppedIterations: true },
    });
    expect(allowed).toMatchObject({ value: 240.3 });
    expect((allowed as { verdict?: string }).verdict).toBeUndefined();
    expect(await loadFitnessFunctions.errorRate.test(ctx)).toMatchObject({ value: 0.4 });
    expect(await loadFitnessFunctions.loadThresholds.test(ctx)).toMatchObject({ value: false });
  });
});

describe('distributed runs', () => {
  it('per-runner commands use k6 execution segments of one sequence', () => {
    expect(segmentCommands(3, 'script.js', 'http://10.0.0.5:8080')).toEqual([
      'k6 run --execution-segment 0:1/3 --execution-segment-sequence 0,1/3,2/3,1 -e BASE_URL=http://10.0.0.5:8080 -e SUMMARY_JSON=runner1-summary.json --out json=runner1.ndjson script.js',
      'k6 run --execution-segment 1/3:2/3 --execution-segment-sequence 0,1/3,2/3,1 -e BASE_URL=http://10.0.0.5:8080 -e SUMMARY_JSON=runner2-summary.json --out json=runner2.ndjson script.js',
      'k6 run --execution-segment 2/3:1 --execution-segment-sequence 0,1/3,2/3,1 -e BASE_URL=http://10.0.0.5:8080 -e SUMMARY_JSON=runner3-summary.json --out json=runner3.ndjson script.js',
    ]);
  });

  it('k6-operator TestRun manifest with parallelism N and the script in a ConfigMap', () => {
    const yaml = generateK6OperatorManifest({
      name: 'pitchey-load',
      parallelism: 4,
      script: "import http from 'k6/http';\nexport default function () {}\n",
      baseUrl: 'http://pitchey:8080',
    });
    expect(yaml).toContain('kind: TestRun');
    expect(yaml).toContain('apiVersion: k6.io/v1alpha1');
    expect(yaml).toMatch(/\n {2}parallelism: 4\n/);
    expect(yaml).toContain('      name: pitchey-load-script\n      file: script.js');
    expect(yaml).toContain("  script.js: |\n    import http from 'k6/http';");
    expect(() => generateK6OperatorManifest({ name: 'Bad_Name', parallelism: 2, script: '', baseUrl: 'x' })).toThrow(
      /invalid TestRun name/,
    );
  });
});
