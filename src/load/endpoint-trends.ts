import type { EndpointTrend } from '../core/result-load.js';
import type { SampleSink, Tags } from './sample-sink.js';
import { TrendSink, type TrendSnapshot } from './trend-sink.js';

interface Endpoint {
  name: string;
  group: string;
  method: string;
  duration: TrendSink;
  failed: number;
}

export interface EndpointSnapshot {
  name: string;
  group: string;
  method: string;
  duration: TrendSnapshot;
  failed: number;
}

/**
 * Per-endpoint latency and errors (issue 15: which request breaks the p99): a SampleSink keeping one trend per
 * request name, group and method from the http_req_duration and http_req_failed samples. Exact like the metric
 * store (raw samples when kept, else HDR) and mergeable across execution segments.
 */
export class EndpointTrends implements SampleSink {
  private readonly byKey = new Map<string, Endpoint>();
  /** Sample tags are shared objects (cached per request and status): one lookup per tags object. */
  private readonly byTags = new WeakMap<Tags, Endpoint>();

  constructor(private readonly keepSamples: boolean) {}

  private endpoint(name: string, group: string, method: string): Endpoint {
    const key = `${method} ${group} ${name}`;
    let e = this.byKey.get(key);
    if (!e) {
      e = { name, group, method, duration: new TrendSink(this.keepSamples), failed: 0 };
      this.byKey.set(key, e);
    }
    return e;
  }

  sample(metric: string, value: number, tags: Tags | null): void {
    if (!tags || (metric !== 'http_req_duration' && metric !== 'http_req_failed')) return;
    let e = this.byTags.get(tags);
    if (!e) {
      e = this.endpoint(tags.name ?? '', tags.group ?? '', tags.method ?? '');
      this.byTags.set(tags, e);
    }
    if (metric === 'http_req_duration') e.duration.add(value);
    else e.failed += value;
  }

  snapshot(): EndpointSnapshot[] {
    return [...this.byKey.values()].map((e) => ({
      name: e.name,
      group: e.group,
      method: e.method,
      duration: e.duration.snapshot(),
      failed: e.failed,
    }));
  }

  merge(snapshot: EndpointSnapshot[]): void {
    for (const s of snapshot) {
      const e = this.endpoint(s.name, s.group, s.method);
      e.duration.merge(s.duration);
      e.failed += s.failed;
    }
  }

  /** The breakdown for the Result, worst p99 first. */
  trends(): EndpointTrend[] {
    const out: EndpointTrend[] = [];
    for (const e of this.byKey.values()) {
      const d = e.duration;
      if (d.count === 0) continue;
      out.push({
        name: e.name,
        // k6 writes groups as `::name`; the Result keeps the name
        ...(e.group ? { group: e.group.replace(/^::/, '') } : {}),
        ...(e.method ? { method: e.method } : {}),
        count: d.count,
        failed: e.failed,
        errorRate: e.failed / d.count,
        p50: d.percentile(50),
        p95: d.percentile(95),
        p99: d.percentile(99),
        max: d.max,
      });
    }
    return out.sort((a, b) => b.p99 - a.p99);
  }
}
