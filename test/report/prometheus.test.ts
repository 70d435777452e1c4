import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { pushToGateway, startMetricsServer } from '../../src/output/index.js';
import { renderPrometheus, renderPrometheusRules } from '../../src/report/index.js';
import { fullRun, passingStaticRun } from '../fixtures-results/full-run.js';
import { TEST_OUTPUT_DIR } from './golden.js';
import { parseSamples, sampleValue } from './prom-text.js';

function promtool(args: string[], input?: string): { status: number | null; out: string } {
  const r = spawnSync('promtool', args, { input, encoding: 'utf8' });
  if (r.error) throw r.error;
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

function writeOut(name: string, text: string): string {
  mkdirSync(TEST_OUTPUT_DIR, { recursive: true });
  const file = path.join(TEST_OUTPUT_DIR, name);
  writeFileSync(file, text);
  return file;
}

describe('renderPrometheus', () => {
  it('passes promtool check metrics (lint included) for full and static-only results', async () => {
    for (const r of [fullRun, passingStaticRun]) {
      const res = promtool(['check', 'metrics'], await renderPrometheus(r));
      expect(res.out).toBe('');
      expect(res.status).toBe(0);
    }
  });

  it('promtool does flag a badly named metric (the check is effective)', () => {
    const res = promtool(['check', 'metrics'], '# HELP foo_ms latency\n# TYPE foo_ms counter\nfoo_ms 1\n');
    expect(res.status).not.toBe(0);
  });

  it('exposes the values of the Result', async () => {
    const s = parseSamples(await renderPrometheus(fullRun));
    const fn = (id: string) => ({ function: id });
    expect(sampleValue(s, 'pitchey_fit_fitness_value', fn('serviceAutonomy'))).toBe(75);
    expect(sampleValue(s, 'pitchey_fit_fitness_target', fn('serviceAutonomy'))).toBe(100);
    expect(sampleValue(s, 'pitchey_fit_fitness_pass', fn('serviceAutonomy'))).toBe(0);
    expect(sampleValue(s, 'pitchey_fit_fitness_direction', fn('serviceAutonomy'))).toBe(1);
    expect(sampleValue(s, 'pitchey_fit_fitness_direction', fn('p99Latency'))).toBe(-1);
    expect(sampleValue(s, 'pitchey_fit_fitness_direction', fn('noCycles'))).toBe(0);
    expect(sampleValue(s, 'pitchey_fit_fitness_pass', fn('p99Latency'))).toBe(1);
    expect(sampleValue(s, 'pitchey_fit_fitness_value', fn('rateLimitedEntrypoints'))).toBe(1);
    // inconclusive: no value and no pass sample, only info
    expect(sampleValue(s, 'pitchey_fit_fitness_value', fn('checkoutP99'))).toBeUndefined();
    expect(sampleValue(s, 'pitchey_fit_fitness_pass', fn('checkoutP99'))).toBeUndefined();
    expect(
      sampleValue(s, 'pitchey_fit_fitness_info', {
        function: 'checkoutP99',
        verdict: 'inconclusive',
        severity: 'medium',
      }),
    ).toBe(1);
    expect(sampleValue(s, 'pitchey_fit_fitness_info', { function: 'serviceAutonomy', adr: 'ADR-001' })).toBe(1);
    expect(sampleValue(s, 'pitchey_fit_service_afferent_coupling', { service: 'pitch' })).toBe(1);
    expect(sampleValue(s, 'pitchey_fit_service_efferent_coupling', { service: 'nda' })).toBe(2);
    expect(sampleValue(s, 'pitchey_fit_service_instability', { service: 'investment' })).toBeUndefined();
    expect(sampleValue(s, 'pitchey_fit_service_main_sequence_distance', { service: 'pitch' })).toBe(0.7);
    expect(sampleValue(s, 'pitchey_fit_load_latency_seconds', { scenario: 'browse', percentile: '99' })).toBe(0.14327);
    expect(sampleValue(s, 'pitchey_fit_load_latency_seconds', { scenario: 'checkout', percentile: '100' })).toBe(
      1.2049,
    );
    expect(sampleValue(s, 'pitchey_fit_load_generator_saturated', { scenario: 'checkout' })).toBe(1);
    expect(sampleValue(s, 'pitchey_fit_usl_sigma')).toBe(0.06);
    expect(sampleValue(s, 'pitchey_fit_usl_kappa')).toBe(0.004);
    expect(sampleValue(s, 'pitchey_fit_scale_efficiency', { n: '4' })).toBeCloseTo(4690 / (4 * 1441), 12);
    expect(
      sampleValue(s, 'pitchey_fit_findings', {
        severity: 'critical',
        rule: 'cross-service-import',
        baselined: 'false',
      }),
    ).toBe(1);
    expect(sampleValue(s, 'pitchey_fit_functions', { verdict: 'fail' })).toBe(2);
    expect(sampleValue(s, 'pitchey_fit_run_timestamp_seconds')).toBe(Date.UTC(2026, 10, 25, 10, 41, 7, 120) / 1000);
    expect(s.some((x) => x.name.startsWith('process_') || x.name.startsWith('nodejs_'))).toBe(false);
  });
});

describe('renderPrometheusRules', () => {
  it('passes promtool check rules, generic and per-function', () => {
    for (const [name, text, count] of [
      ['rules-generic.yml', renderPrometheusRules(), 3],
      ['rules-full.yml', renderPrometheusRules(fullRun), 10],
    ] as const) {
      const res = promtool(['check', 'rules', writeOut(name, text)]);
      expect(res.status, res.out).toBe(0);
      expect(res.out).toContain(`SUCCESS: ${count} rules found`);
    }
  });

  it('fires on a failing function and a regression past the target, not a chronic failure (promtool test)', () => {
    const rulesFile = writeOut('rules-generic.yml', renderPrometheusRules());
    const fl = (fnId: string) => `function="${fnId}",metric="m ${fnId}"`;
    const p99Info = 'kind="load",severity="critical",adr="ADR-004",unit="ms",target="<= 200ms",verdict="fail"';
    const autonomyInfo = 'kind="static",severity="medium",adr="ADR-001",unit="%",target="100",verdict="fail"';
    const testFile = writeOut(
      'rules-test.yml',
      `rule_files:
  - ${rulesFile}
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'pitchey_fit_fitness_value{${fl('p99')}}'
        values: '150 150 250 250'
      - series: 'pitchey_fit_fitness_target{${fl('p99')}}'
        values: '200x3'
      - series: 'pitchey_fit_fitness_direction{${fl('p99')}}'
        values: '-1x3'
      - series: 'pitchey_fit_fitness_pass{${fl('p99')}}'
        values: '1 1 0 0'
      - series: 'pitchey_fit_fitness_info{${fl('p99')},${p99Info}}'
        values: '1x3'
      - series: 'pitchey_fit_fitness_value{${fl('autonomy')}}'
        values: '75x3'
      - series: 'pitchey_fit_fitness_target{${fl('autonomy')}}'
        values: '100x3'
      - series: 'pitchey_fit_fitness_direction{${fl('autonomy')}}'
        values: '1x3'
      - series: 'pitchey_fit_fitness_pass{${fl('autonomy')}}'
        values: '0x3'
      - series: 'pitchey_fit_fitness_info{${fl('autonomy')},${autonomyInfo}}'
        values: '1x3'
    alert_rule_test:
      - eval_time: 1m
        alertname: PitcheyFitValueRegressedPastTarget
        exp_alerts: []
      - eval_time: 3m
        alertname: PitcheyFitValueRegressedPastTarget
        exp_alerts:
          - exp_labels: { severity: critical, function: p99, metric: "m p99" }
            exp_annotations:
              summary: "p99 regressed past its target"
              description: "m p99 is now 250, beyond its target; it met the target within the last 1d."
      - eval_time: 3m
        alertname: PitcheyFitFitnessFunctionFailing
        exp_alerts:
          - exp_labels: { severity: critical, adr: ADR-004, target: "<= 200ms", function: p99, metric: "m p99" }
            exp_annotations:
              summary: "Fitness function p99 fails its target"
              description: "m p99 does not meet <= 200ms (decision record: ADR-004)."
          - exp_labels: { severity: medium, adr: ADR-001, target: "100", function: autonomy, metric: "m autonomy" }
            exp_annotations:
              summary: "Fitness function autonomy fails its target"
              description: "m autonomy does not meet 100 (decision record: ADR-001)."
`,
    );
    const res = promtool(['test', 'rules', testFile]);
    expect(res.out).toContain('SUCCESS');
    expect(res.status, res.out).toBe(0);
  });
});

async function recordingServer(status = 200) {
  const requests: Array<{ method: string; url: string; body: string; contentType?: string }> = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      body += c;
    });
    req.on('end', () => {
      requests.push({ method: req.method!, url: req.url!, body, contentType: req.headers['content-type'] });
      res.writeHead(status).end(status >= 400 ? 'text format parsing error' : '');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return { requests, url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('pushToGateway', () => {
  it('PUTs the metrics to /metrics/job/<job>/subject/<subject>', async () => {
    const gw = await recordingServer();
    try {
      expect(await pushToGateway(gw.url, fullRun)).toBeUndefined();
      expect(await pushToGateway(`${gw.url}/`, fullRun, 'nightly')).toBeUndefined();
      expect(gw.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
        'PUT /metrics/job/pitchey-fit/subject/pitchey',
        'PUT /metrics/job/nightly/subject/pitchey',
      ]);
      expect(gw.requests[0].body).toBe(await renderPrometheus(fullRun));
    } finally {
      await gw.close();
    }
  });

  it('returns a failed push as a one-line reason (a warning for the caller), a bad URL as a usage error', async () => {
    const gw = await recordingServer(400);
    try {
      expect(await pushToGateway(gw.url, fullRun)).toMatch(/rejected the push: push failed with status 400/);
    } finally {
      await gw.close();
    }
    await expect(pushToGateway('not a url', fullRun)).rejects.toThrow(UsageError);
    await expect(pushToGateway('ftp://127.0.0.1/', fullRun)).rejects.toThrow(UsageError);
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const closedUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((r) => closed.close(() => r()));
    expect(await pushToGateway(closedUrl, fullRun)).toBe(`pushgateway ${closedUrl} unreachable: ECONNREFUSED`);
  });

  it('gives up on a gateway that accepts the connection and never answers', async () => {
    const silent = http.createServer(() => undefined); // reads the request, never responds
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    try {
      const started = performance.now();
      const reason = await pushToGateway(url, fullRun, 'pitchey-fit', { timeoutMs: 300 });
      expect(reason).toBe(`pushgateway ${url} did not answer within 0.3 s`);
      expect(performance.now() - started).toBeLessThan(3000);
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((r) => silent.close(() => r()));
    }
  });
});

describe('startMetricsServer', () => {
  it('serves /metrics before and after a result exists, and re-runs on an interval', async () => {
    let calls = 0;
    const server = await startMetricsServer({
      port: 0,
      getResult: () => undefined,
      rerun: () => {
        calls++;
        return Promise.resolve(passingStaticRun);
      },
      intervalSec: 0.2,
    });
    try {
      const first = await fetch(`${server.url}/metrics`);
      expect(first.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const s0 = parseSamples(await first.text());
      expect(sampleValue(s0, 'pitchey_fit_serve_result_available')).toBe(0);
      expect(sampleValue(s0, 'pitchey_fit_fitness_value')).toBeUndefined();
      expect((await fetch(`${server.url}/result.json`)).status).toBe(503);

      await new Promise((r) => setTimeout(r, 700));
      const text = await (await fetch(`${server.url}/metrics`)).text();
      const s1 = parseSamples(text);
      expect(calls).toBeGreaterThanOrEqual(2);
      expect(sampleValue(s1, 'pitchey_fit_serve_result_available')).toBe(1);
      expect(sampleValue(s1, 'pitchey_fit_serve_reruns_total')).toBeGreaterThanOrEqual(2);
      expect(sampleValue(s1, 'pitchey_fit_run_info', { run_id: passingStaticRun.runId })).toBe(1);
      expect(promtool(['check', 'metrics'], text).status).toBe(0);
      const served = (await (await fetch(`${server.url}/result.json`)).json()) as { runId: string };
      expect(served.runId).toBe(passingStaticRun.runId);
      expect((await fetch(`${server.url}/nope`)).status).toBe(404);
    } finally {
      await server.close();
    }
    const after = calls;
    await new Promise((r) => setTimeout(r, 400));
    expect(calls).toBe(after); // no re-runs after close
  });

  it('reports a busy port as a usage error', async () => {
    const a = await startMetricsServer({ port: 0, getResult: () => fullRun });
    try {
      const port = Number(new URL(a.url).port);
      await expect(startMetricsServer({ port, getResult: () => fullRun })).rejects.toThrow(
        `port ${port} on 127.0.0.1 is already in use`,
      );
    } finally {
      await a.close();
    }
  });
});
