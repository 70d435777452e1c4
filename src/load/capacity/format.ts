/** Plain-text capacity table for the terminal (`pitchey-fit capacity`). */
import type { CapacitySection } from '../../core/result-capacity.js';

export function formatCapacitySection(c: CapacitySection): string {
  const out = [
    `Capacity search (${c.engine}, scenario ${c.scenario}; SLO p99 < ${c.slo.p99Ms} ms, errors < ` +
      `${(c.slo.maxErrorRate * 100).toFixed(2)}%; ${Math.round(c.elapsedSec)} s of a ${c.timeBudgetSec} s budget)` +
      (c.partial ? ' [partial]' : ''),
  ];
  for (const s of c.steps) {
    const trials = s.trials.map(
      (t) =>
        `p99 ${t.p99Ms === null ? '-' : `${Math.round(t.p99Ms * 10) / 10} ms`}` +
        `, ${Math.round(t.achievedRate)} req/s${t.violations.length ? ` (${t.violations.join('; ')})` : ''}`,
    );
    out.push(
      `  ${String(s.rate).padStart(7)} req/s  ${s.unknown ? 'n/a ' : s.ok ? 'ok  ' : 'FAIL'}  ${trials.join(' | ')}`,
    );
  }
  out.push(
    c.maxSustainableRate === null
      ? 'no sustainable rate found'
      : `max sustainable rate: ${c.maxSustainableRate} req/s` +
          (c.knee ? `; knee between ${c.knee.low} and ${c.knee.high} req/s` : ''),
  );
  out.push(c.confidence);
  if (c.stoppedEarly) out.push(`stopped early: ${c.stoppedEarly}`);
  if (c.traffic) out.push(c.traffic.note);
  for (const o of c.overrides ?? []) out.push(`- ${o}`);
  for (const n of c.notes) out.push(`- ${n}`);
  return out.join('\n');
}
