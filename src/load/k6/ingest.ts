import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { ThresholdConfig } from '../../config/types.js';
import { InputError } from '../../core/errors.js';
import type { LoadSection, ScenarioSummary } from '../../core/result-load.js';
import { MetricStore } from '../metric-store.js';
import { percentileCurve } from '../scenario-summary.js';
import { evaluateThresholds, validateThresholds } from '../threshold-evaluator.js';
import { BUILTIN_METRICS } from '../metric-types.js';
import {
  parseThresholdExpression,
  parseThresholds,
  parseMetricReference,
  type ParsedThreshold,
} from '../threshold-expression.js';
import { loadPoints, scanDeclarations, type NdjsonDeclarations, type NdjsonRun } from './ingest-ndjson.js';
import { ingestHandleSummary, ingestSummaryExport, isHandleSummary } from './ingest-summary.js';

export interface IngestOptions {
  /** Thresholds to evaluate on NDJSON points besides those the k6 `Metric` lines declare (e.g. the config's). */
  thresholds?: Record<string, Array<string | ThresholdConfig>>;
  allowDroppedIterations?: boolean;
  /** Reported as the target URL (k6 outputs do not carry a base URL). */
  targetUrl?: string;
  /**
   * NDJSON files are runs one after another, not parallel runners: each becomes its own summary with its own rates.
   * Without it, NDJSON runs that do not overlap in time are refused (merging them would divide by the gap).
   */
  sequentialRuns?: boolean;
}

type Kind = 'ndjson' | 'summary-export' | 'handle-summary';

function readText(file: string): string {
  try {
    const buf = readFileSync(file);
    return file.endsWith('.gz') ? gunzipSync(buf).toString('utf8') : buf.toString('utf8');
  } catch (e) {
    throw new InputError(`${file}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** Which k6 output a file is: NDJSON lines start with {"type":"Metric"|"Point"; summaries are one JSON document. */
async function detect(file: string, text: string): Promise<{ kind: Kind; doc?: Record<string, unknown> }> {
  const first = text.split('\n', 1)[0].trim();
  if (first === '') throw new InputError(`${file}:1: empty file`);
  let firstObj: unknown = undefined;
  try {
    firstObj = JSON.parse(first);
  } catch {
    /* not a one-line JSON: a pretty-printed summary */
  }
  if (
    firstObj &&
    typeof firstObj === 'object' &&
    ((firstObj as { type?: unknown }).type === 'Metric' || (firstObj as { type?: unknown }).type === 'Point')
  ) {
    return { kind: 'ndjson' };
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new InputError(
      `${file}:${await jsonErrorLine(text)}: invalid JSON (truncated or malformed k6 output): ${(e as Error).message.split('\n')[0]}`,
    );
  }
  if (
    !doc ||
    typeof doc !== 'object' ||
    !(doc as { metrics?: unknown }).metrics ||
    typeof (doc as { metrics?: unknown }).metrics !== 'object'
  ) {
    throw new InputError(
      `${file}:1: not a k6 output: expected NDJSON from --out json, a --summary-export file or handleSummary() data`,
    );
  }
  const d = doc as Record<string, unknown>;
  return { kind: isHandleSummary(d) ? 'handle-summary' : 'summary-export', doc: d };
}

/** The same output given twice (under any name) would count its requests twice. */
function refuseDuplicates(texts: Array<{ file: string; text: string }>): void {
  const seen = new Map<string, string>();
  for (const { file, text } of texts) {
    const digest = createHash('sha256').update(text).digest('hex');
    const earlier = seen.get(digest);
    if (earlier !== undefined) {
      throw new InputError(
        earlier === file
          ? `${file} is given twice: each k6 output counts once`
          : `${file} has the same content as ${earlier}: the same k6 output would be counted twice`,
      );
    }
    seen.set(digest, file);
  }
}

/** Line of the first JSON syntax error (V8's messages do not always carry a position; TypeScript's parser does). */
async function jsonErrorLine(text: string): Promise<number> {
  const ts = (await import('typescript')).default;
  const sf = ts.parseJsonText('input.json', text);
  const diag = (sf as unknown as { parseDiagnostics?: Array<{ start?: number }> }).parseDiagnostics?.[0];
  return diag?.start !== undefined ? sf.getLineAndCharacterOfPosition(diag.start).line + 1 : text.split('\n').length;
}

function thresholdsFromDeclarations(decl: Map<string, Set<string>>): ParsedThreshold[] {
  const out: ParsedThreshold[] = [];
  for (const [metric, exprs] of decl) {
    for (const e of exprs)
      out.push({
        metric: parseMetricReference(metric),
        expression: parseThresholdExpression(e),
        abortOnFail: false,
        delayAbortEvalMs: 0,
      });
  }
  return out;
}

/**
 * Merges N runners' NDJSON (`k6 run --out json=…`, e.g. one per k6-operator runner / execution segment) into one
 * summary: raw samples concatenated, so percentiles are exact (R-7) over all runners, and one threshold verdict.
 */
async function ingestNdjson(files: string[], opts: IngestOptions): Promise<ScenarioSummary[]> {
  const decl = await scanDeclarations(files);
  const extra = parseThresholds(opts.thresholds, 'load.thresholds');
  const declared = thresholdsFromDeclarations(decl.thresholds);
  const seen = new Set(declared.map((t) => `${t.metric.text} ${t.expression.text}`));
  const thresholds = [...declared, ...extra.filter((t) => !seen.has(`${t.metric.text} ${t.expression.text}`))];
  validateThresholds(thresholds, (n) => decl.definitions.get(n) ?? BUILTIN_METRICS[n]);
  const runs: Array<{ file: string; run: NdjsonRun }> = [];
  for (const file of files)
    runs.push({
      file,
      run: await loadPoints(
        file,
        decl,
        thresholds.map((t) => t.metric),
      ),
    });
  if (opts.sequentialRuns) {
    return runs.map(({ file, run }) =>
      summariseRuns([{ file, run }], decl, thresholds, 'one run of several run one after another'),
    );
  }
  assertRunsOverlap(runs);
  return [summariseRuns(runs, decl, thresholds, null)];
}

const iso = (ms: number) => (Number.isFinite(ms) ? new Date(ms).toISOString().replace('.000Z', 'Z') : 'no points');

/**
 * Parallel runners of one test run at the same time: there is an instant inside every run. Runs that do not share
 * one are separate tests; merged, their rates would be divided by the time between them.
 */
function assertRunsOverlap(runs: Array<{ file: string; run: NdjsonRun }>): void {
  const timed = runs.filter(({ run }) => Number.isFinite(run.firstMs));
  if (timed.length < 2) return;
  const latestStart = timed.reduce((a, b) => (b.run.firstMs > a.run.firstMs ? b : a));
  const earliestEnd = timed.reduce((a, b) => (b.run.lastMs < a.run.lastMs ? b : a));
  if (latestStart.run.firstMs <= earliestEnd.run.lastMs) return;
  const span = (r: { file: string; run: NdjsonRun }) =>
    `${path.basename(r.file)} (${iso(r.run.firstMs)} – ${iso(r.run.lastMs)})`;
  const gapMin = (latestStart.run.firstMs - earliestEnd.run.lastMs) / 60_000;
  throw new InputError(
    `${span(earliestEnd)} ended ${gapMin >= 1 ? `${gapMin.toFixed(0)} min` : `${(gapMin * 60).toFixed(1)} s`} before ` +
      `${span(latestStart)} began: NDJSON files merge as parallel runners of one test, and these did not run at the ` +
      'same time; pass --sequential-runs to report each run with its own rates',
  );
}

function summariseRuns(
  runs: Array<{ file: string; run: NdjsonRun }>,
  decl: NdjsonDeclarations,
  thresholds: ParsedThreshold[],
  note: string | null,
): ScenarioSummary {
  const files = runs.map((r) => r.file);
  const merged = new MetricStore(true, {});
  for (const def of decl.definitions.values()) merged.define(def);
  let first = Infinity;
  let last = -Infinity;
  const scenarios = new Set<string>();
  for (const { run } of runs) {
    merged.merge(run.store.snapshot(), { gauges: 'sum' });
    first = Math.min(first, run.firstMs);
    last = Math.max(last, run.lastMs);
    for (const s of run.scenarios) scenarios.add(s);
  }
  for (const t of thresholds) if (merged.has(t.metric.name)) merged.addSubmetric(t.metric);
  const durationMs = Number.isFinite(first) ? Math.max(0, last - first) : 0;
  const base = path.basename(files[0]).replace(/\.(ndjson|json|jsonl)(\.gz)?$/, '');
  const scenarioName = scenarios.size ? [...scenarios].sort().join('+') : base;
  const name = note && scenarios.size ? `${scenarioName} (${base})` : scenarioName;
  return {
    name,
    executor: 'k6',
    engine: 'k6',
    startedAt: Number.isFinite(first) ? new Date(first).toISOString() : '',
    durationMs,
    partial: false,
    generatorSaturated: false,
    saturationReasons: [],
    latencyResolutionMs: 0.001,
    percentileMethod: 'exact-r7',
    sampleCount: merged.sampleCount('http_req_duration'),
    metrics: merged.summarise(durationMs),
    thresholds: evaluateThresholds(thresholds, merged, durationMs),
    percentileCurve: percentileCurve(merged),
    segments: files.length,
    notes: [
      note
        ? `${path.basename(files[0])}: ${note} (--sequential-runs): exact percentiles and rates over this run's own span`
        : `merged ${files.length} k6 NDJSON output${files.length > 1 ? 's' : ''} (${files.map((f) => path.basename(f)).join(', ')}): exact percentiles over all samples; rates over the span of all points`,
      'k6 does not report generator saturation; check dropped_iterations',
    ],
  };
}

/**
 * Reads k6 outputs: NDJSON from `--out json` (N files = N runners, merged exactly into one summary), `--summary-export`
 * files and handleSummary() JSON (one summary each: percentiles of separate runs cannot be merged exactly).
 * Malformed or truncated input → InputError naming file and line.
 */
export async function ingestK6(files: string[], opts: IngestOptions = {}): Promise<LoadSection> {
  if (files.length === 0) throw new InputError('no k6 output files given');
  const texts = files.map((f) => ({ file: f, text: readText(f) }));
  refuseDuplicates(texts);
  const kinds = await Promise.all(texts.map(async ({ file, text }) => ({ file, ...(await detect(file, text)) })));
  const scenarios: ScenarioSummary[] = [];
  const ndjson = kinds.filter((k) => k.kind === 'ndjson').map((k) => k.file);
  if (ndjson.length) scenarios.push(...(await ingestNdjson(ndjson, opts)));
  for (const k of kinds) {
    const name = path.basename(k.file).replace(/\.json(\.gz)?$/, '');
    if (k.kind === 'summary-export') scenarios.push(ingestSummaryExport(name, k.doc!, k.file));
    else if (k.kind === 'handle-summary') scenarios.push(ingestHandleSummary(name, k.doc!, k.file));
  }
  return {
    targetUrl: opts.targetUrl ?? 'k6',
    scenarios,
    ...(opts.allowDroppedIterations ? { allowDroppedIterations: true } : {}),
  };
}
