import type { Db } from './db.js';

export interface Migration {
  /** Stable, ordered identifier, e.g. `001_users`. */
  id: string;
  sql: string;
}

// One lock id for every migration run, so processes starting together apply each migration once.
const MIGRATION_LOCK = 74_1100;

/** Applies the not-yet-applied migrations of one schema, in id order, each in its own transaction. */
export async function migrate(db: Db, schema: string, migrations: Migration[]): Promise<string[]> {
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.query(
      `CREATE TABLE IF NOT EXISTS public.schema_migrations (
         schema_name text NOT NULL, id text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(),
         PRIMARY KEY (schema_name, id))`,
    );
  });
  const applied: string[] = [];
  for (const m of [...migrations].sort((a, b) => a.id.localeCompare(b.id))) {
    const done = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      const rows = await tx.query('SELECT 1 FROM public.schema_migrations WHERE schema_name = $1 AND id = $2', [
        schema,
        m.id,
      ]);
      if (rows.length > 0) return true;
      for (const statement of splitStatements(m.sql)) await tx.query(statement);
      await tx.query('INSERT INTO public.schema_migrations (schema_name, id) VALUES ($1, $2)', [schema, m.id]);
      return false;
    });
    if (!done) applied.push(m.id);
  }
  return applied;
}

/** Splits migration text on semicolons at line ends; our migrations contain no procedural bodies. */
function splitStatements(sql: string): string[] {
  return sql
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
