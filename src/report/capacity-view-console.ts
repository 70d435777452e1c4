import type { ChalkInstance } from 'chalk';
import { formatNumber, formatPercent } from '../core/format.js';
import { renderTextTable, wrap } from '../core/format-table.js';
import type { Result } from '../core/result.js';

/** The capacity search in the console: the figure with its SLO, every rate tried, and the traffic model's answer. */
export function capacityViewLines(result: Result, c: ChalkInstance, width: number): string[] {
  const cap = result.capacity;
  if (!cap) return [];
  const slo = `p99 < ${formatNumber(cap.slo.p99Ms)}ms, errors < ${formatPercent(cap.slo.maxErrorRate, 1)}`;
  const out = ['', c.bold(`Capacity (${cap.engine}, ${cap.scenario}; SLO ${slo})`)];
  const figure =
    cap.maxSustainableRate === null
      ? 'no rate tried met the SLO'
      : cap.knee
        ? `${formatNumber(cap.maxSustainableRate)} req/s sustained; the knee lies between ` +
          `${formatNumber(cap.knee.low)} and ${formatNumber(cap.knee.high)} req/s`
        : `at least ${formatNumber(cap.maxSustainableRate)} req/s sustained (no rate broke the SLO: a lower bound)`;
  out.push(...indented(figure, width));
  out.push(
    ...renderTextTable(
      [
        { header: 'rate', align: 'right' },
        { header: 'phase' },
        { header: 'p99 (ms)', align: 'right' },
        { header: 'errors', align: 'right' },
        { header: 'SLO', shrink: 1, min: 4 },
      ],
      cap.steps.map((s) => {
        const p99s = s.trials.map((t) => t.p99Ms).filter((v): v is number => v !== null);
        const errors = s.trials.map((t) => t.errorRate).filter((v): v is number => v !== null);
        return [
          formatNumber(s.rate),
          s.phase,
          p99s.length ? formatNumber(Math.max(...p99s)) : 'n/a',
          errors.length ? formatPercent(Math.max(...errors)) : 'n/a',
          s.unknown ? 'unjudged' : s.ok ? 'held' : 'broken',
        ];
      }),
      { width, indent: 2 },
    ),
  );
  const notes = [cap.confidence, ...(cap.stoppedEarly ? [`stopped: ${cap.stoppedEarly}`] : [])];
  if (cap.traffic) notes.push(cap.traffic.note);
  notes.push(...(cap.overrides ?? []));
  for (const n of notes) out.push(...indented(n, width).map((l) => c.dim(l)));
  return out;
}

function indented(text: string, width: number): string[] {
  return wrap(text, width - 2, 2).map((l) => (l.startsWith('  ') ? l : `  ${l}`));
}
