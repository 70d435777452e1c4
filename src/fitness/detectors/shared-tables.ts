import type { Finding } from '../../core/result.js';
import { fingerprintOf } from '../fingerprint.js';
import type { DetectedFile } from './detector-input.js';

export { tablesInSql } from './sql-text.js';

export interface SharedTable {
  table: string;
  services: string[];
  /** Every reference, inside services and outside them (service null). */
  locations: Array<{ file: string; line: number; service: string | null }>;
}

/**
 * Tables referenced by more than one service: each is a shared-schema violation (the review's direct DB access).
 * References from code outside every service are listed with the table but make no service share it.
 */
export function detectSharedTables(files: DetectedFile[]): { shared: SharedTable[]; findings: Finding[] } {
  const byTable = new Map<string, SharedTable['locations']>();
  for (const { file, service, facts } of files) {
    for (const r of facts.tables) {
      let list = byTable.get(r.table);
      if (!list) byTable.set(r.table, (list = []));
      list.push({ file, line: r.line, service });
    }
  }
  const shared: SharedTable[] = [];
  for (const [table, locations] of [...byTable.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const services = [...new Set(locations.map((r) => r.service).filter((s): s is string => s !== null))].sort();
    if (services.length < 2) continue;
    shared.push({ table, services, locations });
  }
  const findings: Finding[] = shared.map((s) => ({
    rule: 'shared-table',
    severity: 'critical',
    title: `Table ${s.table} is used by ${s.services.length} services (${s.services.join(', ')})`,
    message: s.locations.map((l) => `${l.service ?? 'no service'}: ${l.file}:${l.line}`).join('; '),
    locations: s.locations.map((l) => ({ file: l.file, line: l.line })),
    fingerprint: fingerprintOf('shared-table', s.table, ...s.services),
  }));
  return { shared, findings };
}
