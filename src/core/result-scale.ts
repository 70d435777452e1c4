/** Scaling sweep and Universal Scalability Law fit carried in the Result. Owned by src/load (scaling). */
import * as z from 'zod';
import { IntervalSchema, NonNegativeSchema } from './result-common.js';

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
