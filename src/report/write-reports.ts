import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Result } from '../core/result.js';
import { renderConsole } from './console.js';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { renderPrometheus } from './prometheus.js';

export type ReporterName = 'console' | 'json' | 'junit' | 'markdown' | 'html' | 'prometheus';

export const REPORT_FILES: Record<Exclude<ReporterName, 'console'>, string> = {
  json: 'result.json',
  junit: 'junit.xml',
  markdown: 'summary.md',
  html: 'report.html',
  prometheus: 'metrics.prom',
};

/** Writes atomically (temp file + rename), so readers such as node_exporter's textfile collector never see half a file. */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, file);
}

/**
 * Renders each reporter; file reporters write into `outDir` (result.json, junit.xml, summary.md, report.html,
 * metrics.prom), `console` writes to stdout. Returns what went where (file null for console).
 */
export async function writeReports(
  result: Result,
  opts: { reporters: ReporterName[]; outDir: string; color: boolean; width?: number },
): Promise<Array<{ reporter: ReporterName; file: string | null }>> {
  const out: Array<{ reporter: ReporterName; file: string | null }> = [];
  for (const reporter of [...new Set(opts.reporters)]) {
    if (reporter === 'console') {
      process.stdout.write(renderConsole(result, { color: opts.color, width: opts.width }));
      out.push({ reporter, file: null });
      continue;
    }
    const text = reporter === 'json' ? renderJson(result)
      : reporter === 'junit' ? renderJunit(result)
      : reporter === 'markdown' ? renderMarkdown(result)
      : reporter === 'html' ? renderHtml(result)
      : await renderPrometheus(result);
    const file = path.resolve(opts.outDir, REPORT_FILES[reporter]);
    await writeFileAtomic(file, text);
    out.push({ reporter, file });
  }
  return out;
}
