import fs from 'node:fs';
import path from 'node:path';
import type { DependencyGraph, EdgeKind, GraphEdge, GraphModule } from '../core/result-static.js';
import { saveTypeScriptCodeCache, useTypeScriptCodeCache } from './typescript-api.js';
import { extractFile, type ExportedDeclarations, type FileExtraction } from './import-extraction.js';
import {
  contentHash,
  decodeExtraction,
  encodeRecord,
  ExtractionCache,
  type CachedResolution,
  type ExtractionRecord,
} from './extraction-cache.js';
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
  const modules = new Map<string, GraphModule>();
  const edges: GraphEdge[] = [];
  const exported = new Map<string, ExportedDeclarations>();
  const parseErrors: BuiltGraph['parseErrors'] = [];
  const texts = new Map<string, string>();
  const hashes = new Map<string, string>();
  const lines = new Map<string, number>();

  for (const rel of files) modules.set(rel, { path: rel, service: null });

  const addEdge = (rel: string, specifier: string, kind: EdgeKind, line: number, r: string | [string] | null) => {
    if (typeof r === 'string') {
      if (!modules.has(r)) modules.set(r, { path: r, service: null });
      edges.push({ from: rel, to: r, kind, specifier, line });
    } else if (r !== null) {
      if (!modules.has(r[0])) modules.set(r[0], { path: r[0], service: null, external: true });
      edges.push({ from: rel, to: r[0], kind, specifier, line, external: true });
    } else {
      edges.push({ from: rel, to: specifier, kind, specifier, line, unresolved: true });
    }
  };
  const table = store?.paths ?? [];
  /** A cached resolution decoded (undefined: an index outside the path list, i.e. a damaged cache). */
  const decode = (r: CachedResolution): string | [string] | null | undefined => (typeof r === 'number' ? table[r] : r);

  for (const rel of files) {
    const abs = path.join(root, rel);
    let stat: fs.Stats | undefined;
    let text: string | undefined;
    let hash: string;
    let hit: ExtractionRecord | undefined;
    try {
      stat = store ? fs.statSync(abs) : undefined;
      // Unchanged size and mtime: trust the cached hash and skip reading the file (a warm run reads only changes).
      hit = stat ? store!.unchanged(rel, stat.size, stat.mtimeMs) : undefined;
      if (hit) {
        hash = hit[0];
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
    // The common warm case: same content, resolutions still valid: edges straight from the record.
    const cachedTargets = hit && hit[8] !== 0 && store!.environmentMatches ? hit[8].map(decode) : undefined;
    if (hit && cachedTargets && !cachedTargets.includes(undefined)) {
      if (hit[6] !== 0) parseErrors.push({ file: rel, message: hit[6] });
      exported.set(rel, { abstract: hit[4], total: hit[5] });
      lines.set(rel, hit[3]);
      const flat = hit[7];
      for (let i = 0, j = 0; i < flat.length; i += 3, j++) {
        addEdge(rel, flat[i] as string, flat[i + 1] as EdgeKind, flat[i + 2] as number, cachedTargets[j]!);
      }
      const same = hit[1] === stat!.size && hit[2] === stat!.mtimeMs;
      store!.keep(rel, same ? hit : ([hash, stat!.size, stat!.mtimeMs, ...hit.slice(3)] as ExtractionRecord));
      continue;
    }
    let extraction: FileExtraction | undefined = hit ? decodeExtraction(hit) : undefined;
    if (!extraction) {
      try {
        extraction = extractFile(abs, text!);
      } catch (e) {
        parseErrors.push({ file: rel, message: (e as Error).message });
        continue;
      }
    }
    const lineTotal = hit?.[3] ?? lineCount(text ?? '');
    lines.set(rel, lineTotal);
    // A file with syntax errors is listed and keeps the imports TypeScript's error-recovering parser still found.
    if (extraction.parseError) parseErrors.push({ file: rel, message: extraction.parseError });
    exported.set(rel, extraction.exported);
    const resolved: CachedResolution[] = [];
    for (const imp of extraction.imports) {
      const fresh = resolver.resolve(imp.specifier, abs, imp.kind);
      const r =
        fresh.type === 'file' ? toPosixRelative(root, fresh.file) : fresh.type === 'external' ? [fresh.name] : null;
      resolved.push(typeof r === 'string' && store ? store.encodeFile(r) : (r as [string] | null));
      addEdge(rel, imp.specifier, imp.kind, imp.line, r as string | [string] | null);
    }
    store?.keep(rel, encodeRecord(hash, stat!.size, stat!.mtimeMs, lineTotal, extraction, resolved));
  }
  if (store) {
    store.save();
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
