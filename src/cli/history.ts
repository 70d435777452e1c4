import type { HistoryStore } from '../history/index.js';
import type { Result } from '../core/result.js';
import type { ResolvedConfig } from '../run/index.js';
import type { Io } from './io.js';

/**
 * Before the reports: compares the run with the last (passing) run of the same subject when asked, and attaches
 * the trends the HTML report plots. A history that cannot be read is a warning: the run is reported without it.
 */
export async function readHistory(
  result: Result,
  resolved: ResolvedConfig,
  opts: { compare?: 'last' | 'last-pass'; io: Io },
): Promise<void> {
  if (!resolved.historyFile) return;
  const { compareResults } = await import('../history/index.js');
  await withHistory(resolved.historyFile, opts.io, 'not compared', (history) => {
    if (opts.compare) {
      const previous = history.last({ passing: opts.compare === 'last-pass', subject: result.subject.name });
      if (previous) result.comparison = compareResults(result, previous, opts.compare);
      else if (!opts.io.quiet && !opts.io.json)
        opts.io.err(`--compare ${opts.compare}: no earlier run of '${result.subject.name}' in the history yet`);
    }
    result.trends = history.trends(result.subject.name, 30);
  });
}

/** After the reports: appends a complete run to the history. A failure is a warning; the reports are written. */
export async function appendHistory(result: Result, resolved: ResolvedConfig, io: Io): Promise<void> {
  if (!resolved.historyFile || result.partial) return;
  await withHistory(resolved.historyFile, io, 'this run was not recorded', (history) => history.append(result));
}

async function withHistory(
  file: string,
  io: Io,
  consequence: string,
  fn: (history: HistoryStore) => void,
): Promise<void> {
  let history: HistoryStore | undefined;
  try {
    const { openHistory } = await import('../history/index.js');
    history = openHistory(file);
    fn(history);
  } catch (e) {
    io.err(`pitchey-fit: warning: ${(e as Error).message}; ${consequence} (the reports are complete)`);
  } finally {
    try {
      history?.close();
    } catch {
      /* closing a broken database adds nothing to the warning above */
    }
  }
}
