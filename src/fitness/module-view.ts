import type {
  DependencyGraph,
  GraphEdge,
  ModuleRow,
  ModuleView,
  UnresolvedGroup,
  UnresolvedImport,
} from '../core/result-static.js';
import { isInternalEdge, moduleCoupling, type ModuleCoupling } from './martin-metrics.js';
import { packageNameOf } from './module-resolver.js';

const URL_SPECIFIER_RE = /^[a-z][a-z\d+.-]*:/i;

/** Which kind of problem an unresolved specifier is: a URL, a bare package that is not installed, or a missing file. */
export function unresolvedGroupOf(specifier: string): UnresolvedGroup {
  if (URL_SPECIFIER_RE.test(specifier) && !specifier.startsWith('node:')) return 'url';
  if (specifier.startsWith('.') || specifier.startsWith('/')) return 'missing-file';
  // Path aliases that did not resolve (`@/x`, `~/x`, `#x`) name a local file, not a package.
  if (/^(@\/|~\/|#)/.test(specifier)) return 'missing-file';
  return 'uninstalled-package';
}

/** Line count as `wc -l` gives it, plus one for a last line without a newline. */
export function lineCount(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return text.length > 0 && !text.endsWith('\n') ? n + 1 : n;
}

function byDescending(key: 'ca' | 'ce') {
  return (a: ModuleRow, b: ModuleRow) => b[key] - a[key] || b.lines - a.lines || a.file.localeCompare(b.file);
}

/**
 * Per-module coupling over the judged graph (live modules unless the config judges all): the hubs a decomposition has
 * to cut first (by Ce: the modules that know everything, typically the entry; by Ca: what everything knows), plus
 * orphans, unresolved imports and parse errors of the whole tree, each marked live or not.
 */
export function buildModuleView(
  graph: DependencyGraph,
  judged: DependencyGraph,
  live: Set<string>,
  lines: (file: string) => number,
  parseErrors: Array<{ file: string; message: string }>,
  top = 10,
  /** Ca/Ce of `judged` already computed (a cache), else counted. */
  coupling: ModuleCoupling = moduleCoupling(judged),
): ModuleView {
  const touched = new Set<string>();
  // Imports recovered from files with syntax errors (only those are counted: the rest would be 42k map updates).
  const recovered = new Map(parseErrors.map((p) => [p.file, 0]));
  const unresolved: ModuleView['unresolved'] = { 'missing-file': [], 'uninstalled-package': [], url: [] };
  let lastFrom: string | undefined;
  for (const e of graph.edges) {
    if (recovered.size > 0 && recovered.has(e.from)) recovered.set(e.from, recovered.get(e.from)! + 1);
    if (e.unresolved) unresolved[unresolvedGroupOf(e.specifier)].push(unresolvedRow(e, live.has(e.from)));
    if (isInternalEdge(e) && e.from !== e.to) {
      // Edges come grouped by source file: add each source once.
      if (e.from !== lastFrom) touched.add((lastFrom = e.from));
      touched.add(e.to);
    }
  }
  const modules: ModuleRow[] = judged.modules
    .filter((m) => !m.external)
    .map((m, i) => ({ file: m.path, lines: lines(m.path), ca: coupling.ca[i], ce: coupling.ce[i] }))
    .sort((a, b) => a.file.localeCompare(b.file));
  for (const g of Object.values(unresolved)) g.sort((a, b) => a.from.localeCompare(b.from) || a.line - b.line);
  return {
    modules,
    hubsByCe: modules
      .filter((m) => m.ce > 0)
      .sort(byDescending('ce'))
      .slice(0, top),
    hubsByCa: modules
      .filter((m) => m.ca > 0)
      .sort(byDescending('ca'))
      .slice(0, top),
    orphans: graph.modules
      .filter((m) => !m.external && !touched.has(m.path))
      .map((m) => m.path)
      .sort(),
    unresolved,
    parseErrors: parseErrors
      .map((p) => ({ ...p, importsRecovered: recovered.get(p.file)!, live: live.has(p.file) }))
      .sort((a, b) => a.file.localeCompare(b.file)),
  };
}

function unresolvedRow(e: GraphEdge, live: boolean): UnresolvedImport {
  const group = unresolvedGroupOf(e.specifier);
  return {
    from: e.from,
    line: e.line,
    specifier: e.specifier,
    group,
    ...(group === 'uninstalled-package' ? { package: packageNameOf(e.specifier) } : {}),
    live,
  };
}
