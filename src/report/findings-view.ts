import type { Finding, Result, Severity } from '../core/result.js';

export const SEVERITY_ORDER: Severity[] = ['critical', 'medium', 'low'];

export interface FindingView extends Finding {
  /** Decision records of the fitness functions whose evidence names this finding (matched by fingerprint or rule). */
  adrs: string[];
}

/**
 * The "violations found" view: findings grouped by severity, each with the ADRs it breaks. A finding is linked to
 * a function when one of the function's evidence items carries the finding's fingerprint.
 */
export function groupFindings(result: Result): Array<{ severity: Severity; findings: FindingView[] }> {
  const adrByFingerprint = new Map<string, Set<string>>();
  for (const fn of result.functions) {
    if (!fn.adr) continue;
    for (const ev of fn.evidence) {
      if (!ev.fingerprint) continue;
      const set = adrByFingerprint.get(ev.fingerprint) ?? new Set<string>();
      set.add(fn.adr);
      adrByFingerprint.set(ev.fingerprint, set);
    }
  }
  return SEVERITY_ORDER.map((severity) => ({
    severity,
    findings: result.findings
      .filter((f) => f.severity === severity)
      .map((f) => ({ ...f, adrs: [...(adrByFingerprint.get(f.fingerprint) ?? [])].sort() })),
  })).filter((g) => g.findings.length > 0);
}

export function formatLocation(loc: { file: string; line?: number; column?: number }): string {
  return loc.line === undefined
    ? loc.file
    : loc.column === undefined
      ? `${loc.file}:${loc.line}`
      : `${loc.file}:${loc.line}:${loc.column}`;
}
