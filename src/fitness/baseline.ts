import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../core/errors.js';
import type { Finding } from '../core/result.js';

const BASELINE_VERSION = 1;

interface BaselineEntry {
  fingerprint: string;
  /** How many findings share the fingerprint (e.g. the same import written twice in one file). */
  count: number;
  rule: string;
  severity: Finding['severity'];
  title: string;
  message: string;
  locations: Finding['locations'];
  service?: string;
}

interface BaselineFile {
  version: number;
  tool: 'pitchey-fit';
  entries: BaselineEntry[];
}

export interface BaselineApplication {
  /** All current findings; those the baseline accepts carry `baselined: true`. */
  findings: Finding[];
  /** Findings not covered by the baseline: these fail the gate. */
  newFindings: Finding[];
  /** Baseline entries whose violation disappeared (fixed): the file can shrink (`--update-baseline`). */
  stale: Finding[];
}

function toEntries(findings: Finding[]): BaselineEntry[] {
  const byFp = new Map<string, BaselineEntry>();
  for (const f of findings) {
    const e = byFp.get(f.fingerprint);
    if (e) {
      e.count++;
      continue;
    }
    byFp.set(f.fingerprint, {
      fingerprint: f.fingerprint,
      count: 1,
      rule: f.rule,
      severity: f.severity,
      title: f.title,
      message: f.message,
      locations: f.locations,
      ...(f.service ? { service: f.service } : {}),
    });
  }
  return [...byFp.values()].sort((a, b) => a.rule.localeCompare(b.rule) || a.fingerprint.localeCompare(b.fingerprint));
}

function entryToFinding(e: BaselineEntry): Finding {
  return {
    rule: e.rule,
    severity: e.severity,
    title: e.title,
    message: e.message,
    locations: e.locations,
    fingerprint: e.fingerprint,
    ...(e.service ? { service: e.service } : {}),
  };
}

function save(file: string, entries: BaselineEntry[]): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const data: BaselineFile = { version: BASELINE_VERSION, tool: 'pitchey-fit', entries };
  fs.writeFileSync(file, JSON.stringify(data, null, 2) + '\n');
}

export function readBaseline(file: string): BaselineEntry[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new InputError(`baseline ${file} does not exist or is unreadable (create it with \`pitchey-fit baseline\`)`);
  }
  let data: BaselineFile;
  try {
    data = JSON.parse(text) as BaselineFile;
  } catch (e) {
    throw new InputError(`baseline ${file} is not valid JSON: ${(e as Error).message}`);
  }
  if (!data || data.version !== BASELINE_VERSION || !Array.isArray(data.entries)) {
    throw new InputError(
      `baseline ${file} is not a pitchey-fit baseline (version ${BASELINE_VERSION} with an entries list)`,
    );
  }
  data.entries.forEach((e, i) => {
    if (!e || typeof e.fingerprint !== 'string' || typeof e.rule !== 'string')
      throw new InputError(`baseline ${file}: entries[${i}] has no fingerprint/rule`);
    if (typeof e.count !== 'number' || e.count < 1) e.count = 1;
  });
  return data.entries;
}

/** Records today's findings as accepted. Matching later uses fingerprints, which do not contain line numbers. */
export function writeBaseline(file: string, findings: Finding[]): { entries: number } {
  const entries = toEntries(findings);
  save(file, entries);
  return { entries: entries.length };
}

/** Marks findings the baseline accepts, and lists new findings and stale (fixed) baseline entries. */
export function applyBaseline(file: string, findings: Finding[]): BaselineApplication {
  const entries = readBaseline(file);
  const remaining = new Map(entries.map((e) => [e.fingerprint, e.count]));
  const out: Finding[] = [];
  const newFindings: Finding[] = [];
  for (const f of findings) {
    const left = remaining.get(f.fingerprint) ?? 0;
    if (left > 0) {
      remaining.set(f.fingerprint, left - 1);
      out.push({ ...f, baselined: true });
    } else {
      const { baselined: _, ...rest } = f;
      out.push(rest);
      newFindings.push(rest);
    }
  }
  const stale: Finding[] = [];
  for (const e of entries) {
    const left = remaining.get(e.fingerprint) ?? 0;
    if (left > 0) stale.push(entryToFinding({ ...e, count: left }));
  }
  return { findings: out, newFindings, stale };
}

/** Shrinks the baseline to the entries still present (never adds new findings). */
export function updateBaseline(file: string, findings: Finding[]): { kept: number; removed: number } {
  const entries = readBaseline(file);
  const current = new Map<string, number>();
  for (const f of findings) current.set(f.fingerprint, (current.get(f.fingerprint) ?? 0) + 1);
  const kept: BaselineEntry[] = [];
  let removed = 0;
  for (const e of entries) {
    const now = current.get(e.fingerprint) ?? 0;
    const count = Math.min(e.count, now);
    removed += e.count - count;
    if (count > 0) kept.push({ ...e, count });
  }
  save(file, kept);
  return { kept: kept.reduce((a, e) => a + e.count, 0), removed };
}
