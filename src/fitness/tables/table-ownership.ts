import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Finding } from '../../core/result.js';
import type { TableOwnership, TableReference, TableRow } from '../../core/result-domain.js';
import { contentHash } from '../extraction-cache.js';
import { fingerprintOf } from '../fingerprint.js';
import { cachedByStructure } from '../structure-key.js';
import { readsAsSql, sqlInSource } from './sql-literals.js';
import { loadSqlParser, tablesOfSql, type TableUse } from './sql-tables.js';
import { TableCache, type FileSql, type ParsedStatements } from './table-cache.js';

export const NO_SERVICE_OWNER = '(no service)';

const require = createRequire(import.meta.url);
const PARSER_VERSION = (require('libpg-query/package.json') as { version: string }).version;
export const SQL_PARSER = `libpg-query ${PARSER_VERSION} (PostgreSQL grammar)`;

/** The tables one file's SQL literals and query-builder calls read and write (`parse` reads one statement). */
function sqlOfLiterals(
  { candidates, builder }: ReturnType<typeof sqlInSource>,
  parse: (sql: string) => TableUse[] | null,
): FileSql {
  const out: FileSql = { uses: [...builder], statements: 0, unparsed: 0 };
  for (const c of candidates) {
    const uses = readsAsSql(c) ? parse(c.text) : null;
    if (uses === null) {
      out.unparsed++;
      continue;
    }
    out.statements++;
    for (const u of uses) out.uses.push({ ...u, line: c.line });
  }
  return out;
}

/** The tables one file's SQL literals and query-builder calls read and write. */
export function sqlOfFile(fileName: string, text: string): FileSql {
  return sqlOfLiterals(sqlInSource(fileName, text), tablesOfSql);
}

export interface TableInput {
  root: string;
  /** Every internal module of the tree, with its service (null outside every service). */
  modules: Array<{ path: string; service: string | null }>;
  judged: (file: string) => boolean;
  servicesConfigured: boolean;
  text: (rel: string) => string;
  hashes?: Map<string, string>;
  cacheDir?: string;
  /** The graph's structure key (structure-key.ts): with it, the table results are cached. */
  structureKey?: string;
}

/** The owner column of a file: its service, else "(no service)"; its folder when no services are configured. */
function ownerOf(m: { path: string; service: string | null }, servicesConfigured: boolean): string {
  if (servicesConfigured) return m.service ?? NO_SERVICE_OWNER;
  const dir = path.posix.dirname(m.path);
  return dir === '.' ? '(root)' : dir;
}

/**
 * Reads and writes per table over the whole tree, the table × owner matrix over judged files, and the tables that
 * more than one service writes (each a violation listing its writing files). Parsing is cached per file content.
 */
export async function analyseTables(input: TableInput): Promise<{ tables: TableOwnership; findings: Finding[] }> {
  const cache = new TableCache(input.cacheDir, SQL_PARSER);
  const sqlOf: FileSql[] = [];
  for (const m of input.modules) {
    const hash = input.hashes?.get(m.path) ?? contentHash(input.text(m.path));
    let sql = cache.cached(m.path, hash);
    if (!sql) {
      const found = sqlInSource(m.path, input.text(m.path));
      const previous = cache.previousStatements(m.path);
      if (found.candidates.some((c) => readsAsSql(c) && !previous.has(c.text))) await loadSqlParser();
      const parsed: ParsedStatements = [];
      sql = sqlOfLiterals(found, (text) => {
        const uses = previous.has(text) ? previous.get(text)! : tablesOfSql(text);
        parsed.push([text, uses]);
        return uses;
      });
      cache.store(m.path, hash, sql, parsed);
    }
    sqlOf.push(sql);
  }
  cache.save();
  // The same SQL facts, modules, owners and judged files give the same tables (an edit that left SQL alone).
  const key =
    input.structureKey && cache.sqlVersion
      ? createHash('sha1')
          .update(JSON.stringify([cache.sqlVersion, input.structureKey, input.servicesConfigured]))
          .update(input.modules.map((m) => m.service ?? '\0').join('\n'))
          .digest('base64url')
      : undefined;
  const owned = cachedByStructure(input.cacheDir, 'table-results', key, () => tablesOf(input, sqlOf));
  const tableOwnership: TableOwnership = {
    owners: input.servicesConfigured ? 'services' : 'folders',
    parser: SQL_PARSER,
    statements: owned.statements,
    unparsed: owned.unparsed,
    cache: { hits: cache.hits, misses: cache.misses },
    tables: owned.tables,
    violations: owned.violations,
  };
  return { tables: tableOwnership, findings: owned.findings };
}

/** The table rows, violations and findings from each module's SQL facts (`sqlOf`, in module order). */
function tablesOf(input: TableInput, sqlOf: FileSql[]) {
  const byTable = new Map<string, TableReference[]>();
  let statements = 0;
  let unparsed = 0;
  input.modules.forEach((m, i) => {
    const sql = sqlOf[i];
    statements += sql.statements;
    unparsed += sql.unparsed;
    const owner = ownerOf(m, input.servicesConfigured);
    for (const u of sql.uses) {
      let refs = byTable.get(u.table);
      if (!refs) byTable.set(u.table, (refs = []));
      refs.push({ file: m.path, line: u.line, access: u.access, owner, live: input.judged(m.path) });
    }
  });

  const tables: TableRow[] = [...byTable.keys()].sort().map((table) => {
    const refs = byTable.get(table)!.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
    const judged = refs.filter((r) => r.live);
    const writers = [...new Set(judged.filter((r) => r.access === 'write').map((r) => r.owner))].sort();
    const readers = [...new Set(judged.map((r) => r.owner))].filter((o) => !writers.includes(o)).sort();
    return { table, readers, writers, references: refs };
  });
  const violations: TableOwnership['violations'] = [];
  if (input.servicesConfigured) {
    for (const t of tables) {
      const writers = t.writers.filter((w) => w !== NO_SERVICE_OWNER);
      if (writers.length < 2) continue;
      const files = t.references
        .filter((r) => r.live && r.access === 'write')
        .map((r) => ({ file: r.file, line: r.line, owner: r.owner }));
      violations.push({ table: t.table, writers, files });
    }
  }
  const findings: Finding[] = violations.map((v) => ({
    rule: 'table-written-by-several-services',
    severity: 'critical',
    title: `Table ${v.table} is written by ${v.writers.length} services (${v.writers.join(', ')})`,
    message: v.files.map((f) => `${f.owner}: ${f.file}:${f.line}`).join('; '),
    locations: v.files.map((f) => ({ file: f.file, line: f.line })),
    fingerprint: fingerprintOf('table-written-by-several-services', v.table, ...v.writers),
  }));
  return { statements, unparsed, tables, violations, findings };
}
