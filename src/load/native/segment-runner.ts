import { performance } from 'node:perf_hooks';
import { parseDuration } from '../duration.js';
import { EndpointTrends } from '../endpoint-trends.js';
import { SegmentStriping } from '../execution-segment.js';
import { planExecutor, type ExecutorPlan } from '../executor-plan.js';
import { HttpClient } from '../http-client.js';
import { MetricStore, type MetricStoreSnapshot } from '../metric-store.js';
import { NdjsonWriter } from '../ndjson-writer.js';
import { ProgressCounter } from '../progress-line.js';
import { SampleFanout } from '../sample-sink.js';
import { runArrival } from './arrival-scheduler.js';
import { runClosed } from './closed-scheduler.js';
import { compileRequest, redirectLimit, type RedirectsOption } from './compiled-request.js';
import { RunState } from './run-state.js';
import type { SchedulerContext } from './scheduler-context.js';
import type { SegmentProgress, SegmentRunInput, SegmentRunOutput, StopMode } from './segment-io.js';
import { PauseWatch } from './thread-pauses.js';
import { SetupPool, type IterationPlan } from './vu-iteration.js';

/**
 * Runs one execution segment of one scenario in the current thread: an optional warm-up (a run of its own, samples
 * discarded), then the measured run, each with a fresh RunState; the executor plan drives the arrival-rate or the
 * closed-model scheduler; one keep-alive connection per VU.
 */
export class SegmentRunner {
  private readonly plan: ExecutorPlan;
  private readonly striping: SegmentStriping;
  private readonly iterationPlan: IterationPlan;
  private readonly client: HttpClient;
  private readonly basePath: string;
  private readonly progressCounter = new ProgressCounter();
  private readonly measuredStore: MetricStore;
  /** The run in progress (warm-up or measured). */
  private current: RunState | null = null;
  private stopMode: StopMode | null = null;

  constructor(private readonly input: SegmentRunInput) {
    const keyPath = `load.scenarios.${input.scenarioName}`;
    const sc = input.scenario as SegmentRunInput['scenario'] & RedirectsOption;
    this.plan = planExecutor(sc, keyPath, input.seed);
    this.striping = new SegmentStriping(input.segment);
    this.measuredStore = new MetricStore(input.keepSamples);
    for (const ref of input.submetrics) this.measuredStore.addSubmetric(ref);
    const scenarioTags = sc.tags ?? {};
    const redirects = redirectLimit(sc.redirects, `${keyPath}.redirects`);
    const requests = sc.requests.map((r, i) =>
      compileRequest({ ...r, tags: { ...scenarioTags, ...r.tags } }, `${keyPath}.requests[${i}]`, redirects),
    );
    this.iterationPlan = {
      requests,
      setup: (sc.setup ?? []).map((r, i) => compileRequest(r, `${keyPath}.setup[${i}]`, redirects)),
      totalWeight: requests.reduce((s, r) => s + r.weight, 0),
      sequence: sc.flow === 'sequence',
      dataRows: input.dataRows,
      seed: input.seed,
      scenarioTags: { scenario: input.scenarioName },
    };
    const base = new URL(input.baseUrl);
    this.client = new HttpClient(base.origin, input.timeoutMs ?? 60_000);
    this.basePath = base.pathname.replace(/\/$/, '');
  }

  /** `graceful`: no new iterations, in-flight ones finish within gracefulStop; `interrupt`: cut them now. */
  stop(mode: StopMode = 'graceful'): void {
    if (this.stopMode !== 'interrupt') this.stopMode = mode;
    if (this.current) this.applyStop(this.current);
  }

  private applyStop(state: RunState): void {
    if (!this.stopMode) return;
    state.partial = true;
    state.stop.abort();
    if (this.stopMode === 'interrupt') void this.interrupt(state);
  }

  private async interrupt(state: RunState): Promise<void> {
    state.interrupt.abort();
    await this.client.abortAll().catch(() => undefined);
  }

  progress(): SegmentProgress {
    const t = this.measuredStore.trend('http_req_duration')!;
    return { ...this.progressCounter.counts(), p99Ms: t.count ? t.percentile(99) : null };
  }

  /** Snapshot of the metrics so far (for abortOnFail evaluation while running). */
  snapshot(): MetricStoreSnapshot {
    return this.measuredStore.snapshot();
  }

  private context(state: RunState, setups: SetupPool): SchedulerContext {
    return {
      env: { state, client: this.client, basePath: this.basePath, scenarioName: this.input.scenarioName },
      plan: this.iterationPlan,
      striping: this.striping,
      setups,
    };
  }

  private async execute(
    state: RunState,
    plan: ExecutorPlan,
    setups = new SetupPool(this.iterationPlan),
  ): Promise<void> {
    this.current = state;
    this.applyStop(state);
    const ctx = this.context(state, setups);
    const interruptNow = () => this.interrupt(state);
    if (plan.kind === 'arrival') await runArrival(ctx, plan, interruptNow);
    else await runClosed(ctx, plan, interruptNow);
  }

  /** Runs the load for `ms` at the scenario's average rate (or initial VUs) on a store that is thrown away. */
  private async warmUp(ms: number, setups: SetupPool): Promise<void> {
    // Samples go through the same kinds of sinks as in the measured run, all thrown away: the JIT then has the measured
    // run's sample path compiled when its clock starts, instead of the first tens of ms running it cold (late sends).
    const store = new MetricStore(this.input.keepSamples);
    for (const ref of this.input.submetrics) store.addSubmetric(ref);
    const state = new RunState(
      store,
      new SampleFanout([store, new EndpointTrends(this.input.keepSamples), new ProgressCounter()]),
    );
    if (this.plan.kind === 'arrival') {
      const rate = (this.plan.expectedIterations / this.plan.durationMs) * 1000;
      if (!(rate > 0)) return;
      const sc = this.input.scenario;
      // a constant rate is warmed up with the scenario's own rate and time unit: the same numbers (small integers, not
      // a computed double) give the plan the same hidden classes the optimised dispatch loop will meet when measuring
      const warm = planExecutor(
        sc.executor === 'constant-arrival-rate'
          ? { ...sc, duration: `${ms}ms`, gracefulStop: '60s' }
          : {
              ...sc,
              executor: 'constant-arrival-rate',
              rate,
              timeUnit: '1s',
              duration: `${ms}ms`,
              gracefulStop: '60s',
              stages: undefined,
            },
        'warmup',
        this.input.seed,
      );
      await this.execute(state, warm, setups);
    } else {
      const vus = Math.max(1, this.plan.activeVUs(0));
      await this.execute(
        state,
        {
          kind: 'vus',
          executor: 'constant-vus',
          durationMs: ms,
          gracefulStopMs: 60_000,
          maxVUs: vus,
          activeVUs: () => vus,
        },
        setups,
      );
    }
  }

  async run(): Promise<SegmentRunOutput> {
    const sc = this.input.scenario;
    const warmupMs = sc.warmup ? parseDuration(sc.warmup, `load.scenarios.${this.input.scenarioName}.warmup`) : 0;
    if (warmupMs > 0) {
      // Two warm-up runs: the end of a run (schedule over, drain) takes paths that deoptimise the dispatch loop the
      // first time through; the second run re-optimises it with them, so the measured clock starts on optimised code
      // (open model at 46.5k req/s: ~4,000 late sends in the measured run's first 150 ms after one warm-up run, ~150
      // after two). The runs share their sign-ins.
      const setups = new SetupPool(this.iterationPlan);
      const half = Math.max(1, Math.round(warmupMs / 2));
      await this.warmUp(half, setups);
      await this.warmUp(half, setups);
    }
    const ndjson = this.input.ndjsonFile
      ? new NdjsonWriter(this.input.ndjsonFile, this.input.thresholdsByMetric)
      : null;
    const endpoints = new EndpointTrends(this.input.keepSamples);
    const sinks = new SampleFanout([this.measuredStore, endpoints, ndjson, this.progressCounter]);
    const state = new RunState(this.measuredStore, sinks);
    const bytesBefore = this.client.bytes();
    const elu0 = performance.eventLoopUtilization();
    const pauses = new PauseWatch();
    const startedAtEpochMs = Date.now();
    state.origin = performance.now();
    let durationMs: number;
    try {
      await this.execute(state, this.plan);
    } finally {
      durationMs = performance.now() - state.origin;
      state.interrupt.abort();
      await this.client.close().catch(() => undefined);
    }
    const bytes = this.client.bytes();
    const end = performance.now();
    const scenarioTags = this.iterationPlan.scenarioTags;
    const sent = bytes.sent - bytesBefore.sent;
    const received = bytes.received - bytesBefore.received;
    if (sent) state.sink.sample('data_sent', sent, scenarioTags, end);
    if (received) state.sink.sample('data_received', received, scenarioTags, end);
    state.sink.sample('vus_max', state.vusAllocated, scenarioTags, end);
    ndjson?.close();
    const elu = performance.eventLoopUtilization(elu0);
    const paused = pauses.stop();
    const lag = state.store.trend('generator_send_lag')!;
    return {
      snapshot: state.store.snapshot(),
      endpoints: endpoints.snapshot(),
      startedAtEpochMs,
      durationMs,
      partial: state.partial,
      scheduledIterations: state.scheduled,
      lastDispatchMs: state.lastDispatchMs,
      startedIterations: state.started,
      droppedIterations: state.dropped,
      responses: state.responses,
      networkErrors: state.networkErrors,
      templateErrors: state.templateErrors,
      eventLoopUtilization: elu.utilization,
      ...paused,
      maxSendLagMs: state.maxLagMs,
      sendLagP99Ms: lag.count ? lag.percentile(99) : null,
      vusAllocated: state.vusAllocated,
    };
  }
}
