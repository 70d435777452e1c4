import type { Result } from '../core/result.js';
import type { Io } from './io.js';
import { UsageError } from '../core/errors.js';
import { REPORTER_NAMES, type ReporterName } from '../report/reporter-names.js';
export { REPORTER_NAMES, type ReporterName };

/** `--reporter junit,markdown --reporter html` → ['junit','markdown','html']; unknown names are a usage error. */
export function parseReporters(values: string[] | undefined, fallback: readonly string[] | undefined): ReporterName[] {
  const raw = (values && values.length > 0 ? values : (fallback ?? ['console', 'json'])).flatMap((v) => v.split(','));
  const names = raw.map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) throw new UsageError(`--reporter needs at least one of: ${REPORTER_NAMES.join(', ')}`);
  for (const n of names) {
    if (!(REPORTER_NAMES as readonly string[]).includes(n)) {
      throw new UsageError(`unknown reporter '${n}'; available: ${REPORTER_NAMES.join(', ')}`);
    }
  }
  return [...new Set(names)] as ReporterName[];
}

export interface EmitOptions {
  reporters: ReporterName[];
  outDir: string;
  promFile?: string;
  pushgateway?: string;
}

/** Hands the Result to src/output: console (or --json / --quiet), report files, textfile, job summary, gateway. */
export async function emitResult(result: Result, io: Io, opts: EmitOptions): Promise<void> {
  const { publishResult } = await import('../output/index.js');
  await publishResult(result, io, { ...opts, width: process.stdout.columns || 80 });
}
