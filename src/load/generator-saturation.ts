import type { ArrivalPlan, ExecutorPlan } from './executor-plan.js';
import type { SegmentRunOutput } from './native/segment-io.js';

/** Bounds of the generator's self-watch. */
export interface SaturationBounds {
  /** Event-loop busy share of a generator thread above which it is CPU-bound. */
  maxEventLoopUtilization: number;
  /** p99 of open-model send lag (actual send − intended time) above which latencies include generator queueing. */
  maxSendLagP99Ms: number;
  /** Achieved arrival rate below this share of the target means the generator could not keep the schedule. */
  minAchievedRateShare: number;
}

export const DEFAULT_SATURATION_BOUNDS: SaturationBounds = {
  maxEventLoopUtilization: 0.9,
  maxSendLagP99Ms: 10,
  minAchievedRateShare: 0.95,
};

/**
 * Reasons the generator itself was the bottleneck of a run (empty when it kept up). Dropped iterations (no free VU)
 * are the target's slowness, not the generator's, and are judged separately.
 */
export function saturationReasons(
  plan: ExecutorPlan,
  outputs: SegmentRunOutput[],
  bounds = DEFAULT_SATURATION_BOUNDS,
): string[] {
  const reasons: string[] = [];
  outputs.forEach((o, i) => {
    if (o.eventLoopUtilization > bounds.maxEventLoopUtilization) {
      reasons.push(
        `generator thread ${i + 1}/${outputs.length} was CPU-bound: event loop busy ${(o.eventLoopUtilization * 100).toFixed(0)}% of the run (bound ${(bounds.maxEventLoopUtilization * 100).toFixed(0)}%)`,
      );
    }
  });
  if (plan.kind === 'arrival') {
    const lagP99 = Math.max(...outputs.map((o) => o.sendLagP99Ms ?? 0));
    if (lagP99 > bounds.maxSendLagP99Ms) {
      const elu = Math.max(...outputs.map((o) => o.eventLoopUtilization));
      const why =
        elu > bounds.maxEventLoopUtilization
          ? 'the generator was CPU-bound'
          : `its event loop was busy ${(elu * 100).toFixed(0)}% on average, so the lateness came from pauses: ${pauses(outputs)}`;
      reasons.push(
        `send lag p99 ${lagP99.toFixed(1)}ms exceeds ${bounds.maxSendLagP99Ms}ms: requests left the generator late (${why})`,
      );
    }
    const partial = outputs.some((o) => o.partial);
    if (!partial) {
      const achieved = achievedRate(plan, outputs);
      const target = plan.expectedIterations / (plan.durationMs / 1000);
      if (achieved < bounds.minAchievedRateShare * target) {
        reasons.push(`achieved arrival rate ${achieved.toFixed(1)}/s is short of the target ${target.toFixed(1)}/s`);
      }
    }
  }
  return reasons;
}

/**
 * The pauses of the generator threads as measured: GC, and waiting for a CPU other threads held (V8's own GC and
 * compiler helpers on a shared core count too).
 */
function pauses(outputs: SegmentRunOutput[]): string {
  const gc = outputs.reduce((s, o) => s + o.gcPauseMs, 0);
  const longest = Math.max(...outputs.map((o) => o.gcMaxPauseMs));
  const waits = outputs.map((o) => o.cpuWaitMs);
  const gcText = `GC stopped it ${gc.toFixed(0)}ms in all (longest ${longest.toFixed(1)}ms)`;
  if (waits.some((w) => w === null)) return `${gcText}; other threads may have taken the CPU (not measurable here)`;
  const waited = waits.reduce<number>((s, w) => s + (w ?? 0), 0);
  return `${gcText}; it waited ${waited.toFixed(0)}ms for a CPU that other threads held (other processes, or V8's GC and compiler helpers on the same core)`;
}

/** Iterations dispatched (started or dropped) per second over the scheduling window. */
export function achievedRate(plan: ArrivalPlan, outputs: SegmentRunOutput[]): number {
  const scheduled = outputs.reduce((s, o) => s + o.scheduledIterations, 0);
  const windowMs = Math.max(plan.durationMs, ...outputs.map((o) => o.lastDispatchMs));
  return scheduled / (windowMs / 1000);
}
