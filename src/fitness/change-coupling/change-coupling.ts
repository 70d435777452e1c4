import type { Finding } from '../../core/result.js';
import type { ChangeCoupling } from '../../core/result-domain.js';
import type { DependencyGraph, GraphEdge } from '../../core/result-static.js';
import { fingerprintOf } from '../fingerprint.js';
import { coChange } from './co-change.js';
import { NoGitHistory, readCommits } from './git-history.js';

/** Defaults: code-maat calls commits of more than 30 files bulk; a monolith's imports / renames are smaller here. */
export const CHANGE_COUPLING_DEFAULTS = { maxFilesPerCommit: 20, minShared: 2, minDegree: 0.5 };

export interface ChangeCouplingOptions {
  since?: string | null;
  maxFilesPerCommit?: number;
  minShared?: number;
  minDegree?: number;
}

/** Whether an import path (over `counts` edges) leads from a to b or from b to a. */
function importPathChecker(graph: DependencyGraph, counts: (e: GraphEdge) => boolean) {
  const out = new Map<string, string[]>();
  for (const e of graph.edges) {
    if (e.external || e.unresolved || !counts(e)) continue;
    let list = out.get(e.from);
    if (!list) out.set(e.from, (list = []));
    list.push(e.to);
  }
  const reaches = (from: string, to: string) => {
    const seen = new Set([from]);
    const stack = [from];
    while (stack.length > 0) {
      for (const next of out.get(stack.pop()!) ?? []) {
        if (next === to) return true;
        if (seen.has(next)) continue;
        seen.add(next);
        stack.push(next);
      }
    }
    return false;
  };
  return (a: string, b: string) => reaches(a, b) || reaches(b, a);
}

/**
 * Change coupling from git history: modules (and services) changed in the same commits. Bulk commits are left out;
 * a strong pair without an import path between its modules is hidden coupling.
 */
export function analyseChangeCoupling(
  root: string,
  graph: DependencyGraph,
  counts: (e: GraphEdge) => boolean,
  options: ChangeCouplingOptions,
): { changeCoupling: ChangeCoupling; findings: Finding[] } {
  const since = options.since ?? null;
  const maxFiles = options.maxFilesPerCommit ?? CHANGE_COUPLING_DEFAULTS.maxFilesPerCommit;
  const minShared = options.minShared ?? CHANGE_COUPLING_DEFAULTS.minShared;
  const minDegree = options.minDegree ?? CHANGE_COUPLING_DEFAULTS.minDegree;
  const base: ChangeCoupling = {
    available: false,
    since,
    maxFilesPerCommit: maxFiles,
    minShared,
    minDegree,
    commits: 0,
    bulkCommits: 0,
    revisions: [],
    pairs: [],
    servicePairs: [],
    serviceCommits: 0,
    crossServiceCommits: 0,
    crossServiceShare: null,
  };
  let commits;
  try {
    commits = readCommits(root, since);
  } catch (err) {
    if (err instanceof NoGitHistory) return { changeCoupling: { ...base, reason: err.message }, findings: [] };
    throw err;
  }
  const serviceOf = new Map(graph.modules.filter((m) => !m.external).map((m) => [m.path, m.service]));
  const moduleSets: string[][] = [];
  let bulk = 0;
  for (const c of commits) {
    const modules = c.files.filter((f) => serviceOf.has(f));
    if (modules.length === 0) continue;
    if (c.files.length > maxFiles) bulk++;
    else moduleSets.push(modules);
  }
  const modules = coChange(moduleSets, minShared);
  const serviceSets = moduleSets
    .map((set) => [...new Set(set.map((f) => serviceOf.get(f)).filter((s): s is string => !!s))])
    .filter((s) => s.length > 0);
  const services = coChange(serviceSets, 1);
  const hasPath = importPathChecker(graph, counts);
  const pairs = modules.pairs.map((p) => {
    const importPath = hasPath(p.a, p.b);
    const sa = serviceOf.get(p.a) ?? null;
    const sb = serviceOf.get(p.b) ?? null;
    return {
      ...p,
      importPath,
      hidden: !importPath && p.degree >= minDegree,
      crossService: sa !== null && sb !== null && sa !== sb,
    };
  });
  const crossServiceCommits = serviceSets.filter((s) => s.length > 1).length;
  const changeCoupling: ChangeCoupling = {
    ...base,
    available: true,
    commits: moduleSets.length + bulk,
    bulkCommits: bulk,
    revisions: [...modules.revisions]
      .map(([file, revisions]) => ({ file, revisions }))
      .sort((a, b) => b.revisions - a.revisions || a.file.localeCompare(b.file)),
    pairs,
    servicePairs: services.pairs,
    serviceCommits: serviceSets.length,
    crossServiceCommits,
    crossServiceShare: serviceSets.length === 0 ? null : crossServiceCommits / serviceSets.length,
  };
  const findings: Finding[] = pairs
    .filter((p) => p.hidden)
    .map((p) => ({
      rule: 'hidden-change-coupling',
      severity: p.crossService ? 'medium' : 'low',
      title: `${p.a} and ${p.b} change together with no import path between them`,
      message: `${p.shared} shared commits, degree ${Math.round(p.degree * 100)}%`,
      locations: [{ file: p.a }, { file: p.b }],
      fingerprint: fingerprintOf('hidden-change-coupling', p.a, p.b),
    }));
  return { changeCoupling, findings };
}
