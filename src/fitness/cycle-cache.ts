import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { CycleReport } from '../core/result-static.js';

/** Bump when the cycle analysis changes what it reports, so older cached reports are not reused. */
const FORMAT = 'cycles-2';

export interface CycleReports {
  all: CycleReport;
  value: CycleReport;
}

/**
 * A digest of everything the cycle reports depend on: the graph's structure and judged modules (structure-key.ts),
 * the entry points and the limit. A warm re-run whose changed files kept their imports gets the same digest.
 */
export function cycleInputKey(structure: string, entries: Set<string>, limit: number): string {
  const parts = [FORMAT, String(limit), [...entries].sort().join('\0'), structure];
  return createHash('sha256').update(parts.join('\n')).digest('hex');
}

const fileOf = (dir: string) => path.join(dir, 'static-cycle-cache.json');

/** The reports cached in `dir` for `key`; undefined when there are none, they are for other input, or unreadable. */
export function readCycleCache(dir: string, key: string): CycleReports | undefined {
  try {
    const cached = JSON.parse(fs.readFileSync(fileOf(dir), 'utf8')) as { key?: string; reports?: CycleReports };
    return cached.key === key ? cached.reports : undefined;
  } catch {
    return undefined;
  }
}

/** Best effort: a cache that cannot be written only costs the next run the analysis. */
export function writeCycleCache(dir: string, key: string, reports: CycleReports): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
    const tmp = `${fileOf(dir)}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify({ key, reports }));
    fs.renameSync(tmp, fileOf(dir));
  } catch {
    // ignored: see above
  }
}
