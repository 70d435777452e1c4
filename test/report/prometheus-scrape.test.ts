import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startMetricsServer, type MetricsServer } from '../../src/output/index.js';
import { renderPrometheusRules } from '../../src/report/index.js';
import { fullRun } from '../fixtures-results/full-run.js';
import { dashboardQueries } from './grafana-dashboard.js';

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

async function poll<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`, { cause: last });
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'pitchey-fit-prom-'));
let prom: ChildProcess | undefined;
let server: MetricsServer | undefined;
let promLog = '';

afterAll(async () => {
  if (prom && prom.exitCode === null) {
    prom.kill('SIGTERM');
    await new Promise((r) => prom!.once('exit', r));
  }
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a real Prometheus scraping startMetricsServer', () => {
  it('scrapes the fitness metrics, answers a query with the value, and fires the failing-function alert', async () => {
    server = await startMetricsServer({ port: 0, getResult: () => fullRun });
    const promPort = await freePort();
    writeFileSync(path.join(dir, 'rules.yml'), renderPrometheusRules(fullRun));
    writeFileSync(
      path.join(dir, 'prometheus.yml'),
      [
        'global:',
        '  scrape_interval: 1s',
        '  evaluation_interval: 1s',
        'rule_files:',
        `  - ${path.join(dir, 'rules.yml')}`,
        'scrape_configs:',
        '  - job_name: pitchey-fit',
        `    static_configs: [{ targets: ['${new URL(server.url).host}'] }]`,
        '',
      ].join('\n'),
    );
    prom = spawn(
      '/usr/bin/prometheus',
      [
        `--config.file=${path.join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${path.join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    prom.stdout!.on('data', (d) => {
      promLog += d;
    });
    prom.stderr!.on('data', (d) => {
      promLog += d;
    });
    const api = `http://127.0.0.1:${promPort}/api/v1`;

    const query = async (q: string) => {
      const body = (await (await fetch(`${api}/query?query=${encodeURIComponent(q)}`)).json()) as {
        status: string;
        data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
      };
      return body.status === 'success' && body.data.result.length > 0 ? body.data.result : undefined;
    };
    try {
      const autonomy = await poll(
        'pitchey_fit_fitness_value in Prometheus',
        () => query('pitchey_fit_fitness_value{function="serviceAutonomy"}'),
        15_000,
      );
      expect(autonomy).toHaveLength(1);
      expect(autonomy[0].metric).toMatchObject({
        job: 'pitchey-fit',
        function: 'serviceAutonomy',
        metric: 'services deployable without another service',
      });
      expect(Number(autonomy[0].value[1])).toBe(75);

      const p99 = await query('pitchey_fit_load_latency_seconds{scenario="browse",percentile="99"} * 1000');
      expect(Number(p99![0].value[1])).toBeCloseTo(143.27, 9);
      const ca = await query('pitchey_fit_service_afferent_coupling{service="pitch"}');
      expect(Number(ca![0].value[1])).toBe(1);

      const alerts = await poll(
        'the PitcheyFitFitnessFunctionFailing alert',
        async () => {
          const body = (await (await fetch(`${api}/alerts`)).json()) as {
            data: { alerts: Array<{ labels: Record<string, string>; state: string }> };
          };
          const failing = body.data.alerts.filter(
            (a) => a.labels.alertname === 'PitcheyFitFitnessFunctionFailing' && a.state === 'firing',
          );
          return failing.length === 2 ? failing : undefined;
        },
        10_000,
      );
      expect(alerts.map((a) => a.labels.function).sort()).toEqual(['noCycles', 'serviceAutonomy']);
      expect(alerts.find((a) => a.labels.function === 'serviceAutonomy')!.labels).toMatchObject({
        severity: 'critical',
        adr: 'ADR-001',
      });

      // Every Grafana dashboard query returns data from the scraped metrics.
      const empty: string[] = [];
      for (const q of dashboardQueries()) if (!(await query(q.expr))) empty.push(`${q.panel}: ${q.expr}`);
      expect(empty).toEqual([]);
    } catch (e) {
      throw new Error(`${(e as Error).message}\nprometheus log:\n${promLog.slice(-2000)}`, { cause: e });
    }
  }, 30_000);
});
