import fs from 'node:fs';
import path from 'node:path';
import type { DependencyGraph, GraphEdge, GraphModule } from '../core/result-static.js';
import { extractFile, type ExportedDeclarations, type FileExtraction } from './import-extraction.js';
import { contentHash, ExtractionCache } from './extraction-cache.js';
import type { ModuleResolver } from './module-resolver.js';

export interface BuiltGraph {
  graph: DependencyGraph;
  /** Exported declaration counts per module path (for abstractness). */
  exported: Map<string, ExportedDeclarations>;
  parseErrors: Array<{ file: string; message: string }>;
  cache?: { hits: number; misses: number };
}

export function toPosixRelative(root: string, abs: string): string {
  return path.relative(root, abs).split(path.sep).join('/');
}

/** Builds the dependency graph of `files` (relative to root) with our own extractor on the TypeScript parser. */
export function buildNativeGraph(root: string, files: string[], resolver: ModuleResolver, cacheDir?: string): BuiltGraph {
  const cache = cacheDir ? new ExtractionCache(cacheDir) : undefined;
  const current = new Map<string, { hash: string; extraction: FileExtraction }>();
  const modules = new Map<string, GraphModule>();
  const edges: GraphEdge[] = [];
  const exported = new Map<string, ExportedDeclarations>();
  const parseErrors: BuiltGraph['parseErrors'] = [];

  for (const rel of files) modules.set(rel, { path: rel, service: null });

  for (const rel of files) {
    const abs = path.join(root, rel);
    let text: string;
    try {
      text = fs.readFileSync(abs, 'utf8');
    } catch (e) {
      parseErrors.push({ file: rel, message: `unreadable: ${(e as Error).message}` });
      continue;
    }
    let extraction: FileExtraction | undefined;
    const hash = cache ? contentHash(text) : '';
    if (cache) extraction = cache.get(rel, hash);
    if (!extraction) {
      try {
        extraction = extractFile(abs, text);
      } catch (e) {
        parseErrors.push({ file: rel, message: (e as Error).message });
        continue;
      }
    }
    if (cache) current.set(rel, { hash, extraction });
    if (extraction.parseError) {
      // Reported and skipped: a file the parser cannot read contributes no edges.
      parseErrors.push({ file: rel, message: extraction.parseError });
      continue;
    }
    exported.set(rel, extraction.exported);
    for (const imp of extraction.imports) {
      const r = resolver.resolve(imp.specifier, abs, imp.kind);
      if (r.type === 'file') {
        const to = toPosixRelative(root, r.file);
        if (!modules.has(to)) modules.set(to, { path: to, service: null });
        edges.push({ from: rel, to, kind: imp.kind, specifier: imp.specifier, line: imp.line });
      } else if (r.type === 'external') {
        if (!modules.has(r.name)) modules.set(r.name, { path: r.name, service: null, external: true });
        edges.push({ from: rel, to: r.name, kind: imp.kind, specifier: imp.specifier, line: imp.line, external: true });
      } else {
        edges.push({ from: rel, to: imp.specifier, kind: imp.kind, specifier: imp.specifier, line: imp.line, unresolved: true });
      }
    }
  }
  if (cache) cache.save(current);
  return {
    graph: { root, modules: [...modules.values()], edges },
    exported,
    parseErrors,
    ...(cache ? { cache: { hits: cache.hits, misses: cache.misses } } : {}),
  };
}
