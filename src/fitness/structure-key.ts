import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { DependencyGraph } from '../core/result-static.js';

/**
 * A digest of the graph's structure: every module (path, external or not) and every edge (from, to, kind, line,
 * specifier, external / unresolved). Results computed from the structure alone (reachability, and with the judged
 * modules: cycles, Ca/Ce, the boundary clustering's import links) are cached under it: a warm re-run whose changed
 * files kept their imports finds the same digest, any changed, added or removed import gives another.
 */
export function graphDigest(graph: DependencyGraph): string {
  const h = createHash('sha1');
  let chunk = '';
  const add = (s: string) => {
    chunk += s;
    if (chunk.length > 1 << 16) {
      h.update(chunk);
      chunk = '';
    }
  };
  for (const m of graph.modules) add(`${m.external ? 'x' : 'm'}${m.path}\n`);
  add('\u0001');
  for (const e of graph.edges) {
    const flag = e.external ? 'x' : e.unresolved ? 'u' : '';
    add(`${e.from}\0${e.to}\0${e.kind}\0${e.line}\0${flag}\0${e.specifier}\n`);
  }
  h.update(chunk);
  return h.digest('base64url');
}

/** The graph digest and which modules are judged: the key of results computed over the judged graph. */
export function structureKey(digest: string, graph: DependencyGraph, judged: (file: string) => boolean): string {
  const h = createHash('sha1').update(digest);
  for (const m of graph.modules) if (!m.external && judged(m.path)) h.update(`${m.path}\n`);
  return h.digest('base64url');
}

/**
 * The value cached in `cacheDir` under `name` when it was computed for `key`, else `compute()` (then cached). Without a
 * cache folder or key it only computes. A cache that cannot be read or written only costs the computation.
 */
export function cachedByStructure<T>(
  cacheDir: string | undefined,
  name: string,
  key: string | undefined,
  compute: () => T,
): T {
  if (!cacheDir || !key) return compute();
  const file = path.join(cacheDir, `static-${name}-cache.json`);
  try {
    const data = JSON.parse(fs.readFileSync(file, 'utf8')) as { key: string; value: T };
    if (data.key === key) return data.value;
  } catch {
    // No cache yet, or an unreadable one.
  }
  const value = compute();
  try {
    fs.mkdirSync(cacheDir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify({ key, value }));
    fs.renameSync(tmp, file);
  } catch {
    // ignored: see above
  }
  return value;
}
