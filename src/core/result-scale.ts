/** Scaling sweep and Universal Scalability Law fit carried in the Result. Owned by src/load (scaling). */
import * as z from 'zod';
import { CapacityStepSchema } from './result-capacity.js';
import { IntervalSchema, NonNegativeSchema } from './result-common.js';

export const ScaleMeasureSchema = z
  .enum(['closed-max', 'capacity'])
  .describe(
    "How X(N) was measured: 'closed-max', the closed-model maximum (fixed connections, as fast as answered); " +
      "'capacity', the highest open-model arrival rate meeting the SLO (a capacity search per step).",
  );
export type ScaleMeasure = z.infer<typeof ScaleMeasureSchema>;

/** A step measured by a capacity search: its SLO, the rates tried, and whether X(N) is only a lower bound. */
export const StepCapacitySchema = z.strictObject({
  slo: z.strictObject({ p99Ms: z.number().positive(), maxErrorRate: z.number().min(0).max(1) }),
  steps: z.array(CapacityStepSchema).describe('Every rate tried at this N, in the order tried.'),
  knee: z
    .strictObject({ low: z.number(), high: z.number() })
    .nullable()
    .describe('The SLO held at `low` and broke at `high`; null when no rate broke it.'),
  lowerBound: z
    .boolean()
    .describe('The SLO still held at the highest rate tried (time budget, rate ceiling or generator): X(N) ≥ this.'),
  stoppedEarly: z.string().optional(),
  trialSec: z.number().positive(),
  budgetSec: z.number().positive().describe("Wall-time budget of this step's search."),
  elapsedSec: z.number().min(0),
});
export type StepCapacity = z.infer<typeof StepCapacitySchema>;

/** One line on a capacity-measured step: SLO, every rate tried (✓ held, ✗ broke, ? not judged), result, budget. */
export function stepCapacityText(n: number, x: number, c: StepCapacity): string {
  const tried = c.steps.map((st) => `${st.rate}${st.unknown ? '?' : st.ok ? '✓' : '✗'}`).join(' ');
  const result = c.knee
    ? `knee ${c.knee.low}–${c.knee.high} req/s`
    : c.lowerBound
      ? `≥ ${x} req/s (lower bound: ${c.stoppedEarly ?? 'the SLO held at every rate tried'})`
      : (c.stoppedEarly ?? 'no sustainable rate');
  return (
    `N=${n}: SLO p99 < ${c.slo.p99Ms} ms, errors < ${(c.slo.maxErrorRate * 100).toFixed(2)}%; tried ${tried}; ` +
    `${result}; ${Math.round(c.elapsedSec)} s of a ${c.budgetSec} s budget`
  );
}

export const ScalePointSchema = z
  .strictObject({
    n: z.number().positive().describe('Workers (platform) or concurrency (foreign target).'),
    throughput: NonNegativeSchema.describe('Median throughput over repeats, req/s.'),
    runs: z.array(NonNegativeSchema).describe("Each repeat's throughput, req/s."),
    latencyP99Ms: z.number().nullable(),
    efficiency: z.number().nullable().describe('E(N) = X(N) / (N * X(1)).'),
    errors: NonNegativeSchema,
    beyondCores: z
      .boolean()
      .describe('N exceeds the cores available to the system under test: efficiency not meaningful.'),
    foreignCpu: z
      .number()
      .nullable()
      .describe(
        'CPU share used by processes outside the run during this step (0..1 of the machine); flagged when high.',
      ),
    flags: z.array(z.string()),
    quotaThrottled: z
      .strictObject({ units: z.number().min(0).max(1).nullable(), shared: z.number().min(0).max(1).nullable() })
      .optional()
      .describe(
        'Scale model: share of CPU periods in which the units (workers) / the shared part used their whole budget.',
      ),
    measure: ScaleMeasureSchema.optional(),
    measuredSec: z
      .array(NonNegativeSchema)
      .optional()
      .describe('Wall seconds of each measured run (closed-max repeats, or capacity trials), warm-ups excluded.'),
    capacity: StepCapacitySchema.optional().describe("measure 'capacity': the search that gave X(N)."),
  })
  .meta({ id: 'scalePoint' });
export type ScalePoint = z.infer<typeof ScalePointSchema>;

export const UslFitSchema = z
  .strictObject({
    sigma: z.number(),
    kappa: z.number(),
    lambda: z.number(),
    r2: z.number(),
    nMax: z.number().nullable().describe('sqrt((1 - sigma) / kappa); null when kappa = 0 (no peak).'),
    xMax: z.number().nullable(),
    sigmaInterval: IntervalSchema.optional(),
    kappaInterval: IntervalSchema.optional(),
    standardErrors: z
      .strictObject({ sigma: z.number(), kappa: z.number(), lambda: z.number() })
      .optional()
      .describe("Asymptotic standard errors √diag(s²(JᵀJ)⁻¹), as R's nls and the R usl package report them."),
    bootstrap: z
      .strictObject({
        resamples: z.int().min(0),
        seed: z.number(),
        level: z.number(),
        method: z.literal('residual'),
      })
      .optional()
      .describe('How the σ/κ intervals were obtained (seeded, so repeatable).'),
    xCeiling: z
      .number()
      .optional()
      .describe("λ/σ: the throughput X(N) approaches when κ = 0 (no peak), Amdahl's ceiling."),
    predictions: z.array(z.strictObject({ n: z.number(), throughput: z.number(), efficiency: z.number() })),
  })
  .meta({ id: 'uslFit' });
export type UslFit = z.infer<typeof UslFitSchema>;

export const ScaleSectionSchema = z
  .strictObject({
    mode: z.enum(['workers', 'concurrency', 'command', 'points']),
    engine: z.string(),
    cores: z.int().min(0),
    sutCores: z
      .int()
      .min(0)
      .optional()
      .describe('Cores the system under test may use (fewer than `cores` when the load generator is pinned apart).'),
    targetN: z.number(),
    measure: ScaleMeasureSchema.optional(),
    overrides: z
      .array(z.string())
      .optional()
      .describe('Command-line overrides (--duration, --vus, ...) applied to the sweep, and those that did not apply.'),
    points: z.array(ScalePointSchema),
    fit: UslFitSchema.nullable(),
    fitNote: z.string().optional().describe('Why there is no fit, or caveats of the fit.'),
    notes: z.array(z.string()),
    partial: z
      .boolean()
      .optional()
      .describe('The sweep stopped early (interrupted or a step failed); points cover the completed steps.'),
    foreignCpuBound: z
      .number()
      .min(0)
      .max(1)
      .optional()
      .describe(
        "Share of the machine's CPU used by other processes above which a step is flagged `foreign-cpu` (0..1).",
      ),
    failedStep: z
      .strictObject({ n: z.number(), reason: z.string() })
      .optional()
      .describe('The step at which the sweep stopped because too many requests failed; later steps were not run.'),
    cpuQuota: z
      .strictObject({
        mechanism: z.enum(['cgroup-v1', 'cgroup-v2']),
        unitCpus: z.number().positive().describe('CPU budget of each scaled unit (a worker), in cores.'),
        sharedCpus: z.number().positive().describe('CPU budget of the shared part (the database primary), in cores.'),
        periodUs: z.int().positive(),
      })
      .optional()
      .describe('The scale model: each unit and the shared part ran in its own CPU-quota control group.'),
  })
  .meta({ id: 'scaleSection' });
export type ScaleSection = z.infer<typeof ScaleSectionSchema>;
