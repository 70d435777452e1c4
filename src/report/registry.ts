import type { Result } from '../core/result.js';
import { renderConsole, type RenderOptions } from './console.js';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { renderPrometheus } from './prometheus.js';
import { REPORTER_FILES, type ReporterName } from './reporter-names.js';

/** A pure renderer of the Result; where its text goes (a file, stdout, an HTTP body) is decided in src/output. */
export interface Reporter {
  name: ReporterName;
  /** File name in the out dir; absent for reporters that print to the terminal. */
  file?: string;
  /** Prometheus rendering is asynchronous only because prom-client's registry is. */
  render(result: Result, opts: RenderOptions): string | Promise<string>;
}

const RENDERERS: Record<ReporterName, Reporter['render']> = {
  console: renderConsole,
  json: renderJson,
  junit: renderJunit,
  markdown: renderMarkdown,
  html: renderHtml,
  prometheus: renderPrometheus,
};

export const REPORTERS: Record<ReporterName, Reporter> = Object.fromEntries(
  Object.entries(RENDERERS).map(([name, render]) => {
    const file = REPORTER_FILES[name as ReporterName];
    return [name, { name: name as ReporterName, render, ...(file ? { file } : {}) }];
  }),
) as Record<ReporterName, Reporter>;
