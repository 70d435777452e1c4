/**
 * One closed-model measurement of a sweep step — a fixed number of connections (VUs), each sending its next request
 * when the previous one answered — with autocannon or the native engine (`constant-vus` through runLoad).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TargetUnreachableError } from '../../core/errors.js';
import { runAutocannon } from '../engines/autocannon.js';
import { runLoad } from '../run-load.js';

export type SweepEngine = 'autocannon' | 'native';

export interface ClosedRunOptions {
  url: string;
  connections: number;
  durationSec: number;
  method?: string;
  headers?: Record<string, string>;
  body?: string | object;
  signal?: AbortSignal;
}

export interface ClosedRun {
  /** Completed responses per second. */
  throughput: number;
  /** Completed responses, any status. */
  requests: number;
  /** Requests without a response (socket errors, timeouts); null when the engine does not tell them apart. */
  errors: number | null;
  /** Responses with an error status; with `errors` null, every failed request (k6's http_req_failed). */
  non2xx: number;
  latencyP99Ms: number;
  aborted: boolean;
}

async function autocannonRun(o: ClosedRunOptions): Promise<ClosedRun> {
  const r = await runAutocannon({ ...o, skipProbe: true });
  return {
    throughput: r.throughput,
    requests: r.requests,
    errors: r.errors,
    non2xx: r.non2xx,
    latencyP99Ms: r.latency.p99,
    aborted: r.aborted,
  };
}

async function nativeRun(o: ClosedRunOptions): Promise<ClosedRun> {
  const u = new URL(o.url);
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pitchey-fit-sweep-'));
  try {
    const section = await runLoad({
      baseUrl: u.origin,
      scenarios: {
        sweep: {
          executor: 'constant-vus',
          vus: o.connections,
          duration: `${o.durationSec}s`,
          gracefulStop: '2s',
          requests: [
            {
              path: u.pathname + u.search,
              ...(o.method ? { method: o.method.toUpperCase() as 'GET' } : {}),
              ...(o.headers ? { headers: o.headers } : {}),
              ...(o.body !== undefined ? { body: o.body } : {}),
            },
          ],
        },
      },
      outDir,
      engine: 'native',
      ...(o.signal ? { signal: o.signal } : {}),
    });
    const s = section.scenarios[0];
    const reqs = s?.metrics.http_reqs?.values ?? { count: 0, rate: 0 };
    const failed = s?.metrics.http_req_failed?.values;
    if ((reqs.count ?? 0) === 0 && !o.signal?.aborted) {
      throw new TargetUnreachableError(`no response from ${o.url} in ${o.durationSec} s (native engine)`);
    }
    return {
      throughput: reqs.rate ?? 0,
      requests: reqs.count ?? 0,
      errors: null,
      non2xx: failed?.passes ?? 0,
      latencyP99Ms: s?.metrics.http_req_duration?.values['p(99)'] ?? NaN,
      aborted: Boolean(o.signal?.aborted),
    };
  } finally {
    fs.rmSync(outDir, { recursive: true, force: true });
  }
}

export function closedRun(engine: SweepEngine, o: ClosedRunOptions): Promise<ClosedRun> {
  return engine === 'native' ? nativeRun(o) : autocannonRun(o);
}
