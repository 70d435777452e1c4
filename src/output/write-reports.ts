import { randomUUID } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Result } from '../core/result.js';
import { REPORTERS } from '../report/registry.js';
import type { ReporterName } from '../report/reporter-names.js';
import { ensureDir } from './output-targets.js';

/** Writes atomically (temp file + rename): readers such as node_exporter's textfile collector never see half a file. */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  ensureDir(path.dirname(file));
  const tmp = `${file}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`;
  try {
    await writeFile(tmp, text);
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw e;
  }
}

export interface WrittenReport {
  reporter: ReporterName;
  /** Absolute path; null for a reporter that printed to stdout. */
  file: string | null;
}

/** A report that could not be written: the run's data is fine, the destination is not. */
export interface FailedReport {
  reporter: ReporterName;
  file: string;
  /** The errno code (EACCES, ENOSPC…) or, for a folder that cannot exist, why. */
  reason: string;
}

export function failureReason(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message : String(e));
}

/**
 * Renders each reporter once; file reporters write into `outDir` (result.json, junit.xml, summary.md, report.html,
 * metrics.prom), terminal reporters go to `stdout` (default: process.stdout). A file that cannot be written does not
 * stop the others: it is returned in `failed`.
 */
export async function writeReports(
  result: Result,
  opts: { reporters: ReporterName[]; outDir: string; color: boolean; width?: number; stdout?: (text: string) => void },
): Promise<{ written: WrittenReport[]; failed: FailedReport[] }> {
  const written: WrittenReport[] = [];
  const failed: FailedReport[] = [];
  const stdout = opts.stdout ?? ((text: string) => void process.stdout.write(text));
  // Each file is written while the next report renders (megabytes on a large tree); the order of the lists stays.
  const writes: Promise<void>[] = [];
  const outcomes: Array<WrittenReport | FailedReport> = [];
  for (const name of [...new Set(opts.reporters)]) {
    const reporter = REPORTERS[name];
    const text = await reporter.render(result, { color: opts.color, width: opts.width });
    if (!reporter.file) {
      stdout(text);
      outcomes.push({ reporter: name, file: null });
      continue;
    }
    const file = path.resolve(opts.outDir, reporter.file);
    const at = outcomes.push({ reporter: name, file }) - 1;
    writes.push(
      writeFileAtomic(file, text).catch((e: unknown) => {
        outcomes[at] = { reporter: name, file, reason: failureReason(e) };
      }),
    );
  }
  await Promise.all(writes);
  for (const o of outcomes)
    if ('reason' in o) failed.push(o);
    else written.push(o);
  return { written, failed };
}
