import { isBuiltin } from 'node:module';
import { ConfigError } from '../core/errors.js';
import type { DependencyRule } from '../config/types.js';
import type { Finding, Severity } from '../core/result.js';
import type { DependencyGraph, GraphEdge } from '../core/result-static.js';
import { fingerprintOf } from './fingerprint.js';
import { isValueEdge } from './martin-metrics.js';

/** dependency-cruiser's `required` rule: every module matching `module` must depend on a module matching `to`. */
export interface RequiredRule {
  name: string;
  severity?: DependencyRule['severity'];
  comment?: string;
  module: { path?: string | string[]; pathNot?: string | string[] };
  to: { path?: string | string[] };
}

export interface RuleSet {
  forbidden: DependencyRule[];
  allowed: DependencyRule[];
  required: RequiredRule[];
  /** Where the rules came from, for error messages: `static.rules` or the dependency-cruiser config path. */
  source: string;
  allowedSeverity?: DependencyRule['severity'];
}

function toRegex(p: string | string[] | undefined, keyPath: string): RegExp | undefined {
  if (p === undefined) return undefined;
  const src = Array.isArray(p) ? p.join('|') : p;
  try {
    return new RegExp(src);
  } catch (e) {
    throw new ConfigError(`invalid regular expression ${JSON.stringify(src)}: ${(e as Error).message}`, keyPath);
  }
}

export function severityOf(s: DependencyRule['severity'] | undefined): Severity {
  if (s === 'error' || s === 'critical') return 'critical';
  if (s === 'warn' || s === 'medium' || s === undefined) return 'medium';
  return 'low';
}

/** dependency-cruiser's dependency types of one of our edges. */
export function dependencyTypesOf(e: GraphEdge): string[] {
  const t: string[] = [];
  if (e.unresolved) t.push('unknown');
  else if (e.external) t.push(isBuiltin(e.specifier) ? 'core' : 'npm');
  else t.push('local');
  switch (e.kind) {
    case 'import':
      t.push('import');
      break;
    case 'import-type':
      t.push('import', 'type-only');
      break;
    case 'export-from':
      t.push('export');
      break;
    case 'export-type':
      t.push('export', 'type-only');
      break;
    case 'typeof-import':
      t.push('type-import');
      break;
    case 'dynamic-import':
      t.push('dynamic-import');
      break;
    case 'require':
      t.push('require');
      break;
    case 'triple-slash':
      t.push('triple-slash-directive');
      break;
  }
  if (!isValueEdge(e.kind)) t.push('pre-compilation-only');
  return t;
}

interface CompiledRule {
  rule: DependencyRule;
  keyPath: string;
  from: RegExp | undefined;
  fromNot: RegExp | undefined;
  to: RegExp | undefined;
  toNot: RegExp | undefined;
  /** `to` patterns with `$1`..`$9` (dependency-cruiser's group matching): compiled per `from` match. */
  toSource?: string;
  toNotSource?: string;
  byGroups: Map<string, { to: RegExp | undefined; toNot: RegExp | undefined }>;
}

const GROUP_REF_RE = /\$[1-9]/;

function joinPattern(p: string | string[] | undefined): string | undefined {
  return p === undefined ? undefined : Array.isArray(p) ? p.join('|') : p;
}

function compile(rule: DependencyRule, keyPath: string): CompiledRule {
  if (!rule || typeof rule !== 'object' || !rule.from || !rule.to)
    throw new ConfigError('a rule needs `from` and `to`', keyPath);
  const toSource = joinPattern(rule.to.path);
  const toNotSource = joinPattern(rule.to.pathNot);
  const grouped =
    (toSource !== undefined && GROUP_REF_RE.test(toSource)) ||
    (toNotSource !== undefined && GROUP_REF_RE.test(toNotSource));
  return {
    rule,
    keyPath,
    from: toRegex(rule.from.path, `${keyPath}.from.path`),
    fromNot: toRegex(rule.from.pathNot, `${keyPath}.from.pathNot`),
    to: grouped ? undefined : toRegex(rule.to.path, `${keyPath}.to.path`),
    toNot: grouped ? undefined : toRegex(rule.to.pathNot, `${keyPath}.to.pathNot`),
    ...(grouped ? { toSource, toNotSource } : {}),
    byGroups: new Map(),
  };
}

function fromMatches(c: CompiledRule, p: string): boolean {
  return (!c.from || c.from.test(p)) && (!c.fromNot || !c.fromNot.test(p));
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The `to` patterns for an edge, with `$n` replaced by the n-th group of the `from` match. */
function toPatterns(c: CompiledRule, from: string): { to: RegExp | undefined; toNot: RegExp | undefined } {
  if (c.toSource === undefined && c.toNotSource === undefined) return { to: c.to, toNot: c.toNot };
  const groups = c.from?.exec(from) ?? [];
  const key = groups.slice(1).join('\u0000');
  let hit = c.byGroups.get(key);
  if (!hit) {
    const sub = (src: string | undefined) =>
      src?.replace(/\$([1-9])/g, (_, n: string) => escapeRegex(groups[Number(n)] ?? ''));
    hit = {
      to: toRegex(sub(c.toSource), `${c.keyPath}.to.path`),
      toNot: toRegex(sub(c.toNotSource), `${c.keyPath}.to.pathNot`),
    };
    c.byGroups.set(key, hit);
  }
  return hit;
}

function edgeMatches(c: CompiledRule, e: GraphEdge, inCycle: (e: GraphEdge) => boolean): boolean {
  if (!fromMatches(c, e.from)) return false;
  const { to, toNot } = toPatterns(c, e.from);
  if (to && !to.test(e.to)) return false;
  if (toNot && toNot.test(e.to)) return false;
  const types = c.rule.to.dependencyTypes;
  if (types && types.length > 0) {
    const mine = dependencyTypesOf(e);
    if (!types.some((t) => mine.includes(t))) return false;
  }
  const notTypes = c.rule.to.dependencyTypesNot;
  if (notTypes && notTypes.length > 0) {
    const mine = dependencyTypesOf(e);
    if (notTypes.some((t) => mine.includes(t))) return false;
  }
  if (c.rule.to.circular !== undefined && c.rule.to.circular !== inCycle(e)) return false;
  return true;
}

/**
 * Evaluates forbidden / allowed / required rules on the graph. A rule whose `from` (or `module`) matches no module is
 * a config error: a rule that can never fire would pass silently.
 */
export function evaluateRules(graph: DependencyGraph, rules: RuleSet, inCycle: (e: GraphEdge) => boolean): Finding[] {
  const internalPaths = graph.modules.filter((m) => !m.external).map((m) => m.path);
  const findings: Finding[] = [];
  const forbidden = rules.forbidden.map((r, i) => compile(r, `${rules.source}.forbidden[${i}]`));
  const allowed = rules.allowed.map((r, i) => compile(r, `${rules.source}.allowed[${i}]`));
  for (const c of [...forbidden, ...allowed]) {
    if ((c.from || c.fromNot) && !internalPaths.some((p) => fromMatches(c, p))) {
      throw new ConfigError(`rule ${JSON.stringify(c.rule.name)}: from matches no module`, `${c.keyPath}.from`);
    }
  }
  for (const e of graph.edges) {
    for (const c of forbidden) {
      if (!edgeMatches(c, e, inCycle)) continue;
      findings.push({
        rule: `rule:${c.rule.name}`,
        severity: severityOf(c.rule.severity),
        title: `Forbidden dependency (${c.rule.name})`,
        message: `${e.kind} '${e.specifier}' -> ${e.to}${c.rule.comment ? ` — ${c.rule.comment}` : ''}`,
        locations: [{ file: e.from, line: e.line }],
        fingerprint: fingerprintOf(`rule:${c.rule.name}`, e.from, e.to, e.kind, e.specifier),
      });
    }
    if (allowed.length > 0 && !allowed.some((c) => edgeMatches(c, e, inCycle))) {
      findings.push({
        rule: 'rule:not-in-allowed',
        severity: severityOf(rules.allowedSeverity),
        title: 'Dependency not in the allowed rules',
        message: `${e.kind} '${e.specifier}' -> ${e.to}`,
        locations: [{ file: e.from, line: e.line }],
        fingerprint: fingerprintOf('rule:not-in-allowed', e.from, e.to, e.kind, e.specifier),
      });
    }
  }
  rules.required.forEach((r, i) => {
    const keyPath = `${rules.source}.required[${i}]`;
    const mod = toRegex(r.module?.path, `${keyPath}.module.path`);
    const modNot = toRegex(r.module?.pathNot, `${keyPath}.module.pathNot`);
    const to = toRegex(r.to?.path, `${keyPath}.to.path`);
    const subjects = internalPaths.filter((p) => (!mod || mod.test(p)) && (!modNot || !modNot.test(p)));
    if (subjects.length === 0)
      throw new ConfigError(`rule ${JSON.stringify(r.name)}: module matches no module`, `${keyPath}.module`);
    const hasRequired = new Set<string>();
    for (const e of graph.edges) if (!to || to.test(e.to)) hasRequired.add(e.from);
    for (const p of subjects) {
      if (hasRequired.has(p)) continue;
      findings.push({
        rule: `rule:${r.name}`,
        severity: severityOf(r.severity),
        title: `Required dependency missing (${r.name})`,
        message: `${p} does not depend on a module matching ${String(r.to?.path)}`,
        locations: [{ file: p }],
        fingerprint: fingerprintOf(`rule:${r.name}`, p),
      });
    }
  });
  return findings;
}
