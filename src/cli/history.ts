import type { Result } from '../core/result.js';
import type { Io } from './io.js';
import type { ResolvedConfig } from './resolve-config.js';

/**
 * Appends the run to the local history store and, when asked, compares it with the last (passing) run of the same
 * subject; also attaches the trends the HTML report plots.
 */
export async function applyHistory(
  result: Result,
  resolved: ResolvedConfig,
  opts: { compare?: 'last' | 'last-pass'; io: Io },
): Promise<void> {
  if (!resolved.historyFile) return;
  const { openHistory, compareResults } = await import('../history/index.js');
  const history = openHistory(resolved.historyFile);
  try {
    if (opts.compare) {
      const previous = history.last({ passing: opts.compare === 'last-pass', subject: result.subject.name });
      if (previous) result.comparison = compareResults(result, previous, opts.compare);
      else if (!opts.io.quiet && !opts.io.json) opts.io.err(`--compare ${opts.compare}: no earlier run of '${result.subject.name}' in the history yet`);
    }
    result.trends = history.trends(result.subject.name, 30);
    if (!result.partial) history.append(result);
  } finally {
    history.close();
  }
}
