import type { Result, Severity } from '../core/result.js';

const LEVEL: Record<Severity, 'error' | 'warning' | 'notice'> = { critical: 'error', medium: 'warning', low: 'notice' };

// GitHub's workflow-command escaping: data escapes %, CR, LF; property values also ':' and ','.
const escapeData = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string): string => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

function command(level: string, props: Record<string, string | number | undefined>, message: string): string {
  const p = Object.entries(props)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${escapeProperty(String(v))}`)
    .join(',');
  return `::${level}${p ? ` ${p}` : ''}::${escapeData(message)}`;
}

/** GitHub shows at most 50 annotations per job; the rest would be dropped silently. */
export const MAX_ANNOTATIONS = 50;

/**
 * GitHub Actions annotations (`::error file=…,line=…::`) for static violations: every non-baselined finding location
 * (critical → error, medium → warning, low → notice), plus located evidence of failing functions not already covered.
 * Beyond `max` (default 50) the rest are summed up in one final notice.
 */
export function renderGithubAnnotations(result: Result, max = MAX_ANNOTATIONS): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const f of result.findings) {
    if (f.baselined) continue;
    seen.add(f.fingerprint);
    for (const loc of f.locations) {
      out.push(
        command(
          LEVEL[f.severity],
          { file: loc.file, line: loc.line, col: loc.column, title: `${f.title} (${f.rule})` },
          f.message,
        ),
      );
    }
  }
  for (const fn of result.functions) {
    if (fn.verdict !== 'fail') continue;
    for (const ev of fn.evidence) {
      if (!ev.file || ev.baselined || (ev.fingerprint && seen.has(ev.fingerprint))) continue;
      if (ev.fingerprint && result.findings.some((f) => f.baselined && f.fingerprint === ev.fingerprint)) continue;
      out.push(
        command(
          LEVEL[fn.severity],
          {
            file: ev.file,
            line: ev.line,
            col: ev.column,
            title: `${fn.id}${fn.adr ? ` (${fn.adr})` : ''}: ${fn.metric}`,
          },
          ev.message,
        ),
      );
    }
  }
  if (out.length <= max) return out;
  const kept = out.slice(0, max - 1);
  kept.push(
    command(
      'notice',
      { title: 'pitchey-fit' },
      `${out.length - kept.length} more violations are not annotated; see the job summary or report.html`,
    ),
  );
  return kept;
}
