/** Capacity search in the Result: the highest arrival rate at which the SLO holds. Filled by src/load/capacity. */
import * as z from 'zod';

export const CapacityTrialSchema = z.strictObject({
  p99Ms: z.number().nullable(),
  errorRate: z.number().min(0).max(1).nullable(),
  droppedIterations: z.number().min(0),
  generatorSaturated: z.boolean(),
  /** Requests completed per second over the trial. */
  achievedRate: z.number().min(0),
  /** Wall seconds the trial's measured phase lasted (warm-up excluded). */
  durationSec: z.number().min(0).optional(),
  ok: z.boolean(),
  /** Why the SLO did not hold (empty when ok). */
  violations: z.array(z.string()),
});
export type CapacityTrial = z.infer<typeof CapacityTrialSchema>;

export const CapacityStepSchema = z.strictObject({
  rate: z.number().positive().describe('Offered arrival rate, requests per second (open model).'),
  phase: z.enum(['bracket', 'bisect']),
  trials: z.array(CapacityTrialSchema),
  /** The SLO held in every trial at this rate. */
  ok: z.boolean(),
  /** The generator saturated: this rate could not be judged (neither held nor broken). */
  unknown: z.boolean().optional(),
});
export type CapacityStep = z.infer<typeof CapacityStepSchema>;

export const CapacitySectionSchema = z
  .strictObject({
    engine: z.string(),
    scenario: z.string().describe('Whose requests were offered at each rate.'),
    slo: z.strictObject({ p99Ms: z.number().positive(), maxErrorRate: z.number().min(0).max(1) }),
    steps: z.array(CapacityStepSchema).describe('Every rate tried, in the order tried.'),
    maxSustainableRate: z
      .number()
      .nullable()
      .describe('Highest rate tried at which the SLO held in every trial (req/s); null when none did.'),
    knee: z
      .strictObject({ low: z.number(), high: z.number() })
      .nullable()
      .describe('The SLO holds at `low` and breaks at `high`: the knee lies between.'),
    confidence: z.string().describe('What the figure rests on: repeats per rate and the bracket width.'),
    trialSec: z.number().positive(),
    timeBudgetSec: z.number().positive(),
    elapsedSec: z.number().min(0),
    /** Why the search stopped before the bracket was narrow enough (time budget, rate ceiling, interrupted). */
    stoppedEarly: z.string().optional(),
    traffic: z
      .strictObject({
        requestsPerUserPerSec: z.number().positive(),
        usersPerInstance: z.number().min(0),
        targetUsers: z.number().positive().optional(),
        instancesNeeded: z.number().nullable().optional(),
        note: z.string(),
      })
      .optional()
      .describe('With a traffic model: users one instance serves, and instances for a target user count (USL).'),
    notes: z.array(z.string()),
    overrides: z
      .array(z.string())
      .optional()
      .describe('Command-line overrides (--duration) applied to the trials, and those that did not apply.'),
    partial: z.boolean().optional(),
  })
  .meta({ id: 'capacitySection' });
export type CapacitySection = z.infer<typeof CapacitySectionSchema>;
