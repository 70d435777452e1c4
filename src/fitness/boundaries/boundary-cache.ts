import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { BoundaryAdvice } from '../../core/result-domain.js';
import type { BoundaryInput } from './boundary-advice.js';

const CACHE_FORMAT = 2;

/**
 * A hash of everything the clustering reads: modules and their services, counted edges, table references,
 * co-change pairs, weights and seed. A warm run whose change left all of them alike reuses the last advice.
 */
export function boundaryInputKey(input: BoundaryInput, structure: string, countTypeOnly: boolean): string {
  const h = crypto.createHash('sha1');
  // The graph's structure (structure-key.ts) and which edge kinds count stand for the counted edges.
  h.update(JSON.stringify([CACHE_FORMAT, input.weights ?? null, input.seed ?? null, structure, countTypeOnly]));
  for (const m of input.judged.modules) {
    if (!m.external) h.update(`m${m.path}\0${m.service ?? ''}\0${m.sharedClass ?? ''}\n`);
  }
  for (const t of input.tables?.tables ?? []) {
    for (const r of t.references) h.update(`t${t.table}\0${r.file}\0${r.line}\0${r.access}\0${r.live}\n`);
  }
  for (const p of input.changeCoupling?.pairs ?? []) h.update(`c${p.a}\0${p.b}\0${p.shared}\0${p.degree}\n`);
  return h.digest('base64url');
}

/** The last boundary advice and its input key, one JSON file in the cache folder. */
export async function cachedAdvice(
  cacheDir: string | undefined,
  key: string,
  compute: () => Promise<BoundaryAdvice>,
): Promise<BoundaryAdvice> {
  if (!cacheDir) return compute();
  const file = path.join(cacheDir, 'static-boundary-cache.json');
  try {
    const data = JSON.parse(fs.readFileSync(file, 'utf8')) as { key: string; advice: BoundaryAdvice };
    if (data.key === key) return data.advice;
  } catch {
    // No cache yet, or an unreadable one.
  }
  const advice = await compute();
  fs.mkdirSync(cacheDir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify({ key, advice }));
  fs.renameSync(tmp, file);
  return advice;
}
