/**
 * The Result of one run, defined once as zod schemas: the TypeScript types are inferred from them and
 * schema/result.schema.json is generated from them (`npm run schema`).
 */
import * as z from 'zod';
import { TargetSchema } from './target.js';
import { CountSchema, NonNegativeSchema, PositionSchema, SeveritySchema, TimestampSchema } from './result-common.js';
import { StaticSectionSchema } from './result-static.js';
import { LoadSectionSchema } from './result-load.js';
import { ScaleSectionSchema } from './result-scale.js';
import { CapacitySectionSchema } from './result-capacity.js';

export type { StaticSection } from './result-static.js';
export type { LoadSection } from './result-load.js';
export type { ScaleSection } from './result-scale.js';
export type { CapacitySection } from './result-capacity.js';

/** Bumped on any incompatible change of the Result shape; schema/result.schema.json describes this version. */
export const RESULT_SCHEMA_VERSION = '1.0' as const;

export const VerdictSchema = z.enum(['pass', 'fail', 'inconclusive', 'error', 'skipped']).meta({ id: 'verdict' });
export type Verdict = z.infer<typeof VerdictSchema>;
export const OverallVerdictSchema = z.enum(['pass', 'fail', 'inconclusive', 'error']);
export type OverallVerdict = z.infer<typeof OverallVerdictSchema>;
export const FitnessKindSchema = z.enum(['static', 'load', 'scale', 'capacity', 'custom']);
export type FitnessKind = z.infer<typeof FitnessKindSchema>;
export { SeveritySchema };
export type Severity = z.infer<typeof SeveritySchema>;

/** A measured value: a number, a boolean, or null when nothing was measured. */
export const FitnessValueSchema = z.union([z.number(), z.boolean(), z.null()]).meta({ id: 'fitnessValue' });

/** One piece of evidence behind a value: a violating import, a sample summary, a location. */
export const EvidenceSchema = z
  .strictObject({
    message: z.string(),
    file: z.string().optional(),
    line: PositionSchema.optional(),
    column: PositionSchema.optional(),
    fingerprint: z.string().optional().describe('Stable identity, insensitive to line shifts; baselines match on it.'),
    data: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('Structured details (e.g. { from, to, kind, fromService, toService }). Plain JSON only.'),
    baselined: z.boolean().optional().describe('Accepted by the baseline file: does not fail the gate.'),
  })
  .meta({ id: 'evidence' });
export type Evidence = z.infer<typeof EvidenceSchema>;

/** The judged outcome of one fitness function. */
export const FitnessOutcomeSchema = z
  .strictObject({
    id: z.string().min(1).describe("Key of the function in the config's `fitness` object, e.g. `serviceAutonomy`."),
    kind: FitnessKindSchema,
    metric: z.string(),
    description: z.string().optional(),
    unit: z.string(),
    target: TargetSchema,
    value: FitnessValueSchema.describe(
      'Measured value; null when the function errored or was inconclusive before producing one.',
    ),
    baseline: FitnessValueSchema.describe(
      'The `current` the config declares (last known value), shown as the baseline.',
    ),
    verdict: VerdictSchema,
    reason: z
      .string()
      .optional()
      .describe('Why the verdict is inconclusive / error / skipped, or a short explanation of a fail.'),
    adr: z.string().optional().describe('Architecture decision record the function guards, e.g. `ADR-001`.'),
    severity: SeveritySchema,
    evidence: z.array(EvidenceSchema),
    evidenceTotal: CountSchema.describe('Evidence items before truncation (evidence is capped for report size).'),
    durationMs: NonNegativeSchema,
  })
  .meta({ id: 'fitnessOutcome' });
export type FitnessOutcome = z.infer<typeof FitnessOutcomeSchema>;

export const LocationSchema = z
  .strictObject({ file: z.string(), line: PositionSchema.optional(), column: PositionSchema.optional() })
  .meta({ id: 'location' });

/** A violation in the review's form ("violations found"), grouped by severity in reports. */
export const FindingSchema = z
  .strictObject({
    rule: z
      .string()
      .describe(
        'Detector or rule that produced it, e.g. `cross-service-import`, `shared-table`, `cycle`, ' +
          '`no-circuit-breaker`.',
      ),
    severity: SeveritySchema,
    title: z.string(),
    message: z.string(),
    service: z.string().optional(),
    locations: z.array(LocationSchema),
    fingerprint: z.string(),
    baselined: z
      .boolean()
      .optional()
      .describe('True when the finding is accepted by the baseline file (then it does not fail the gate).'),
  })
  .meta({ id: 'finding' });
export type Finding = z.infer<typeof FindingSchema>;

export const RunEnvironmentSchema = z.strictObject({
  node: z.string(),
  os: z.string(),
  arch: z.string(),
  cpus: z.int().min(0),
  cpuModel: z.string(),
  ci: z.boolean(),
});
export type RunEnvironment = z.infer<typeof RunEnvironmentSchema>;

export const FunctionComparisonSchema = z.strictObject({
  id: z.string(),
  previous: FitnessValueSchema,
  current: FitnessValueSchema,
  delta: z.number().nullable(),
  regressed: z.boolean(),
});
export type FunctionComparison = z.infer<typeof FunctionComparisonSchema>;

/** Comparison of this run with one from history (`--compare last|last-pass`). */
export const ComparisonSectionSchema = z
  .strictObject({
    against: z.enum(['last', 'last-pass']),
    previousRunId: z.string(),
    previousStartedAt: TimestampSchema,
    functions: z.array(FunctionComparisonSchema),
  })
  .meta({ id: 'comparison' });
export type ComparisonSection = z.infer<typeof ComparisonSectionSchema>;

export const BaselineSummarySchema = z
  .strictObject({
    file: z.string(),
    accepted: CountSchema.describe('Findings the baseline accepts.'),
    new: CountSchema.describe('Findings not in the baseline: these fail the gate.'),
    stale: z
      .array(FindingSchema)
      .describe('Baseline entries whose violation is gone (shrink the file with --update-baseline).'),
    removed: CountSchema.optional().describe('Entries removed by --update-baseline in this run.'),
  })
  .meta({ id: 'baselineSummary' });
export type BaselineSummary = z.infer<typeof BaselineSummarySchema>;

/** A point of one function's history, for trend plots. */
export const TrendPointSchema = z
  .strictObject({ runId: z.string(), startedAt: TimestampSchema, value: FitnessValueSchema, verdict: VerdictSchema })
  .meta({ id: 'trendPoint' });
export type TrendPoint = z.infer<typeof TrendPointSchema>;

export const ResultSchema = z
  .strictObject({
    schemaVersion: z.literal(RESULT_SCHEMA_VERSION).describe('Bumped on any incompatible change of the Result shape.'),
    tool: z.strictObject({ name: z.literal('pitchey-fit'), version: z.string() }),
    runId: z.string().min(1),
    command: z.string(),
    startedAt: TimestampSchema,
    finishedAt: TimestampSchema,
    durationMs: NonNegativeSchema,
    subject: z.strictObject({ name: z.string(), root: z.string(), configFile: z.string().nullable() }),
    environment: RunEnvironmentSchema,
    verdict: OverallVerdictSchema,
    partial: z
      .boolean()
      .describe('True when the run was interrupted or a collector stopped early; values cover what completed.'),
    summary: z.strictObject({
      total: CountSchema,
      passed: CountSchema,
      failed: CountSchema,
      inconclusive: CountSchema,
      errored: CountSchema,
      skipped: CountSchema,
    }),
    functions: z.array(FitnessOutcomeSchema),
    findings: z.array(FindingSchema),
    static: StaticSectionSchema.optional(),
    load: LoadSectionSchema.optional(),
    scale: ScaleSectionSchema.optional(),
    capacity: CapacitySectionSchema.optional(),
    comparison: ComparisonSectionSchema.optional(),
    baseline: BaselineSummarySchema.optional().describe(
      'The baseline (freeze) file applied to this run, when there is one.',
    ),
    trends: z
      .record(z.string(), z.array(TrendPointSchema))
      .optional()
      .describe('Per function id, earlier values (oldest first) from the history store.'),
    timings: z
      .record(z.string(), NonNegativeSchema)
      .describe("Wall time per phase in ms, e.g. { 'collect.static': 812, judge: 3 }."),
    errors: z
      .array(z.strictObject({ phase: z.string(), message: z.string() }))
      .describe('Non-fatal problems (a collector that failed, a reporter that could not write).'),
  })
  .meta({
    title: 'pitchey-fit Result',
    description:
      "One run of pitchey-fit (check, static, load or scale): every fitness function's value, target, verdict and " +
      'evidence, plus the collected static, load and scale data.',
  });
export type Result = z.infer<typeof ResultSchema>;
