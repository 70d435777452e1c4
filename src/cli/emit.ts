import fs from 'node:fs';
import path from 'node:path';
import type { Result } from '../core/result.js';
import type { Io } from './io.js';
import { UsageError } from '../core/errors.js';

export const REPORTER_NAMES = ['console', 'json', 'junit', 'markdown', 'html', 'prometheus'] as const;
export type ReporterName = (typeof REPORTER_NAMES)[number];

/** `--reporter junit,markdown --reporter html` → ['junit','markdown','html']; unknown names are a usage error. */
export function parseReporters(values: string[] | undefined, fallback: readonly string[] | undefined): ReporterName[] {
  const raw = (values && values.length > 0 ? values : fallback ?? ['console', 'json']).flatMap((v) => v.split(','));
  const names = raw.map((s) => s.trim()).filter(Boolean);
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

/**
 * Hands the Result to the reporters: console to stdout (or the JSON Result with --json), files into the out dir,
 * the Markdown summary to GITHUB_STEP_SUMMARY and annotations to stdout when running in GitHub Actions.
 */
export async function emitResult(result: Result, io: Io, opts: EmitOptions): Promise<void> {
  const report = await import('../report/index.js');
  const fileReporters = opts.reporters.filter((r) => r !== 'console');
  let written: Array<{ reporter: string; file: string | null }> = [];
  if (fileReporters.length > 0) {
    fs.mkdirSync(opts.outDir, { recursive: true });
    written = await report.writeReports(result, { reporters: fileReporters, outDir: opts.outDir, color: false });
  }
  if (opts.promFile) {
    fs.mkdirSync(path.dirname(path.resolve(opts.promFile)), { recursive: true });
    const tmp = `${opts.promFile}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, await report.renderPrometheus(result));
    fs.renameSync(tmp, opts.promFile); // atomic for node_exporter's textfile collector
  }
  if (opts.pushgateway) await report.pushToGateway(opts.pushgateway, result);
  if (process.env.GITHUB_STEP_SUMMARY) fs.appendFileSync(process.env.GITHUB_STEP_SUMMARY, report.renderMarkdown(result) + '\n');
  if (process.env.GITHUB_ACTIONS === 'true') for (const line of report.renderGithubAnnotations(result)) io.out(line);

  if (io.json) {
    io.out(report.renderJson(result));
  } else if (io.quiet) {
    const s = result.summary;
    io.out(`${result.verdict.toUpperCase()}: ${s.passed} passed, ${s.failed} failed, ${s.inconclusive} inconclusive, ${s.errored} errored`);
  } else {
    if (opts.reporters.includes('console')) io.out(report.renderConsole(result, { color: io.color, width: process.stdout.columns || 80 }));
    const files = written.filter((w) => w.file).map((w) => path.relative(process.cwd(), w.file!) || w.file!);
    if (files.length > 0) io.err(`reports: ${files.join(', ')}`);
  }
}
