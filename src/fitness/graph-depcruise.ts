import fs from 'node:fs';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import type { DependencyGraph, EdgeKind, GraphEdge, GraphModule } from '../core/result-static.js';
import { ConfigError } from '../core/errors.js';
import type { BuiltGraph } from './graph-native.js';
import { extractFile, type ExportedDeclarations } from './import-extraction.js';
import { packageNameOf } from './module-resolver.js';
import type { WorkspacePackage } from './workspace-packages.js';

interface DcDependency {
  module: string;
  resolved: string;
  dependencyTypes: string[];
  couldNotResolve: boolean;
  coreModule: boolean;
}
interface DcModule {
  source: string;
  dependencies: DcDependency[];
  coreModule?: boolean;
  couldNotResolve?: boolean;
  matchesDoNotFollow?: boolean;
}

/** Our edge kind for one dependency-cruiser dependency. */
export function edgeKindOfDependencyTypes(types: string[]): EdgeKind {
  const has = (t: string) => types.includes(t);
  if (has('triple-slash-directive') || has('triple-slash-file-reference') || has('triple-slash-type-reference'))
    return 'triple-slash';
  if (has('type-import')) return 'typeof-import';
  if (has('dynamic-import')) return 'dynamic-import';
  if (has('require') || has('import-equals') || has('exotic-require')) return 'require';
  if (has('export')) return has('type-only') ? 'export-type' : 'export-from';
  return has('type-only') ? 'import-type' : 'import';
}

function lineOfSpecifier(lines: string[] | undefined, specifier: string, from: number): number {
  if (!lines) return 0;
  const needles = [`'${specifier}'`, `"${specifier}"`, `\`${specifier}\``];
  for (let i = from; i < lines.length; i++) if (needles.some((n) => lines[i].includes(n))) return i + 1;
  for (let i = 0; i < from && i < lines.length; i++) if (needles.some((n) => lines[i].includes(n))) return i + 1;
  return 0;
}

/**
 * Builds the same graph model with dependency-cruiser's `cruise` API (the reference engine). dependency-cruiser
 * uses one tsconfig for the whole tree and resolves workspace packages only through node_modules.
 */
export async function buildDepcruiseGraph(
  root: string,
  files: string[],
  opts: { tsconfig?: string; packages: WorkspacePackage[] },
): Promise<BuiltGraph> {
  const { cruise } = await import('dependency-cruiser');
  let tsConfig: unknown;
  if (opts.tsconfig) {
    const { default: extractTSConfig } = await import('dependency-cruiser/config-utl/extract-ts-config');
    try {
      tsConfig = extractTSConfig(opts.tsconfig);
    } catch (e) {
      throw new ConfigError(
        `cannot read tsconfig ${opts.tsconfig}: ${(e as Error).message.split('\n')[0]}`,
        'static.tsconfig',
      );
    }
  }
  const previousCwd = process.cwd();
  let output: { modules: DcModule[] };
  try {
    const result = await cruise(
      files,
      {
        baseDir: root,
        tsPreCompilationDeps: true,
        doNotFollow: { path: 'node_modules' },
        ...(opts.tsconfig ? { tsConfig: { fileName: opts.tsconfig } } : {}),
      },
      {},
      tsConfig ? { tsConfig } : {},
    );
    output = result.output as unknown as { modules: DcModule[] };
  } finally {
    if (process.cwd() !== previousCwd) process.chdir(previousCwd);
  }
  const modules = new Map<string, GraphModule>();
  const edges: GraphEdge[] = [];
  const exported = new Map<string, ExportedDeclarations>();
  const parseErrors: BuiltGraph['parseErrors'] = [];
  const isExternalPath = (p: string) => p.startsWith('node_modules/') || p.includes('/node_modules/');
  for (const m of output.modules) {
    if (m.coreModule || m.couldNotResolve || isBuiltin(m.source)) continue;
    if (isExternalPath(m.source)) continue;
    modules.set(m.source, { path: m.source, service: null });
  }
  for (const m of output.modules) {
    if (!modules.has(m.source) || modules.get(m.source)!.external) continue;
    let text: string | undefined;
    try {
      text = fs.readFileSync(path.join(root, m.source), 'utf8');
    } catch {
      /* reported below */
    }
    if (text === undefined) {
      parseErrors.push({ file: m.source, message: 'unreadable' });
      continue;
    }
    const ex = extractFile(m.source, text);
    if (ex.parseError) {
      // Same policy as the native engine: a file with syntax errors is reported and contributes no edges.
      parseErrors.push({ file: m.source, message: ex.parseError });
      continue;
    }
    exported.set(m.source, ex.exported);
    const lines = text.split(/\r?\n/);
    const cursor = new Map<string, number>();
    for (const d of m.dependencies) {
      const kind = edgeKindOfDependencyTypes(d.dependencyTypes);
      let specifier = d.module;
      let line = lineOfSpecifier(lines, specifier, cursor.get(specifier) ?? 0);
      if (line === 0 && d.coreModule) {
        // dependency-cruiser reports `node:fs` as `fs`; keep the specifier as written.
        specifier = `node:${d.module}`;
        line = lineOfSpecifier(lines, specifier, cursor.get(specifier) ?? 0);
      }
      cursor.set(specifier, line);
      const base = { from: m.source, kind, specifier, line };
      if (d.coreModule) {
        const name = d.module.replace(/^node:/, '');
        if (!modules.has(name)) modules.set(name, { path: name, service: null, external: true });
        edges.push({ ...base, to: name, external: true });
      } else if (d.couldNotResolve) {
        edges.push({ ...base, to: d.module, unresolved: true });
      } else if (isExternalPath(d.resolved)) {
        const name = packageNameOf(d.module);
        if (!modules.has(name)) modules.set(name, { path: name, service: null, external: true });
        edges.push({ ...base, to: name, external: true });
      } else {
        if (!modules.has(d.resolved)) modules.set(d.resolved, { path: d.resolved, service: null });
        edges.push({ ...base, to: d.resolved });
      }
    }
  }
  const graph: DependencyGraph = { root, modules: [...modules.values()], edges };
  return { graph, exported, parseErrors };
}
