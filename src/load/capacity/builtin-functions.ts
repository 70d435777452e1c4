/** The built-in capacity fitness function: the highest arrival rate at which the SLO holds, measured. */
import type { FitnessFunctions, FitnessValue } from '../../core/fitness-function.js';
import type { Evidence } from '../../core/result.js';
import type { CapacitySection } from '../../core/result-capacity.js';

function stepEvidence(c: CapacitySection): Evidence[] {
  return c.steps.map((s) => ({
    message:
      `${s.rate} req/s (${s.phase}): ${s.unknown ? 'not judged' : s.ok ? 'SLO held' : 'SLO broken'}` +
      s.trials
        .map(
          (t) =>
            ` [p99 ${t.p99Ms === null ? '-' : `${Math.round(t.p99Ms * 10) / 10} ms`}, achieved ` +
            `${Math.round(t.achievedRate)} req/s${t.violations.length ? `: ${t.violations.join('; ')}` : ''}]`,
        )
        .join(''),
    data: { rate: s.rate, phase: s.phase, ok: s.ok, trials: s.trials },
  }));
}

export function judgeCapacity(section: CapacitySection | undefined): FitnessValue {
  if (!section) return { value: null, verdict: 'inconclusive', reason: 'no capacity search was run' };
  const evidence: Evidence[] = [
    {
      message: `SLO: p99 < ${section.slo.p99Ms} ms, errors < ${(section.slo.maxErrorRate * 100).toFixed(2)}%, no dropped iterations, generator not saturated`,
    },
    ...stepEvidence(section),
    { message: section.confidence },
    ...(section.traffic ? [{ message: section.traffic.note }] : []),
    ...section.notes.map((message) => ({ message })),
  ];
  const unjudged = section.steps.some((s) => s.unknown);
  if (section.maxSustainableRate === null) {
    const last = section.steps.at(-1);
    const why =
      section.stoppedEarly ??
      (last ? `the SLO broke at every rate tried, down to ${last.rate} req/s` : 'no rate was tried');
    // A search that tried rates and found none sustainable is a measured zero; one that never ran (or could not
    // judge a rate) says nothing.
    if (section.steps.length === 0 || section.partial || unjudged)
      return { value: null, verdict: 'inconclusive', reason: why, evidence };
    return { value: 0, reason: why, evidence };
  }
  if (section.knee === null && section.stoppedEarly && !section.stoppedEarly.includes('ceiling')) {
    // Stopped while the SLO still held (time budget, a saturated generator): the true maximum is at least this.
    return {
      value: section.maxSustainableRate,
      verdict: 'inconclusive',
      valueIsLowerBound: true,
      evidence,
      reason: `${section.stoppedEarly}; the SLO held up to ${section.maxSustainableRate} req/s`,
    };
  }
  if (unjudged) {
    // The knee was bracketed, but a rate inside it could not be judged: the sustainable rate found still holds.
    return {
      value: section.maxSustainableRate,
      verdict: 'inconclusive',
      valueIsLowerBound: true,
      evidence,
      reason: section.stoppedEarly ?? 'a rate could not be judged',
    };
  }
  if (section.partial) {
    // Interrupted: the rate found holds, a higher one may too.
    return {
      value: section.maxSustainableRate,
      verdict: 'inconclusive',
      valueIsLowerBound: true,
      reason: 'the search was interrupted',
      evidence,
    };
  }
  return {
    value: section.maxSustainableRate,
    evidence,
    ...(section.stoppedEarly ? { reason: section.stoppedEarly } : {}),
  };
}

export const capacityFitnessFunctions: FitnessFunctions = {
  capacity: {
    metric: 'Sustainable arrival rate',
    target: '>= 100',
    unit: 'req/s',
    description:
      'highest open-model arrival rate at which p99, error rate, dropped iterations and generator saturation ' +
      'all meet the SLO (bracketing + bisection, repeats per rate)',
    needs: ['capacity'],
    test: (ctx) => judgeCapacity(ctx.capacity),
  },
};
