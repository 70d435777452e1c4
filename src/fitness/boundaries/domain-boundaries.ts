import { ConfigError } from '../../core/errors.js';
import type { BoundaryAdvice, TableOwnership } from '../../core/result-domain.js';

/** The review's DomainBoundaries: aggregates (entities, commands, events, their tables) and services → aggregates. */
export interface DomainBoundaries {
  aggregates: Array<{ name: string; entities: string[]; commands?: string[]; events?: string[]; tables?: string[] }>;
  services: Record<string, string[]>;
}

const snake = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

/** Table names an entity is stored under by convention: `PitchView` → pitch_view, pitch_views; `Reply` → replies. */
export function tableNamesOf(entity: string): string[] {
  const s = snake(entity);
  const plural = /(s|x|z|ch|sh)$/.test(s) ? `${s}es` : /[^aeiou]y$/.test(s) ? `${s.slice(0, -1)}ies` : `${s}s`;
  return [s, plural];
}

/**
 * For each aggregate: its owning service, its tables (declared, else its entities' conventional names that the
 * code uses), and every judged write to them from outside the owning service.
 */
export function checkAggregates(
  domain: DomainBoundaries,
  serviceNames: string[],
  tables: TableOwnership | undefined,
): NonNullable<BoundaryAdvice['aggregates']> {
  const names = new Set(domain.aggregates.map((a) => a.name));
  const ownerOf = new Map<string, string>();
  for (const [service, aggregates] of Object.entries(domain.services)) {
    if (!serviceNames.includes(service)) {
      throw new ConfigError(`service ${JSON.stringify(service)} is not configured`, `static.domainBoundaries.services`);
    }
    for (const a of aggregates) {
      if (!names.has(a)) {
        throw new ConfigError(`unknown aggregate ${JSON.stringify(a)}`, `static.domainBoundaries.services.${service}`);
      }
      if (ownerOf.has(a)) {
        throw new ConfigError(
          `aggregate ${a} is owned by both ${ownerOf.get(a)} and ${service}`,
          `static.domainBoundaries.services.${service}`,
        );
      }
      ownerOf.set(a, service);
    }
  }
  const known = new Map((tables?.tables ?? []).map((t) => [t.table, t]));
  return domain.aggregates.map((a) => {
    const candidates = a.tables ?? a.entities.flatMap(tableNamesOf).filter((t) => known.has(t));
    const aggregateTables = [...new Set(candidates.map((t) => t.toLowerCase()))].sort();
    const service = ownerOf.get(a.name) ?? null;
    const foreignWriters = aggregateTables.flatMap((table) =>
      (known.get(table)?.references ?? [])
        .filter((r) => r.live && r.access === 'write' && r.owner !== service)
        .map((r) => ({ table, owner: r.owner, file: r.file, line: r.line })),
    );
    return { aggregate: a.name, service, tables: aggregateTables, foreignWriters };
  });
}
