import type { EndpointTrend, LoadSection } from '../core/result-load.js';
import type { Result } from '../core/result.js';
import { meetsTarget, type Target } from '../core/target.js';

export interface EndpointRow extends EndpointTrend {
  scenario: string;
  /** The endpoint's p99 does not meet the p99 latency target (only when the run judged one). */
  overTarget: boolean;
}

/** The millisecond target of the built-in p99Latency function, if the run judged one. */
export function p99Target(result: Result): Target | undefined {
  const f = result.functions.find((x) => x.id === 'p99Latency');
  return f && typeof f.target.value === 'number' && f.target.unit === 'ms' ? f.target : undefined;
}

/** `GET /pitches/:id` when a method is known (and not already in the name), then the group in brackets. */
export function endpointLabel(e: EndpointTrend): string {
  const head = e.method && !e.name.startsWith(`${e.method} `) ? `${e.method} ${e.name}` : e.name;
  return e.group ? `${head} [${e.group}]` : head;
}

/** Every endpoint of every scenario, slowest p99 first (ties: more requests first), marked against the p99 target. */
export function endpointRows(load: LoadSection, target: Target | undefined): EndpointRow[] {
  return load.scenarios
    .flatMap((s) =>
      (s.endpoints ?? []).map((e) => ({
        ...e,
        scenario: s.name,
        overTarget: target ? !meetsTarget(target, e.p99) : false,
      })),
    )
    .sort((a, b) => b.p99 - a.p99 || b.count - a.count);
}
