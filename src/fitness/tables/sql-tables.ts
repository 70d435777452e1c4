type SqlParser = typeof import('libpg-query');

export type TableAccess = 'read' | 'write';

/** A table a statement touches, and how: rows written (INSERT/UPDATE/DELETE/MERGE/TRUNCATE, DDL) or read. */
export interface TableUse {
  table: string;
  access: TableAccess;
}

let ready: Promise<void> | undefined;
let parser: SqlParser | undefined;

/**
 * Loads PostgreSQL's parser (libpg_query as WebAssembly) once per process, and only when a statement is to be parsed:
 * importing and instantiating it costs ~45 ms CPU, more than a warm run's whole table analysis.
 */
export function loadSqlParser(): Promise<void> {
  ready ??= import('libpg-query').then(async (m) => {
    await m.loadModule();
    parser = m;
  });
  return ready;
}

/** `?` and `?NNN` parameters (SQLite / D1 / mysql style) outside quotes become `$n`, which PostgreSQL parses. */
export function toPostgresParameters(sql: string): string {
  let out = '';
  let quote: string | null = null;
  let n = 0;
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i];
    if (quote) {
      if (ch === quote) quote = null;
      out += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      out += ch;
    } else if (ch === '?' && !/[\w?|&]/.test(sql[i - 1] ?? ' ')) {
      while (/\d/.test(sql[i + 1] ?? '')) i++;
      out += `$${++n}`;
    } else {
      out += ch;
    }
  }
  return out;
}

type Node = Record<string, unknown>;
const WRITE_STATEMENTS: Record<string, string[]> = {
  InsertStmt: ['relation'],
  UpdateStmt: ['relation'],
  DeleteStmt: ['relation'],
  MergeStmt: ['relation'],
  TruncateStmt: ['relations'],
  CreateStmt: ['relation'],
  AlterTableStmt: ['relation'],
  IndexStmt: ['relation'],
};

function tableName(rangeVar: Node): string {
  const schema = typeof rangeVar.schemaname === 'string' ? rangeVar.schemaname : undefined;
  const rel = String(rangeVar.relname).toLowerCase();
  return schema && schema !== 'public' ? `${schema.toLowerCase()}.${rel}` : rel;
}

/** Every RangeVar under `node`, with the CTE names it defines (a CTE is not a table). */
function walk(node: unknown, visit: (key: string, value: Node) => void): void {
  if (Array.isArray(node)) {
    for (const x of node) walk(x, visit);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node as Node)) {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) visit(key, value as Node);
    walk(value, visit);
  }
}

function rangeVarsOf(value: unknown): Node[] {
  const list = Array.isArray(value) ? value : [value];
  return list.map((x) => ((x as Node)?.RangeVar ?? x) as Node).filter((x) => x && typeof x.relname === 'string');
}

/**
 * Tables of a SQL text by PostgreSQL's own grammar, or null when it does not parse (prose, another dialect, a
 * fragment). Write targets are writes; every other table reference (FROM, JOIN, sub-queries, USING) is a read.
 * DROP TABLE counts as a write of the dropped tables.
 */
export function tablesOfSql(sql: string): TableUse[] | null {
  if (!parser) throw new Error('tablesOfSql before loadSqlParser()');
  let tree: { stmts?: unknown[] };
  try {
    tree = parser.parseSync(toPostgresParameters(sql));
  } catch {
    return null;
  }
  const ctes = new Set<string>();
  const written = new Set<Node>();
  const uses = new Map<string, TableAccess>();
  const add = (table: string, access: TableAccess) => {
    if (uses.get(table) !== 'write') uses.set(table, access);
  };
  walk(tree.stmts, (key, value) => {
    if (key === 'CommonTableExpr' && typeof value.ctename === 'string') ctes.add(value.ctename.toLowerCase());
    const targets = WRITE_STATEMENTS[key];
    if (targets) for (const t of targets) for (const rv of rangeVarsOf(value[t])) written.add(rv);
    if (key === 'DropStmt' && value.removeType === 'OBJECT_TABLE') {
      for (const obj of (value.objects ?? []) as Node[]) {
        const names = ((obj.List as Node | undefined)?.items ?? []) as Node[];
        const parts = names.map((n) => (n.String as { sval?: string } | undefined)?.sval ?? '');
        if (parts.length > 0) add(tableName({ relname: parts.at(-1), schemaname: parts.at(-2) }), 'write');
      }
    }
  });
  walk(tree.stmts, (key, value) => {
    if (key !== 'RangeVar' && !written.has(value)) return;
    if (typeof value.relname !== 'string') return;
    const name = tableName(value);
    if (!value.schemaname && ctes.has(name)) return;
    add(name, written.has(value) ? 'write' : 'read');
  });
  return [...uses].map(([table, access]) => ({ table, access })).sort((a, b) => a.table.localeCompare(b.table));
}
