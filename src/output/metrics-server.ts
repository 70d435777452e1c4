import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Registry } from 'prom-client';
import { UsageError } from '../core/errors.js';
import type { Result } from '../core/result.js';
import { PROMETHEUS_CONTENT_TYPE, renderPrometheus } from '../report/prometheus.js';

export interface MetricsServerOptions {
  port: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** The latest Result (e.g. from a result file or the run before the server started); undefined before the first. */
  getResult(): Result | undefined;
  /** Re-runs the checks; with `intervalSec` the server calls it that often, one run at a time ("continual" checks). */
  rerun?: () => Promise<Result>;
  intervalSec?: number;
  /** Told about a failed re-run (the previous Result keeps being served). */
  onRerunError?: (e: unknown) => void;
}

export interface MetricsServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves the latest Result at /metrics in the Prometheus text format (plus pitchey_fit_serve_* metrics about the
 * server itself), /result.json, and /healthz. Re-runs on an interval when `rerun` and `intervalSec` are given.
 */
export async function startMetricsServer(opts: MetricsServerOptions): Promise<MetricsServer> {
  const host = opts.host ?? '127.0.0.1';
  let latestRerun: Result | undefined;
  const current = (): Result | undefined => latestRerun ?? opts.getResult();

  const own = new Registry();
  const available = new Gauge({
    name: 'pitchey_fit_serve_result_available',
    help: '1 once a Result is available to expose.',
    registers: [own],
  });
  const runs = new Counter({
    name: 'pitchey_fit_serve_reruns_total',
    help: 'Re-runs of the checks started by the server.',
    registers: [own],
  });
  const failures = new Counter({
    name: 'pitchey_fit_serve_rerun_failures_total',
    help: 'Re-runs that threw (the previous Result stays exposed).',
    registers: [own],
  });
  const lastRun = new Gauge({
    name: 'pitchey_fit_serve_last_rerun_timestamp_seconds',
    help: 'Unix time the last re-run finished.',
    registers: [own],
  });
  const rerunSeconds = new Gauge({
    name: 'pitchey_fit_serve_last_rerun_duration_seconds',
    help: 'Wall time of the last re-run, in seconds.',
    registers: [own],
  });
  runs.inc(0);
  failures.inc(0);

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    void (async () => {
      try {
        const r = current();
        if (url.pathname === '/metrics') {
          available.set(r ? 1 : 0);
          const body = (r ? await renderPrometheus(r) : '') + (await own.metrics());
          res.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE }).end(req.method === 'HEAD' ? undefined : body);
        } else if (url.pathname === '/result.json') {
          if (!r) res.writeHead(503, { 'content-type': 'text/plain' }).end('no result yet\n');
          else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(r));
        } else if (url.pathname === '/healthz') {
          res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
        } else if (url.pathname === '/') {
          res
            .writeHead(200, { 'content-type': 'text/plain' })
            .end('pitchey-fit metrics: /metrics (Prometheus), /result.json, /healthz\n');
        } else res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      } catch (e) {
        res.writeHead(500, { 'content-type': 'text/plain' }).end(`${e instanceof Error ? e.message : String(e)}\n`);
      }
    })();
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException): void => {
      reject(
        e.code === 'EADDRINUSE'
          ? new UsageError(`port ${opts.port} on ${host} is already in use`)
          : e.code === 'EADDRNOTAVAIL'
            ? new UsageError(`cannot listen on ${host}: address not available`)
            : e,
      );
    };
    server.once('error', onError);
    server.listen(opts.port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });

  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  let inFlight: Promise<void> | undefined;
  const schedule = (): void => {
    if (closed || !opts.rerun || !opts.intervalSec) return;
    timer = setTimeout(() => {
      const started = performance.now();
      runs.inc();
      inFlight = opts.rerun!()
        .then((r) => {
          latestRerun = r;
        })
        .catch((e: unknown) => {
          failures.inc();
          opts.onRerunError?.(e);
        })
        .finally(() => {
          lastRun.set(Date.now() / 1000);
          rerunSeconds.set((performance.now() - started) / 1000);
          inFlight = undefined;
          schedule();
        });
    }, opts.intervalSec * 1000);
    timer.unref?.();
  };
  schedule();

  const addr = server.address() as AddressInfo;
  const shownHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${shownHost}:${addr.port}`,
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await inFlight;
    },
  };
}
