/** The built-in scaling fitness function: the review's `scalabilityIndex`, measured. */
import type { FitnessContext, FitnessFunctions, FitnessValue } from '../../core/fitness-function.js';
import type { Evidence } from '../../core/result.js';
import type { ScaleSection } from '../../core/result-scale.js';

function fmt(v: number, digits = 3): string {
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 10 ** digits ? v.toFixed(0) : v.toPrecision(digits);
}

function pointEvidence(section: ScaleSection): Evidence[] {
  return section.points.map((p) => ({
    message:
      `N=${p.n}: X=${fmt(p.throughput, 4)} req/s` +
      (p.efficiency !== null ? `, E=${p.efficiency.toFixed(3)}` : '') +
      (p.latencyP99Ms !== null ? `, p99=${fmt(p.latencyP99Ms)} ms` : '') +
      (p.capacity
        ? ` (capacity under SLO p99 < ${p.capacity.slo.p99Ms} ms` +
          (p.capacity.knee ? `, knee ${p.capacity.knee.low}–${p.capacity.knee.high} req/s)` : ')')
        : '') +
      (p.flags.length ? ` [${p.flags.join(', ')}]` : ''),
    data: {
      n: p.n,
      throughput: p.throughput,
      runs: p.runs,
      efficiency: p.efficiency,
      latencyP99Ms: p.latencyP99Ms,
      errors: p.errors,
      foreignCpu: p.foreignCpu,
      flags: p.flags,
      ...(p.measure ? { measure: p.measure } : {}),
    },
  }));
}

function fitEvidence(section: ScaleSection): Evidence {
  const f = section.fit;
  if (!f) return { message: section.fitNote ?? 'no USL fit' };
  const iv = (v?: [number, number]) => (v ? ` [${fmt(v[0])}, ${fmt(v[1])}]` : '');
  return {
    message:
      `USL fit: σ=${fmt(f.sigma)}${iv(f.sigmaInterval)} κ=${fmt(f.kappa)}${iv(f.kappaInterval)} λ=${fmt(f.lambda, 4)} ` +
      `R²=${f.r2.toFixed(4)} ` +
      (f.nMax !== null ? `N_max=${fmt(f.nMax)} X_max=${fmt(f.xMax ?? 0, 4)}` : 'no peak (κ=0)') +
      (section.fitNote ? ` (${section.fitNote})` : ''),
    data: {
      sigma: f.sigma,
      kappa: f.kappa,
      lambda: f.lambda,
      r2: f.r2,
      nMax: f.nMax,
      xMax: f.xMax,
      sigmaInterval: f.sigmaInterval,
      kappaInterval: f.kappaInterval,
    },
  };
}

/** E at the section's targetN, with evidence; inconclusive when the figure cannot be trusted. */
export function judgeScalingEfficiency(ctx: FitnessContext): FitnessValue {
  const section = ctx.scale;
  if (!section)
    return {
      value: null,
      verdict: 'inconclusive',
      reason: 'no scaling data: run `pitchey-fit scale` or enable the scale check',
    };
  const evidence = [...pointEvidence(section), fitEvidence(section), ...section.notes.map((message) => ({ message }))];
  const point = section.points.find((p) => p.n === section.targetN);
  if (section.failedStep) {
    const f = section.failedStep;
    return {
      value: null,
      verdict: 'inconclusive',
      evidence,
      reason:
        `the sweep stopped at N=${f.n}: ${f.reason}; efficiency at the target N=${section.targetN} ` +
        (point ? 'was measured but the system failed at a larger N' : 'was not measured'),
    };
  }
  if (!point) {
    return {
      value: null,
      verdict: 'inconclusive',
      reason: `no measured step at the target N=${section.targetN}`,
      evidence,
    };
  }
  const reference = section.points[0];
  if (section.points.length < 2 || point === reference) {
    const why =
      section.points.length < 2
        ? `only one measured N (${reference.n}): efficiency compares a larger N with a smaller one`
        : `the target N=${point.n} is the reference step, where E = 1 by definition`;
    return { value: null, verdict: 'inconclusive', reason: `${why}; measure at least one larger N`, evidence };
  }
  if (point.efficiency === null) {
    return {
      value: null,
      verdict: 'inconclusive',
      reason: `efficiency at N=${point.n} could not be computed (no usable reference step)`,
      evidence,
    };
  }
  const reasons: string[] = [];
  if (point.beyondCores) {
    const q = section.cpuQuota;
    const need = q
      ? `N=${point.n} × ${q.unitCpus} CPU + ${q.sharedCpus} CPU (scale model) exceeds`
      : `N=${point.n} exceeds`;
    const cores = section.sutCores ?? section.cores;
    reasons.push(`${need} the ${cores} core(s) available to the system under test: efficiency there is not meaningful`);
  }
  const noisy = [reference, point].filter((p, i, all) => all.indexOf(p) === i && p.flags.includes('foreign-cpu'));
  if (noisy.length) {
    reasons.push(
      `other processes used more than ${Math.round((section.foreignCpuBound ?? 0.2) * 100)}% of the CPU during N=${noisy.map((p) => p.n).join(', ')}`,
    );
  }
  const unstable = [reference, point].filter((p, i, all) => all.indexOf(p) === i && p.flags.includes('unstable'));
  if (unstable.length) {
    reasons.push(`no steady state at N=${unstable.map((p) => p.n).join(', ')}: repeats differ by more than 20%`);
  }
  if (reasons.length) return { value: point.efficiency, verdict: 'inconclusive', reason: reasons.join('; '), evidence };
  // Capacity per step whose budget ran out while the SLO held: X there is only a lower bound. At the target N, so is
  // E (it may still meet the target); at the reference step, E is bounded from above, which decides nothing.
  const budgetNote = (p: typeof point) =>
    `X(${p.n}) is a lower bound (${p.capacity?.stoppedEarly ?? 'the SLO still held at the highest rate tried'})`;
  if (reference.flags.includes('lower-bound')) {
    return { value: point.efficiency, verdict: 'inconclusive', reason: budgetNote(reference), evidence };
  }
  if (point.flags.includes('lower-bound')) {
    return {
      value: point.efficiency,
      verdict: 'inconclusive',
      valueIsLowerBound: true,
      reason: `${budgetNote(point)}: E(${point.n}) is too`,
      evidence,
    };
  }
  return { value: point.efficiency, evidence };
}

export const scaleFitnessFunctions: FitnessFunctions = {
  scalingEfficiency: {
    metric: 'Scaling efficiency',
    target: '> 0.8',
    current: 0.65,
    unit: '',
    description:
      'E(N) = X(N) / (N·X(1)) at the target N of the scaling sweep, explained by a Universal Scalability Law fit',
    needs: ['scale'],
    test: judgeScalingEfficiency,
  },
};
