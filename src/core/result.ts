import type { Target } from './target.js';
import type { StaticSection } from './result-static.js';
import type { LoadSection } from './result-load.js';
import type { ScaleSection } from './result-scale.js';

export type { StaticSection } from './result-static.js';
export type { LoadSection } from './result-load.js';
export type { ScaleSection } from './result-scale.js';

/** Bumped on any incompatible change of the Result shape; schema/result.schema.json describes this version. */
export const RESULT_SCHEMA_VERSION = '1.0' as const;

export type Verdict = 'pass' | 'fail' | 'inconclusive' | 'error' | 'skipped';
export type OverallVerdict = 'pass' | 'fail' | 'inconclusive' | 'error';
export type FitnessKind = 'static' | 'load' | 'scale' | 'custom';
export type Severity = 'critical' | 'medium' | 'low';

/** One piece of evidence behind a value: a violating import, a sample summary, a location. */
export interface Evidence {
  message: string;
  file?: string;
  line?: number;
  column?: number;
  /** Stable identity, insensitive to line shifts; baselines match on it. */
  fingerprint?: string;
  /** Structured details (e.g. { from, to, kind, fromService, toService }). Plain JSON only. */
  data?: Record<string, unknown>;
  /** Accepted by the baseline file: does not fail the gate. */
  baselined?: boolean;
}

/** The judged outcome of one fitness function. */
export interface FitnessOutcome {
  /** Key of the function in the config's `fitness` object, e.g. `serviceAutonomy`. */
  id: string;
  kind: FitnessKind;
  metric: string;
  description?: string;
  unit: string;
  target: Target;
  /** Measured value; null when the function errored or was inconclusive before producing one. */
  value: number | boolean | null;
  /** The `current` the config declares (last known value), shown as the baseline. */
  baseline: number | boolean | null;
  verdict: Verdict;
  /** Why the verdict is inconclusive / error / skipped, or a short explanation of a fail. */
  reason?: string;
  /** Architecture decision record the function guards, e.g. `ADR-001`. */
  adr?: string;
  severity: Severity;
  evidence: Evidence[];
  /** Evidence items before truncation (evidence is capped for report size). */
  evidenceTotal: number;
  durationMs: number;
}

/** A violation in the review's form ("violations found"), grouped by severity in reports. */
export interface Finding {
  /** Detector or rule that produced it, e.g. `cross-service-import`, `shared-table`, `cycle`, `no-circuit-breaker`. */
  rule: string;
  severity: Severity;
  title: string;
  message: string;
  service?: string;
  locations: Array<{ file: string; line?: number; column?: number }>;
  fingerprint: string;
  /** True when the finding is accepted by the baseline file (then it does not fail the gate). */
  baselined?: boolean;
}

export interface RunEnvironment {
  node: string;
  os: string;
  arch: string;
  cpus: number;
  cpuModel: string;
  ci: boolean;
}

export interface FunctionComparison {
  id: string;
  previous: number | boolean | null;
  current: number | boolean | null;
  delta: number | null;
  regressed: boolean;
}

/** Comparison of this run with one from history (`--compare last|last-pass`). */
export interface ComparisonSection {
  against: 'last' | 'last-pass';
  previousRunId: string;
  previousStartedAt: string;
  functions: FunctionComparison[];
}

export interface BaselineSummary {
  file: string;
  /** Findings the baseline accepts. */
  accepted: number;
  /** Findings not in the baseline: these fail the gate. */
  new: number;
  /** Baseline entries whose violation is gone (shrink the file with --update-baseline). */
  stale: Finding[];
  /** Entries removed by --update-baseline in this run. */
  removed?: number;
}

/** A point of one function's history, for trend plots. */
export interface TrendPoint {
  runId: string;
  startedAt: string;
  value: number | boolean | null;
  verdict: Verdict;
}

export interface Result {
  schemaVersion: typeof RESULT_SCHEMA_VERSION;
  tool: { name: 'pitchey-fit'; version: string };
  runId: string;
  command: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  subject: { name: string; root: string; configFile: string | null };
  environment: RunEnvironment;
  verdict: OverallVerdict;
  /** True when the run was interrupted or a collector stopped early; values cover what completed. */
  partial: boolean;
  summary: { total: number; passed: number; failed: number; inconclusive: number; errored: number; skipped: number };
  functions: FitnessOutcome[];
  findings: Finding[];
  static?: StaticSection;
  load?: LoadSection;
  scale?: ScaleSection;
  comparison?: ComparisonSection;
  /** The baseline (freeze) file applied to this run, when there is one. */
  baseline?: BaselineSummary;
  /** Per function id, earlier values (oldest first) from the history store. */
  trends?: Record<string, TrendPoint[]>;
  /** Wall time per phase in ms, e.g. { 'collect.static': 812, judge: 3 }. */
  timings: Record<string, number>;
  /** Non-fatal problems (a collector that failed, a reporter that could not write). */
  errors: Array<{ phase: string; message: string }>;
}
