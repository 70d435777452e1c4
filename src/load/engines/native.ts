import { createReadStream, createWriteStream, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ScenarioConfig } from '../../config/types.js';
import { InputError, TargetUnreachableError } from '../../core/errors.js';
import type { LoadSection, ScenarioSummary } from '../../core/result-load.js';
import type { DataRow } from '../data-feeder.js';
import type { LoadEngine } from '../engine.js';
import { EndpointTrends } from '../endpoint-trends.js';
import { equalSegments, FULL_SEGMENT, type ExecutionSegment } from '../execution-segment.js';
import { planExecutor } from '../executor-plan.js';
import { saturationReasons } from '../generator-saturation.js';
import { seedOfName } from '../../core/seeded-random.js';
import { MetricStore, type MetricStoreSnapshot } from '../metric-store.js';
import type { SegmentProgress, SegmentRunInput, SegmentRunOutput, StopMode } from '../native/segment-io.js';
import { SegmentRunner } from '../native/segment-runner.js';
import type { ParentMessage, WorkerMessage } from '../native/segment-worker.js';
import { LoadThreadPriority } from '../native/thread-priority.js';
import { INVALID_REQUEST } from '../http1/request-head.js';
import { ProgressLine } from '../progress-line.js';
import type { LoadRunOptions, PreparedScenario } from '../scenario-model.js';
import { percentileCurve, toHandleSummaryData } from '../scenario-summary.js';
import { evaluateThresholds } from '../threshold-evaluator.js';
import type { ParsedThreshold } from '../threshold-expression.js';

export interface NativeScenarioRun {
  name: string;
  scenario: ScenarioConfig;
  baseUrl: string;
  thresholds: ParsedThreshold[];
  dataRows?: DataRow[];
  keepSamples: boolean;
  outDir: string;
  /** 0 = run in this thread; N ≥ 1 = N worker threads, one execution segment each. */
  workers: number;
  seed: number;
  signal?: AbortSignal;
  onProgress?: (p: SegmentProgress, elapsedMs: number) => void;
}

export interface NativeScenarioResult {
  summary: ScenarioSummary;
  outputs: SegmentRunOutput[];
}

/** The compiled worker entry; under a TypeScript runner (vitest) the build in dist/ is used. */
function workerUrl(): URL {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.js')) return new URL('../native/segment-worker.js', import.meta.url);
  const root = path.resolve(path.dirname(here), '..', '..', '..');
  const built = path.join(root, 'dist', 'src', 'load', 'native', 'segment-worker.js');
  if (!existsSync(built)) throw new Error(`worker threads need the compiled ${built}: run npm run build`);
  return new URL(`file://${built}`);
}

interface SegmentHandle {
  done: Promise<SegmentRunOutput>;
  stop(mode: StopMode): void;
  snapshot(): Promise<MetricStoreSnapshot>;
  progress(): SegmentProgress | null;
}

function runInline(input: SegmentRunInput): SegmentHandle {
  const runner = new SegmentRunner(input);
  return {
    done: runner.run(),
    stop: (mode) => runner.stop(mode),
    snapshot: () => Promise.resolve(runner.snapshot()),
    progress: () => runner.progress(),
  };
}

function runInWorker(input: SegmentRunInput, priority: LoadThreadPriority): SegmentHandle {
  const worker = new Worker(workerUrl(), { workerData: input });
  let reported = false;
  const report = (tid: number | null) => {
    if (!reported) priority.add(tid);
    reported = true;
  };
  let last: SegmentProgress | null = null;
  const waiting: Array<(s: MetricStoreSnapshot) => void> = [];
  const done = new Promise<SegmentRunOutput>((resolve, reject) => {
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'thread') report(m.tid);
      else if (m.type === 'progress') last = m.progress;
      else if (m.type === 'snapshot') waiting.shift()?.(m.snapshot);
      else if (m.type === 'done') resolve(m.output);
      else if (m.type === 'error') reject(new Error(`load worker failed: ${m.message}`));
    });
    worker.on('error', (e) => {
      report(null);
      reject(e);
    });
    worker.on('exit', (code) => {
      report(null);
      reject(new Error(`load worker exited with code ${code} before finishing`));
    });
  });
  const post = (m: ParentMessage) => worker.postMessage(m);
  return {
    done: done.finally(() => void worker.terminate()),
    stop: (mode) => post({ type: 'stop', mode }),
    snapshot: () =>
      new Promise((resolve) => {
        waiting.push(resolve);
        post({ type: 'snapshot' });
      }),
    progress: () => last,
  };
}

export function defaultWorkerCount(): number {
  return availableParallelism();
}

async function concatenate(parts: string[], target: string): Promise<void> {
  const out = createWriteStream(target);
  for (const p of parts) {
    await new Promise<void>((resolve, reject) => {
      const r = createReadStream(p);
      r.on('error', reject);
      r.on('end', resolve);
      r.pipe(out, { end: false });
    });
    rmSync(p);
  }
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
}

/** Runs one scenario on the native engine: its execution segments side by side, merged exactly afterwards. */
export async function runNativeScenario(run: NativeScenarioRun): Promise<NativeScenarioResult> {
  const plan = planExecutor(run.scenario, `load.scenarios.${run.name}`, run.seed);
  // every segment needs at least one VU
  const segmentsWanted = Math.max(1, Math.min(run.workers || 1, plan.maxVUs));
  const segments: ExecutionSegment[] = segmentsWanted === 1 ? [FULL_SEGMENT] : equalSegments(segmentsWanted);
  const thresholdsByMetric: Record<string, string[]> = {};
  for (const t of run.thresholds) (thresholdsByMetric[t.metric.text] ??= []).push(t.expression.text);
  const ndjsonParts = segments.map((_, i) => path.join(run.outDir, `${run.name}.segment-${i}.ndjson`));
  const startedAt = new Date();
  const priority = new LoadThreadPriority(run.workers === 0 ? 0 : segments.length);
  const handles = segments.map((segment, i) => {
    const input: SegmentRunInput = {
      scenarioName: run.name,
      scenario: run.scenario,
      baseUrl: run.baseUrl,
      segment,
      keepSamples: run.keepSamples,
      submetrics: run.thresholds.map((t) => t.metric),
      dataRows: run.dataRows,
      ndjsonFile: run.keepSamples ? ndjsonParts[i] : undefined,
      thresholdsByMetric,
      seed: run.seed,
    };
    return run.workers === 0 ? runInline(input) : runInWorker(input, priority);
  });

  let aborted = false;
  const stopAll = (mode: StopMode) => {
    aborted = true;
    for (const h of handles) h.stop(mode);
  };
  // Ctrl-C stops at once: in-flight requests are cut and counted as failed, the partial summary is returned
  const onAbort = () => stopAll('interrupt');
  run.signal?.addEventListener('abort', onAbort, { once: true });
  if (run.signal?.aborted) stopAll('interrupt');

  const t0 = performance.now();
  const abortable = run.thresholds.filter((t) => t.abortOnFail);
  const timer = setInterval(() => {
    if (run.onProgress) {
      const ps = handles.map((h) => h.progress()).filter((p): p is SegmentProgress => p !== null);
      if (ps.length) {
        run.onProgress(
          {
            requests: ps.reduce((s, p) => s + p.requests, 0),
            failures: ps.reduce((s, p) => s + p.failures, 0),
            iterations: ps.reduce((s, p) => s + p.iterations, 0),
            dropped: ps.reduce((s, p) => s + p.dropped, 0),
            // the largest segment p99 (segments see the same traffic mix); the final figure is merged exactly
            p99Ms: ps.reduce<number | null>((m, p) => (p.p99Ms === null ? m : Math.max(m ?? 0, p.p99Ms)), null),
          },
          performance.now() - t0,
        );
      }
    }
    if (abortable.length && !aborted) void checkAbort();
  }, 1000);
  timer.unref();

  let checking = false;
  async function checkAbort(): Promise<void> {
    if (checking) return;
    checking = true;
    try {
      const elapsed = performance.now() - t0;
      const due = abortable.filter((t) => elapsed >= t.delayAbortEvalMs);
      if (!due.length) return;
      const store = new MetricStore(false);
      for (const t of run.thresholds) store.addSubmetric(t.metric);
      for (const snap of await Promise.all(handles.map((h) => h.snapshot()))) store.merge(snap);
      if (evaluateThresholds(due, store, elapsed).some((o) => !o.ok)) stopAll('graceful');
    } finally {
      checking = false;
    }
  }

  let outputs: SegmentRunOutput[];
  try {
    outputs = await Promise.all(handles.map((h) => h.done));
  } finally {
    clearInterval(timer);
    run.signal?.removeEventListener('abort', onAbort);
    priority.restore();
  }

  const store = new MetricStore(run.keepSamples);
  for (const t of run.thresholds) store.addSubmetric(t.metric);
  for (const o of outputs) store.merge(o.snapshot);
  const endpoints = new EndpointTrends(run.keepSamples);
  for (const o of outputs) endpoints.merge(o.endpoints);
  const endpointTrends = endpoints.trends();
  const durationMs = Math.max(...outputs.map((o) => o.durationMs));
  const artifacts: Record<string, string> = {};
  if (run.keepSamples) {
    const file = `${run.name}.ndjson`;
    await concatenate(ndjsonParts, path.join(run.outDir, file));
    artifacts.ndjson = file;
  }
  const reasons = saturationReasons(plan, outputs);
  const notes: string[] = [];
  const netErrors: Record<string, number> = {};
  for (const o of outputs) for (const [k, v] of Object.entries(o.networkErrors)) netErrors[k] = (netErrors[k] ?? 0) + v;
  if (Object.keys(netErrors).length)
    notes.push(
      `requests without a complete response: ${Object.entries(netErrors)
        .map(([k, v]) => `${k} ×${v}`)
        .join(', ')}`,
    );
  const tmplErrors: Record<string, number> = {};
  for (const o of outputs)
    for (const [k, v] of Object.entries(o.templateErrors)) tmplErrors[k] = (tmplErrors[k] ?? 0) + v;
  if (Object.keys(tmplErrors).length)
    notes.push(
      `requests not sent, template value missing: ${Object.entries(tmplErrors)
        .map(([k, v]) => `\${${k}} ×${v}`)
        .join(', ')}`,
    );
  const setupFailed = store.sink('setup_req_failed');
  if (setupFailed && 'passes' in setupFailed && setupFailed.passes > 0)
    notes.push(`${setupFailed.passes} of ${setupFailed.total} setup requests failed`);

  const summary: ScenarioSummary = {
    name: run.name,
    executor: run.scenario.executor,
    engine: 'native',
    startedAt: startedAt.toISOString(),
    durationMs,
    partial: aborted || outputs.some((o) => o.partial),
    generatorSaturated: reasons.length > 0,
    saturationReasons: reasons,
    latencyResolutionMs: 0.001,
    percentileMethod: run.keepSamples ? 'exact-r7' : 'hdr',
    sampleCount: store.sampleCount('http_req_duration'),
    metrics: store.summarise(durationMs),
    thresholds: evaluateThresholds(run.thresholds, store, durationMs),
    percentileCurve: percentileCurve(store),
    ...(endpointTrends.length ? { endpoints: endpointTrends } : {}),
    ...(Object.keys(artifacts).length ? { artifacts } : {}),
    segments: segments.length,
    ...(notes.length ? { notes } : {}),
  };
  return { summary, outputs };
}

/** Runs prepared scenarios one after another on the native engine. */
async function runScenarios(opts: LoadRunOptions, prepared: PreparedScenario[]): Promise<LoadSection> {
  mkdirSync(opts.outDir, { recursive: true });
  const scenarios: ScenarioSummary[] = [];
  for (const p of prepared) {
    if (opts.signal?.aborted) break;
    const line = opts.progress && process.stderr.isTTY ? new ProgressLine(p.name, process.stderr) : null;
    let result;
    try {
      result = await runNativeScenario({
        name: p.name,
        scenario: p.scenario,
        baseUrl: opts.baseUrl,
        thresholds: p.thresholds,
        dataRows: p.dataRows,
        keepSamples: opts.keepSamples ?? false,
        outDir: opts.outDir,
        workers: opts.workers ?? defaultWorkerCount(),
        seed: seedOfName(p.name),
        signal: opts.signal,
        onProgress: line ? (pr, ms) => line.update(pr, ms) : undefined,
      });
    } finally {
      line?.done();
    }
    const responses = result.outputs.reduce((s, o) => s + o.responses, 0);
    const codes = [...new Set(result.outputs.flatMap((o) => Object.keys(o.networkErrors)))];
    // Requests were sent and not one got a status line: the target is not serving (refused, hanging, silent).
    // Interrupted by Ctrl-C, the partial result is kept instead.
    if (responses === 0 && codes.length > 0 && !opts.signal?.aborted) {
      // nothing could be written: the scenario's input (values filled into a path or header), not the target
      if (codes.every((c) => c === INVALID_REQUEST))
        throw new InputError(
          `scenario ${p.name}: no request could be sent: a path or header value filled in at run time has a space, ` +
            'CR, LF, NUL or a character above U+00FF',
        );
      throw new TargetUnreachableError(
        `target ${opts.baseUrl} answered no request of scenario ${p.name}: ${codes.join(', ')}`,
      );
    }
    const summary = result.summary;
    const file = `${p.name}-summary.json`;
    try {
      writeFileSync(path.join(opts.outDir, file), `${JSON.stringify(toHandleSummaryData(summary), null, 2)}\n`);
      summary.artifacts = { ...summary.artifacts, summary: file };
    } catch (e) {
      // A side file must not lose the measured run: the Result still carries every figure (issue 14 item 9).
      (summary.notes ??= []).push(`${file} not written: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    scenarios.push(summary);
    if (summary.partial && opts.signal?.aborted) break;
  }
  if (opts.signal?.aborted && scenarios.length < prepared.length) {
    for (const s of scenarios) s.partial = true;
  }
  return {
    targetUrl: opts.baseUrl,
    scenarios,
    ...(opts.allowDroppedIterations ? { allowDroppedIterations: true } : {}),
  };
}

export const nativeEngine: LoadEngine = { name: 'native', run: runScenarios };
