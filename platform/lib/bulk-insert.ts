import type { Queryable } from './db.js';

/** Multi-row INSERTs in chunks that stay under PostgreSQL's 65535 bind-parameter limit. */
export async function bulkInsert(
  tx: Queryable,
  table: string,
  columns: readonly string[],
  rows: readonly unknown[][],
  casts: readonly string[] = [],
): Promise<void> {
  const perChunk = Math.max(1, Math.floor(60_000 / columns.length));
  for (let i = 0; i < rows.length; i += perChunk) {
    const chunk = rows.slice(i, i + perChunk);
    const params: unknown[] = [];
    const values = chunk.map((r) => {
      const base = params.length;
      params.push(...r);
      return `(${columns.map((_, j) => `$${base + j + 1}${casts[j] ? `::${casts[j]}` : ''}`).join(', ')})`;
    });
    await tx.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values.join(', ')}`, params);
  }
}
