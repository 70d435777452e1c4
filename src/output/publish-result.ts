import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UsageError } from '../core/errors.js';
import type { Result } from '../core/result.js';
import { renderConsole } from '../report/console.js';
import { renderGithubAnnotations } from '../report/github-annotations.js';
import { renderJson } from '../report/json.js';
import { renderMarkdown } from '../report/markdown.js';
import { renderPrometheus } from '../report/prometheus.js';
import type { ReporterName } from '../report/reporter-names.js';
import { pushToGateway } from './pushgateway.js';
import { failureReason, writeFileAtomic, writeReports, type FailedReport } from './write-reports.js';

/** Where text goes: the CLI's Io satisfies it. */
export interface OutputStreams {
  out(text: string): void;
  err(text: string): void;
  color: boolean;
  quiet: boolean;
  json: boolean;
}

export interface PublishOptions {
  reporters: ReporterName[];
  outDir: string;
  promFile?: string;
  pushgateway?: string;
  /** Terminal width for the console report; default 80. */
  width?: number;
  /** Default process.env (GITHUB_STEP_SUMMARY, GITHUB_ACTIONS). */
  env?: NodeJS.ProcessEnv;
}

/**
 * Hands the Result to its readers, the terminal first so nothing measured is lost to a bad destination: the console
 * report (or the JSON Result with --json, or one line with --quiet), then report files, the --prom-file textfile,
 * the GitHub step summary and annotations, and the Pushgateway. A failed push is a warning. A report that cannot be
 * written leaves the Result in a temp file and throws a UsageError (exit 2) naming both paths.
 */
export async function publishResult(result: Result, io: OutputStreams, opts: PublishOptions): Promise<void> {
  const env = opts.env ?? process.env;
  if (io.json) io.out(renderJson(result));
  else if (io.quiet) {
    const s = result.summary;
    io.out(
      `${result.verdict.toUpperCase()}: ${s.passed} passed, ${s.failed} failed, ${s.inconclusive} inconclusive, ` +
        `${s.errored} errored`,
    );
  } else if (opts.reporters.includes('console')) {
    io.out(renderConsole(result, { color: io.color, width: opts.width ?? 80 }));
  }
  if (env.GITHUB_ACTIONS === 'true') for (const line of renderGithubAnnotations(result)) io.out(line);

  const fileReporters = opts.reporters.filter((r) => r !== 'console');
  const { written, failed } = await writeReports(result, {
    reporters: fileReporters,
    outDir: opts.outDir,
    color: false,
  });
  if (opts.promFile) {
    const file = path.resolve(opts.promFile);
    try {
      await writeFileAtomic(file, await renderPrometheus(result)); // atomic for node_exporter's textfile collector
    } catch (e) {
      failed.push({ reporter: 'prometheus', file, reason: failureReason(e) });
    }
  }
  if (env.GITHUB_STEP_SUMMARY) {
    try {
      fs.appendFileSync(env.GITHUB_STEP_SUMMARY, renderMarkdown(result) + '\n');
    } catch (e) {
      io.err(
        `warning: cannot append the job summary to ${env.GITHUB_STEP_SUMMARY}: ${(e as NodeJS.ErrnoException).code}`,
      );
    }
  }
  if (opts.pushgateway) {
    const problem = await pushToGateway(opts.pushgateway, result);
    if (problem) io.err(`warning: ${problem}; the metrics were not pushed (the verdict stands)`);
  }
  const files = written.filter((w) => w.file).map((w) => path.relative(process.cwd(), w.file!) || w.file!);
  if (files.length > 0 && !io.json && !io.quiet) io.err(`reports: ${files.join(', ')}`);
  if (failed.length > 0) throw new UsageError(unwrittenMessage(failed, saveResultSafely(result)));
}

function unwrittenMessage(failed: FailedReport[], saved: string | undefined): string {
  const what = failed.map((f) => `${f.file} (${f.reason})`).join(', ');
  const kept = saved ? `the result was saved to ${saved}` : 'the result could not be saved anywhere';
  return `cannot write ${what}; ${kept}`;
}

/** The Result as JSON in the temp folder, for when its destination failed; undefined if even that fails. */
export function saveResultSafely(result: Result): string | undefined {
  const stamp = result.startedAt.replace(/[^0-9]/g, '').slice(0, 14);
  const file = path.join(os.tmpdir(), `pitchey-fit-result-${stamp}-${process.pid}.json`);
  try {
    fs.writeFileSync(file, renderJson(result));
    return file;
  } catch {
    return undefined;
  }
}
