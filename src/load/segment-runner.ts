import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RequestConfig, ScenarioConfig } from '../config/types.js';
import { SegmentStriping, type ExecutionSegment } from './execution-segment.js';
import { parseDuration } from './duration.js';
import { planExecutor, type ArrivalPlan, type ExecutorPlan, type VuPlan } from './executor-plan.js';
import { HttpClient, type HttpResponse } from './http-client.js';
import { jsonEquals, readJsonPath } from './json-path.js';
import { MetricStore, type MetricStoreSnapshot, type Tags } from './metric-store.js';
import { BUILTIN_METRICS } from './metric-types.js';
import { NdjsonWriter } from './ndjson-writer.js';
import { compileBody, compileTemplate, TemplateValueMissing, type CompiledTemplate, type TemplateScope } from './request-template.js';
import type { MetricReference } from './threshold-expression.js';
import type { DataRow } from './data-feeder.js';

/** Everything one execution segment of one scenario needs; plain data so it can be posted to a worker thread. */
export interface SegmentRunInput {
  scenarioName: string;
  scenario: ScenarioConfig;
  baseUrl: string;
  segment: ExecutionSegment;
  keepSamples: boolean;
  submetrics: MetricReference[];
  dataRows?: DataRow[];
  /** Write k6 `--out json` points here (only when samples are kept). */
  ndjsonFile?: string;
  thresholdsByMetric?: Record<string, string[]>;
  /** Seed of Poisson arrivals; identical in every segment of a run. */
  seed: number;
  /** Request timeout (ms). */
  timeoutMs?: number;
}

export interface SegmentRunOutput {
  snapshot: MetricStoreSnapshot;
  startedAtEpochMs: number;
  durationMs: number;
  partial: boolean;
  /** Open model: iterations this segment was scheduled to start up to the point it stopped. */
  scheduledIterations: number;
  /** Open model: ms from start to the last iteration dispatched (late when the generator fell behind). */
  lastDispatchMs: number;
  startedIterations: number;
  droppedIterations: number;
  responses: number;
  /** Requests that got no response, by error code (ECONNREFUSED, UND_ERR_HEADERS_TIMEOUT, …). */
  networkErrors: Record<string, number>;
  /** Template values missing at run time (e.g. a capture that never happened), by expression. */
  templateErrors: Record<string, number>;
  /** Share of wall time this thread's event loop was busy (0..1). */
  eventLoopUtilization: number;
  maxSendLagMs: number;
  sendLagP99Ms: number | null;
  vusAllocated: number;
}

export interface SegmentProgress {
  requests: number;
  failures: number;
  iterations: number;
  dropped: number;
  p99Ms: number | null;
}

interface CompiledRequest {
  name: string;
  group: string;
  method: string;
  path: CompiledTemplate;
  headers: Array<[string, CompiledTemplate]>;
  body?: (s: TemplateScope) => unknown;
  checks: NonNullable<RequestConfig['checks']>;
  capture: Array<[string, string]>;
  needBody: boolean;
  tags: Tags;
  weight: number;
  expected: (status: number) => boolean;
  /** Sample tags per response status (and per check), built once: the hot path allocates no tag objects. */
  tagCache: Map<string, Tags>;
}

interface Vu {
  /** 0-based global VU number (k6's __VU is this + 1). */
  index: number;
  /** This segment's connection for the VU (0-based, in allocation order). */
  lane: number;
  vars: Record<string, unknown>;
  setupDone: Promise<void> | null;
}

export function compileRequest(r: RequestConfig, keyPath: string): CompiledRequest {
  const method = (r.method ?? 'GET').toUpperCase();
  const hasBody = r.body !== undefined;
  const headers = Object.entries(r.headers ?? {});
  if (hasBody && typeof r.body !== 'string' && !headers.some(([k]) => k.toLowerCase() === 'content-type')) {
    headers.push(['content-type', 'application/json']);
  }
  const checks = r.checks ?? [];
  const capture = Object.entries(r.capture ?? {});
  return {
    name: r.name ?? r.path,
    group: r.group ? `::${r.group}` : '',
    method,
    path: compileTemplate(r.path, `${keyPath}.path`),
    headers: headers.map(([k, v]) => [k, compileTemplate(String(v), `${keyPath}.headers.${k}`)]),
    body: compileBody(r.body, `${keyPath}.body`),
    checks,
    capture,
    needBody: capture.length > 0 || checks.some((c) => c.jsonPath !== undefined || c.contains !== undefined),
    tags: r.tags ?? {},
    weight: r.weight ?? 1,
    expected: expectedStatuses(r.expectedStatuses),
    tagCache: new Map(),
  };
}

/** k6's default: 200–399 are expected; `expectedStatuses` replaces that list. */
function expectedStatuses(list: RequestConfig['expectedStatuses']): (status: number) => boolean {
  if (!list || list.length === 0) return (status) => status >= 200 && status < 400;
  const ranges = list.map((e) => (typeof e === 'number' ? { min: e, max: e } : e));
  return (status) => ranges.some((r) => status >= r.min && status <= r.max);
}

/**
 * Runs one execution segment of one scenario in the current thread: schedules iterations (open model at their
 * intended times, closed model per VU), sends requests on one keep-alive connection per VU, and records k6 metrics.
 */
export class SegmentRunner {
  private readonly plan: ExecutorPlan;
  private readonly striping: SegmentStriping;
  private store: MetricStore;
  /** True during the warm-up: samples go to a discarded store and no NDJSON is written. */
  private warming = false;
  private stopRequested = false;
  private readonly requests: CompiledRequest[];
  private readonly setup: CompiledRequest[];
  private readonly totalWeight: number;
  private readonly client: HttpClient;
  private readonly ndjson: NdjsonWriter | null;
  private readonly scenarioTag: string;
  private readonly scenarioTags: Tags;
  private stopping = false;
  private hardStop = new AbortController();
  private partial = false;
  private origin = 0;
  private readonly epochOffset = performance.timeOrigin;
  private counters = { requests: 0, failures: 0, iterations: 0, dropped: 0, responses: 0, scheduled: 0, started: 0 };
  private networkErrors: Record<string, number> = {};
  private templateErrors: Record<string, number> = {};
  private maxLag = 0;
  private vusAllocated = 0;
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly input: SegmentRunInput) {
    const keyPath = `load.scenarios.${input.scenarioName}`;
    this.plan = planExecutor(input.scenario, keyPath, input.seed);
    this.striping = new SegmentStriping(input.segment);
    this.store = new MetricStore(input.keepSamples);
    for (const ref of input.submetrics) this.store.addSubmetric(ref);
    const scenarioTags = input.scenario.tags ?? {};
    this.requests = input.scenario.requests.map((r, i) => compileRequest({ ...r, tags: { ...scenarioTags, ...r.tags } }, `${keyPath}.requests[${i}]`));
    this.setup = (input.scenario.setup ?? []).map((r, i) => compileRequest(r, `${keyPath}.setup[${i}]`));
    this.totalWeight = this.requests.reduce((s, r) => s + r.weight, 0);
    this.scenarioTag = input.scenarioName;
    this.scenarioTags = { scenario: input.scenarioName };
    this.client = new HttpClient(new URL(input.baseUrl).origin, input.timeoutMs ?? 60_000);
    this.ndjson = input.ndjsonFile ? new NdjsonWriter(input.ndjsonFile, input.thresholdsByMetric) : null;
    this.basePath = new URL(input.baseUrl).pathname.replace(/\/$/, '');
  }

  private readonly basePath: string;

  /** Stops scheduling new iterations; in-flight ones finish (or are interrupted after gracefulStop). */
  stop(): void {
    if (!this.stopping) this.partial = true;
    this.stopping = true;
    this.stopRequested = true;
  }

  progress(): SegmentProgress {
    const t = this.store.trend('http_req_duration')!;
    return {
      requests: this.counters.requests,
      failures: this.counters.failures,
      iterations: this.counters.iterations,
      dropped: this.counters.dropped,
      p99Ms: t.count ? t.percentile(99) : null,
    };
  }

  /** Snapshot of the metrics so far (for abortOnFail evaluation while running). */
  snapshot(): MetricStoreSnapshot {
    return this.store.snapshot();
  }

  private record(name: string, value: number, tags: Tags | null, at: number): void {
    this.store.add(name, value, tags ?? undefined);
    if (this.ndjson && !this.warming) this.ndjson.point(BUILTIN_METRICS[name], value, tags, this.epochOffset + at);
  }

  private pick(): CompiledRequest {
    if (this.requests.length === 1) return this.requests[0];
    let r = Math.random() * this.totalWeight;
    for (const req of this.requests) {
      r -= req.weight;
      if (r < 0) return req;
    }
    return this.requests[this.requests.length - 1];
  }

  private async exec(req: CompiledRequest, scope: TemplateScope, lane: number, intendedAt: number | null, phase: 'main' | 'setup'): Promise<boolean> {
    let path: string;
    let headers: Record<string, string> | undefined;
    let body: string | undefined;
    try {
      path = this.basePath + req.path(scope);
      if (req.headers.length) {
        headers = {};
        for (const [k, t] of req.headers) headers[k] = t(scope);
      }
      if (req.body) {
        const b = req.body(scope);
        body = typeof b === 'string' ? b : JSON.stringify(b);
      }
    } catch (e) {
      if (e instanceof TemplateValueMissing) {
        this.templateErrors[e.expression] = (this.templateErrors[e.expression] ?? 0) + 1;
        return false;
      }
      throw e;
    }
    const sentAt = performance.now();
    const res: HttpResponse = await this.client.send(req.method, path, headers, body, req.needBody, lane);
    if (this.hardStop.signal.aborted) return false; // interrupted after gracefulStop: k6 drops such samples too
    if (res.status === 0) this.networkErrors[res.error ?? 'error'] = (this.networkErrors[res.error ?? 'error'] ?? 0) + 1;
    else this.counters.responses++;
    const ok = req.expected(res.status);
    const statusKey = String(res.status);
    let tags = req.tagCache.get(statusKey);
    if (!tags) {
      tags = {
        scenario: this.scenarioTag, group: req.group, name: req.name, method: req.method,
        status: statusKey, expected_response: String(ok), ...req.tags,
      };
      req.tagCache.set(statusKey, tags);
    }
    if (phase === 'setup') {
      this.store.add('setup_req_duration', res.endAt - sentAt, tags);
      this.store.add('setup_req_failed', ok ? 0 : 1, tags);
    } else {
      const start = intendedAt ?? sentAt;
      this.counters.requests++;
      if (!ok) this.counters.failures++;
      this.record('http_reqs', 1, tags, res.endAt);
      this.record('http_req_duration', res.endAt - start, tags, res.endAt);
      if (res.status !== 0) {
        this.record('http_req_waiting', res.headersAt - sentAt, tags, res.endAt);
        this.record('http_req_receiving', res.endAt - res.headersAt, tags, res.endAt);
      }
      this.record('http_req_failed', ok ? 0 : 1, tags, res.endAt);
    }
    let parsed: unknown;
    let parsedOk: boolean | null = null;
    const json = (): unknown => {
      if (parsedOk === null) {
        try { parsed = JSON.parse(res.text ?? ''); parsedOk = true; } catch { parsedOk = false; }
      }
      return parsedOk ? parsed : undefined;
    };
    let allChecks = true;
    for (let ci = 0; ci < req.checks.length; ci++) {
      const c = req.checks[ci];
      let pass = true;
      if (c.status !== undefined) pass &&= Array.isArray(c.status) ? c.status.includes(res.status) : res.status === c.status;
      if (c.jsonPath !== undefined) {
        const v = readJsonPath(json(), c.jsonPath);
        pass &&= c.equals === undefined ? v !== undefined && v !== null : jsonEquals(v, c.equals);
      }
      if (c.contains !== undefined) pass &&= (res.text ?? '').includes(c.contains);
      allChecks &&= pass;
      if (phase === 'main') {
        const key = `${statusKey}|${ci}`;
        let checkTags = req.tagCache.get(key);
        if (!checkTags) req.tagCache.set(key, (checkTags = { ...tags, check: c.name }));
        this.record('checks', pass ? 1 : 0, checkTags, res.endAt);
      }
    }
    for (const [variable, jsonPath] of req.capture) {
      const v = readJsonPath(json(), jsonPath);
      if (v !== undefined) scope.vars[variable] = v;
    }
    return ok && allChecks;
  }

  private rowFor(index: number): DataRow | undefined {
    const rows = this.input.dataRows;
    return rows && rows.length ? rows[index % rows.length] : undefined;
  }

  private async runSetup(vu: Vu): Promise<void> {
    if (this.setup.length === 0) return;
    const scope: TemplateScope = { data: this.rowFor(vu.index), vars: vu.vars, vuId: vu.index + 1, iteration: 0 };
    for (const req of this.setup) {
      if (this.hardStop.signal.aborted) return;
      await this.exec(req, scope, vu.lane, null, 'setup');
    }
  }

  private async iteration(vu: Vu, globalIteration: number, intendedAt: number | null): Promise<void> {
    const startedAt = performance.now();
    const scope: TemplateScope = { data: this.rowFor(globalIteration), vars: vu.vars, vuId: vu.index + 1, iteration: globalIteration };
    if (this.input.scenario.flow === 'sequence') {
      let first = true;
      for (const req of this.requests) {
        if (this.hardStop.signal.aborted) return;
        await this.exec(req, scope, vu.lane, first ? intendedAt : null, 'main');
        first = false;
      }
    } else {
      await this.exec(this.pick(), scope, vu.lane, intendedAt, 'main');
    }
    if (this.hardStop.signal.aborted) return;
    const end = performance.now();
    this.counters.iterations++;
    const tags = this.scenarioTags;
    this.record('iterations', 1, tags, end);
    this.record('iteration_duration', end - (intendedAt ?? startedAt), tags, end);
  }

  private newVu(globalIndex: number): Vu {
    return { index: globalIndex, lane: this.vusAllocated++, vars: {}, setupDone: null };
  }

  /** Runs the load for `ms` without measuring it, then resets every counter. */
  private async warmUp(ms: number): Promise<void> {
    const measured = this.store;
    this.store = new MetricStore(false);
    this.warming = true;
    try {
      if (this.plan.kind === 'arrival') {
        const sc = this.input.scenario;
        const rate = (this.plan.expectedIterations / this.plan.durationMs) * 1000;
        if (!(rate > 0)) return;
        const plan = planExecutor({ ...sc, executor: 'constant-arrival-rate', rate, timeUnit: '1s', duration: `${ms}ms`, gracefulStop: '60s', stages: undefined }, 'warmup', this.input.seed);
        await this.runArrival(plan as ArrivalPlan);
      } else {
        const vus = Math.max(1, this.plan.activeVUs(0));
        await this.runVus({ kind: 'vus', executor: 'constant-vus', durationMs: ms, gracefulStopMs: 60_000, maxVUs: vus, activeVUs: () => vus });
      }
    } finally {
      this.store = measured;
      this.warming = false;
    }
    this.stopping = this.stopRequested;
    this.partial = this.stopRequested;
    this.counters = { requests: 0, failures: 0, iterations: 0, dropped: 0, responses: 0, scheduled: 0, started: 0 };
    this.networkErrors = {};
    this.templateErrors = {};
    this.maxLag = 0;
    this.vusAllocated = 0;
    this.lastDispatchMs = 0;
  }

  async run(): Promise<SegmentRunOutput> {
    const warmupMs = this.input.scenario.warmup ? parseDuration(this.input.scenario.warmup, `load.scenarios.${this.input.scenarioName}.warmup`) : 0;
    if (warmupMs > 0) await this.warmUp(warmupMs);
    const elu0 = performance.eventLoopUtilization();
    const startedAtEpochMs = Date.now();
    this.origin = performance.now();
    try {
      if (this.plan.kind === 'arrival') await this.runArrival(this.plan);
      else await this.runVus(this.plan);
    } finally {
      const durationMs = performance.now() - this.origin;
      this.hardStop.abort();
      await this.client.close().catch(() => undefined);
      this.finalDurationMs = durationMs;
    }
    const bytes = this.client.bytes();
    const end = performance.now();
    if (bytes.sent) this.record('data_sent', bytes.sent, { scenario: this.scenarioTag }, end);
    if (bytes.received) this.record('data_received', bytes.received, { scenario: this.scenarioTag }, end);
    this.record('vus_max', this.vusAllocated, { scenario: this.scenarioTag }, end);
    this.ndjson?.close();
    const elu = performance.eventLoopUtilization(elu0);
    const lag = this.store.trend('generator_send_lag')!;
    return {
      snapshot: this.store.snapshot(),
      startedAtEpochMs,
      durationMs: this.finalDurationMs,
      partial: this.partial,
      scheduledIterations: this.counters.scheduled,
      lastDispatchMs: this.lastDispatchMs,
      startedIterations: this.counters.started,
      droppedIterations: this.counters.dropped,
      responses: this.counters.responses,
      networkErrors: this.networkErrors,
      templateErrors: this.templateErrors,
      eventLoopUtilization: elu.utilization,
      maxSendLagMs: this.maxLag,
      sendLagP99Ms: lag.count ? lag.percentile(99) : null,
      vusAllocated: this.vusAllocated,
    };
  }

  private finalDurationMs = 0;

  private track(p: Promise<void>): void {
    this.inFlight++;
    void p.then(() => this.untrack(), () => this.untrack());
  }

  private async arrivalIteration(vu: Vu, index: number, due: number, free: Vu[]): Promise<void> {
    try {
      if (!vu.setupDone) vu.setupDone = this.runSetup(vu);
      await vu.setupDone;
      await this.iteration(vu, index, due);
    } finally {
      free.push(vu);
      this.untrack();
    }
  }

  private untrack(): void {
    if (--this.inFlight === 0) for (const w of this.idleWaiters.splice(0)) w();
  }

  /** Waits for in-flight iterations up to gracefulStop, then interrupts the rest. */
  private async drain(gracefulStopMs: number): Promise<void> {
    if (this.inFlight === 0) return;
    const timer = sleep(gracefulStopMs, undefined, { ref: false }).then(() => 'timeout' as const);
    const all = new Promise<'done'>((resolve) => this.idleWaiters.push(() => resolve('done')));
    const r = await Promise.race([all, timer]);
    if (r === 'timeout') {
      this.partial = true;
      this.hardStop.abort();
      await this.client.close().catch(() => undefined);
      await Promise.race([all, sleep(1000)]);
    }
  }

  private async runArrival(plan: ArrivalPlan): Promise<void> {
    const free: Vu[] = [];
    const preAllocated = this.striping.scale(plan.preAllocatedVUs);
    const maxVus = Math.max(1, this.striping.scale(plan.maxVUs));
    let nextVu = 0;
    const allocate = (): Vu => this.newVu(this.striping.nth(nextVu++));
    for (let i = 0; i < preAllocated; i++) free.push(allocate());
    // Pre-allocated VUs run their setup (sign-in) before the clock starts, as k6 initialises VUs before the test.
    await Promise.all(free.map((vu) => (vu.setupDone = this.runSetup(vu))));
    this.record('vus', preAllocated, { scenario: this.scenarioTag }, performance.now());
    this.origin = performance.now();
    const origin = this.origin;
    let globalIndex = -1;
    let dispatchedSinceYield = 0;
    let busyShown = -1;
    const gauge = setInterval(() => {
      const busy = this.vusAllocated - free.length;
      if (busy !== busyShown) {
        busyShown = busy;
        this.record('vus', busy, { scenario: this.scenarioTag }, performance.now());
      }
    }, 200);
    gauge.unref();
    const end = origin + plan.durationMs;
    for (const t of plan.arrivals()) {
      globalIndex++;
      if (!this.striping.owns(globalIndex)) continue;
      if (this.stopping) break;
      const due = origin + t;
      let now = performance.now();
      if (due > now) {
        // Sleep on timers (never spin): an iteration leaves at its intended time or up to ~1 ms later, never early;
        // the lateness is measured (generator_send_lag) and counted in its latency.
        dispatchedSinceYield = 0;
        while (due > now && !this.stopping) {
          await sleep(Math.max(1, due - now));
          now = performance.now();
        }
        if (this.stopping) break;
      } else if (++dispatchedSinceYield >= 64) {
        // behind schedule: still let responses be processed between bursts
        dispatchedSinceYield = 0;
        await new Promise<void>((r) => setImmediate(r));
        now = performance.now();
        if (this.stopping) break;
      }
      if (now >= end + plan.gracefulStopMs) break;
      this.counters.scheduled++;
      this.lastDispatchMs = now - origin;
      const lag = now - due;
      if (lag > this.maxLag) this.maxLag = lag;
      this.store.add('generator_send_lag', lag);
      let vu = free.pop();
      if (!vu && this.vusAllocated < maxVus) {
        vu = allocate();
        this.record('vus_max', this.vusAllocated, { scenario: this.scenarioTag }, now);
      }
      if (!vu) {
        this.counters.dropped++;
        this.record('dropped_iterations', 1, { scenario: this.scenarioTag }, now);
        continue;
      }
      this.counters.started++;
      const v = vu;
      const index = globalIndex;
      this.inFlight++;
      void this.arrivalIteration(v, index, due, free);
    }
    await this.drain(plan.gracefulStopMs);
    clearInterval(gauge);
  }

  private lastDispatchMs = 0;

  private async runVus(plan: VuPlan): Promise<void> {
    const count = this.striping.scale(plan.maxVUs);
    const vus = Array.from({ length: count }, (_, k) => this.newVu(this.striping.nth(k)));
    await Promise.all(vus.map((vu) => this.runSetup(vu)));
    this.origin = performance.now();
    const origin = this.origin;
    const end = origin + plan.durationMs;
    let sharedLeft = plan.sharedIterations !== undefined ? this.striping.scale(plan.sharedIterations) : Infinity;
    let sharedNext = 0;
    let perVuCounter = 0;
    const active = () => {
      const n = plan.activeVUs(performance.now() - origin);
      return n;
    };
    let activeNow = 0;
    const gauge = setInterval(() => {
      const a = Math.min(count, this.striping.scale(Math.max(0, active())));
      if (a !== activeNow) {
        activeNow = a;
        this.record('vus', a, { scenario: this.scenarioTag }, performance.now());
      }
    }, 200);
    gauge.unref();
    activeNow = Math.min(count, this.striping.scale(Math.max(0, active())));
    this.record('vus', activeNow, { scenario: this.scenarioTag }, performance.now());
    const loop = async (vu: Vu): Promise<void> => {
      let local = 0;
      while (!this.stopping && performance.now() < end) {
        if (vu.index >= active()) {
          await sleep(Math.min(50, end - performance.now()));
          continue;
        }
        let globalIteration: number;
        if (plan.iterationsPerVU !== undefined) {
          if (local >= plan.iterationsPerVU) return;
          globalIteration = vu.index * plan.iterationsPerVU + local;
        } else if (plan.sharedIterations !== undefined) {
          if (sharedLeft <= 0) return;
          sharedLeft--;
          globalIteration = this.striping.nth(sharedNext++);
        } else {
          globalIteration = perVuCounter++;
        }
        local++;
        this.counters.started++;
        await this.iteration(vu, globalIteration, null);
      }
    };
    const loops = Promise.all(vus.map((vu) => loop(vu)));
    this.track(loops.then(() => undefined));
    const stopAt = sleep(plan.durationMs, undefined, { ref: false });
    await Promise.race([loops, stopAt, this.waitStop()]);
    // the duration is over (or stop was asked): no new iterations; give in-flight ones gracefulStop to finish
    this.stopping = true;
    await this.drain(plan.gracefulStopMs);
    clearInterval(gauge);
    if (plan.iterationsPerVU !== undefined || plan.sharedIterations !== undefined) {
      // iteration-bounded executors ending on maxDuration did not finish their work
      const target = plan.iterationsPerVU !== undefined ? count * plan.iterationsPerVU : this.striping.scale(plan.sharedIterations!);
      if (this.counters.iterations < target) this.partial = true;
    }
  }

  private waitStop(): Promise<void> {
    return new Promise((resolve) => {
      const tick = setInterval(() => {
        if (this.stopping) {
          clearInterval(tick);
          resolve();
        }
      }, 25);
      tick.unref();
    });
  }
}
