import fs from 'node:fs';
import path from 'node:path';
import type { DependencyGraph, GraphEdge, GraphModule } from '../core/result-static.js';
import { saveTypeScriptCodeCache, useTypeScriptCodeCache } from './typescript-api.js';
import { extractFile, type ExportedDeclarations, type FileExtraction } from './import-extraction.js';
import { contentHash, ExtractionCache, type CacheEntry, type CachedResolution } from './extraction-cache.js';
import type { ModuleResolver } from './module-resolver.js';
import { lineCount } from './module-view.js';

export interface BuiltGraph {
  graph: DependencyGraph;
  /** Exported declaration counts per module path (for abstractness). */
  exported: Map<string, ExportedDeclarations>;
  parseErrors: Array<{ file: string; message: string }>;
  /** File texts read while building (native engine; files a warm run did not read are missing), for the detectors. */
  texts?: Map<string, string>;
  /** Content hash per file (native engine with a cache), so detector caches need not read unchanged files. */
  hashes?: Map<string, string>;
  /** Line count per file (native engine). */
  lines?: Map<string, number>;
  cache?: { hits: number; misses: number; resolutionsReused: boolean };
}

export function toPosixRelative(root: string, abs: string): string {
  return path.relative(root, abs).split(path.sep).join('/');
}

/**
 * Builds the dependency graph of `files` (relative to root) with our own extractor on the TypeScript parser.
 * With a cache, unchanged files (same content hash) are not parsed again, and while no file was added or removed and
 * no tsconfig / package.json / lock file changed, their resolutions are reused too.
 */
export function buildNativeGraph(
  root: string,
  files: string[],
  resolver: ModuleResolver,
  cache?: { dir: string; environment: string },
): BuiltGraph {
  const store = cache ? new ExtractionCache(cache.dir, cache.environment) : undefined;
  if (cache) useTypeScriptCodeCache(cache.dir);
  const current = new Map<string, CacheEntry>();
  const modules = new Map<string, GraphModule>();
  const edges: GraphEdge[] = [];
  const exported = new Map<string, ExportedDeclarations>();
  const parseErrors: BuiltGraph['parseErrors'] = [];
  const texts = new Map<string, string>();
  const hashes = new Map<string, string>();
  const lines = new Map<string, number>();

  for (const rel of files) modules.set(rel, { path: rel, service: null });

  for (const rel of files) {
    const abs = path.join(root, rel);
    let stat: fs.Stats | undefined;
    let text: string | undefined;
    let hash: string;
    let hit: CacheEntry | undefined;
    try {
      stat = store ? fs.statSync(abs) : undefined;
      // Unchanged size and mtime: trust the cached hash and skip reading the file (a warm run reads only changes).
      hit = stat ? store!.unchanged(rel, stat.size, stat.mtimeMs) : undefined;
      if (hit) {
        hash = hit.hash;
        store!.hits++;
      } else {
        text = fs.readFileSync(abs, 'utf8');
        texts.set(rel, text);
        hash = store ? contentHash(text) : '';
        hit = store?.get(rel, hash);
      }
    } catch (e) {
      parseErrors.push({ file: rel, message: `unreadable: ${(e as Error).message}` });
      continue;
    }
    hashes.set(rel, hash);
    let extraction: FileExtraction | undefined = hit?.extraction;
    if (!extraction) {
      try {
        extraction = extractFile(abs, text!);
      } catch (e) {
        parseErrors.push({ file: rel, message: (e as Error).message });
        continue;
      }
    }
    const lineTotal = hit?.lines ?? lineCount(text ?? '');
    lines.set(rel, lineTotal);
    // A file with syntax errors is listed and keeps the imports TypeScript's error-recovering parser still found.
    if (extraction.parseError) parseErrors.push({ file: rel, message: extraction.parseError });
    exported.set(rel, extraction.exported);
    const reuse =
      hit?.resolved && store!.environmentMatches && hit.resolved.length === extraction.imports.length
        ? hit.resolved
        : undefined;
    const resolved: CachedResolution[] = [];
    extraction.imports.forEach((imp, i) => {
      let r = reuse?.[i];
      if (!r) {
        const fresh = resolver.resolve(imp.specifier, abs, imp.kind);
        r =
          fresh.type === 'file'
            ? { f: toPosixRelative(root, fresh.file) }
            : fresh.type === 'external'
              ? { e: fresh.name }
              : { u: 1 };
      }
      resolved.push(r);
      if ('f' in r) {
        if (!modules.has(r.f)) modules.set(r.f, { path: r.f, service: null });
        edges.push({ from: rel, to: r.f, kind: imp.kind, specifier: imp.specifier, line: imp.line });
      } else if ('e' in r) {
        if (!modules.has(r.e)) modules.set(r.e, { path: r.e, service: null, external: true });
        edges.push({ from: rel, to: r.e, kind: imp.kind, specifier: imp.specifier, line: imp.line, external: true });
      } else {
        edges.push({
          from: rel,
          to: imp.specifier,
          kind: imp.kind,
          specifier: imp.specifier,
          line: imp.line,
          unresolved: true,
        });
      }
    });
    if (store) {
      current.set(rel, { hash, size: stat!.size, mtimeMs: stat!.mtimeMs, lines: lineTotal, extraction, resolved });
    }
  }
  if (store) {
    store.save(current);
    saveTypeScriptCodeCache();
  }
  return {
    graph: { root, modules: [...modules.values()], edges },
    exported,
    parseErrors,
    texts,
    hashes,
    lines,
    ...(store
      ? { cache: { hits: store.hits, misses: store.misses, resolutionsReused: store.environmentMatches } }
      : {}),
  };
}
