/**
 * Every reporter and the file it writes into the out dir (`null`: it prints to the terminal). The one declaration of
 * reporter names: the CLI's `--reporter` choices and the renderer registry are both typed from it. Kept free of
 * renderer imports so the CLI can validate flags without loading them.
 */
export const REPORTER_FILES = {
  console: null,
  json: 'result.json',
  junit: 'junit.xml',
  markdown: 'summary.md',
  html: 'report.html',
  prometheus: 'metrics.prom',
} as const;

export type ReporterName = keyof typeof REPORTER_FILES;

export const REPORTER_NAMES = Object.keys(REPORTER_FILES) as ReporterName[];

export function isReporterName(name: string): name is ReporterName {
  return Object.hasOwn(REPORTER_FILES, name);
}
