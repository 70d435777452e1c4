import type { Node as MorphNode } from 'ts-morph';
import type { Finding } from '../../core/result.js';
import { fingerprintOf } from '../fingerprint.js';
import type { DetectorFiles } from './detector-files.js';

export interface TableReference {
  table: string;
  service: string;
  file: string;
  line: number;
}

export interface SharedTable {
  table: string;
  services: string[];
  locations: Array<{ file: string; line: number; service: string }>;
}

const SQL_STATEMENT_RE = /\b(select\b[\s\S]*\bfrom|insert\s+into|update\s+\S+\s+set|delete\s+from|create\s+table|alter\s+table|drop\s+table|truncate\b)/i;
const SQL_TABLE_RE = /\b(?:from|join|into|update|table(?:\s+if\s+(?:not\s+)?exists)?|truncate(?:\s+table)?)\s+((?:"[^"]+"|[a-z_][\w$]*)(?:\.(?:"[^"]+"|[a-z_][\w$]*))?)/gi;
const NOT_TABLES = new Set(['select', 'set', 'values', 'lateral', 'unnest', 'only', 'where', 'generate_series', 'json_each', 'jsonb_array_elements', 'if', 'exists', 'table']);
/** Query-builder calls whose first string argument is a table name (knex, kysely, drizzle-like helpers). */
const BUILDER_METHODS = new Set(['from', 'table', 'into', 'selectFrom', 'insertInto', 'updateTable', 'deleteFrom', 'withSchema.table']);
const BUILDER_FUNCTIONS = new Set(['knex', 'db', 'sql.table', 'table']);

function normaliseTable(raw: string): string {
  return raw.replaceAll('"', '').toLowerCase();
}

/** Table names referenced by SQL text. */
export function tablesInSql(sql: string): string[] {
  if (!SQL_STATEMENT_RE.test(sql)) return [];
  const out = new Set<string>();
  for (const m of sql.matchAll(SQL_TABLE_RE)) {
    const t = normaliseTable(m[1]);
    if (!NOT_TABLES.has(t)) out.add(t);
  }
  return [...out];
}

const PREFILTER_RE = new RegExp(`${SQL_STATEMENT_RE.source}|\\.(?:from|table|into|selectFrom|insertInto|updateTable|deleteFrom)\\(\\s*['"\`]|\\b(?:knex|db)\\(\\s*['"\`]`, 'i');

/** Every table a file references, from SQL in string/template literals and from query-builder table arguments. */
/** Cheap text test: could this file reference a table at all? */
export function mayReferenceTables(text: string): boolean {
  return PREFILTER_RE.test(text);
}

export function tableReferences(files: DetectorFiles, rel: string, service: string): TableReference[] {
  const text = files.text(rel);
  if (!text || !PREFILTER_RE.test(text)) return [];
  const { Node, SyntaxKind } = files.morph;
  const sf = files.sourceFile(rel);
  if (!sf) return [];
  const refs: TableReference[] = [];
  const seen = new Set<string>();
  const add = (table: string, node: MorphNode) => {
    const line = node.getStartLineNumber();
    const k = `${table}:${line}`;
    if (seen.has(k)) return;
    seen.add(k);
    refs.push({ table, service, file: rel, line });
  };
  sf.forEachDescendant((node) => {
    const k = node.getKind();
    if (k === SyntaxKind.StringLiteral || k === SyntaxKind.NoSubstitutionTemplateLiteral) {
      const parent = node.getParent();
      // A template piece inside a TemplateExpression is handled with its whole template.
      if (parent && Node.isTemplateSpan(parent)) return;
      for (const t of tablesInSql((node as unknown as { getLiteralText(): string }).getLiteralText())) add(t, node);
    } else if (Node.isTemplateExpression(node)) {
      // Substitutions become a placeholder so `FROM ${schema}.pitches` still reads as SQL.
      const sql = node.getHead().getLiteralText() + node.getTemplateSpans().map((s) => '$1' + s.getLiteral().getLiteralText()).join('');
      for (const t of tablesInSql(sql)) add(t, node);
    } else if (Node.isCallExpression(node)) {
      const arg = node.getArguments()[0];
      if (!arg || !(Node.isStringLiteral(arg) || Node.isNoSubstitutionTemplateLiteral(arg))) return;
      const callee = node.getExpression();
      const name = Node.isPropertyAccessExpression(callee) ? callee.getName() : callee.getText();
      if ((Node.isPropertyAccessExpression(callee) && BUILDER_METHODS.has(name)) || (!Node.isPropertyAccessExpression(callee) && BUILDER_FUNCTIONS.has(name))) {
        const t = arg.getLiteralText();
        if (/^[a-z_][\w$]*(\.[a-z_][\w$]*)?$/i.test(t)) add(normaliseTable(t), node);
      }
    }
  });
  return refs;
}

/** Tables referenced by more than one service: each is a shared-schema violation (the review's direct DB access). */
export function detectSharedTables(files: DetectorFiles, serviceFiles: Array<{ file: string; service: string }>): { shared: SharedTable[]; findings: Finding[] } {
  const byTable = new Map<string, TableReference[]>();
  for (const { file, service } of serviceFiles) {
    for (const r of tableReferences(files, file, service)) {
      let list = byTable.get(r.table);
      if (!list) byTable.set(r.table, (list = []));
      list.push(r);
    }
  }
  const shared: SharedTable[] = [];
  for (const [table, refs] of [...byTable.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const services = [...new Set(refs.map((r) => r.service))].sort();
    if (services.length < 2) continue;
    shared.push({ table, services, locations: refs.map((r) => ({ file: r.file, line: r.line, service: r.service })) });
  }
  const findings: Finding[] = shared.map((s) => ({
    rule: 'shared-table',
    severity: 'critical',
    title: `Table ${s.table} is used by ${s.services.length} services (${s.services.join(', ')})`,
    message: s.locations.map((l) => `${l.service}: ${l.file}:${l.line}`).join('; '),
    locations: s.locations.map((l) => ({ file: l.file, line: l.line })),
    fingerprint: fingerprintOf('shared-table', s.table, ...s.services),
  }));
  return { shared, findings };
}
