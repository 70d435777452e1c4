import type * as TS from 'typescript';
import ts from '../typescript-api.js';

/** A string, template or tagged-template literal that starts like a SQL statement. */
export interface SqlCandidate {
  /** The literal's text; template substitutions become `$n` parameters so the statement still parses. */
  text: string;
  line: number;
  /** Why the literal is read as SQL when it parses: a `sql`-style tag or query call, or SQL-shaped text. */
  context: 'tag' | 'call' | 'text';
}

const STATEMENT_START_RE = /^[\s(]*(?:select|insert|update|delete|with|merge|create|alter|drop|truncate)\b/i;
const STATEMENT_HINT_RE = /\b(?:select|insert|update|delete|with|merge|create|alter|drop|truncate)\b/i;
/** Callees whose string argument is SQL: `db.query(…)`, `env.DB.prepare(…)`, `sql.unsafe(…)`, `knex.raw(…)`. */
const QUERY_CALL_RE = /(?:^|\.)(?:query|queryRaw|execute|exec|prepare|raw|unsafe|sql|run|all|first|many|one)$/i;
/** A statement keyword in capitals, as SQL is written in code (`SELECT`, not the sentence's `Select`). */
const UPPERCASE_KEYWORD_RE = /\b(?:SELECT|INSERT|UPDATE|DELETE|WITH|MERGE|CREATE|ALTER|DROP|TRUNCATE)\b/;
/** Punctuation that statements have and prose rarely does: `=`, `*`, `,`, `(`, `;`, a `$1` or `?` parameter. */
const SQL_PUNCTUATION_RE = /[=*,(;?]|\$\d/;

/**
 * Whether a literal that parses as SQL should be read as SQL. The PostgreSQL grammar accepts some sentences
 * ("Select a file from your computer" is `SELECT a AS file FROM your AS computer`), so parsed text also needs a SQL
 * context: a tag or query call around it, or SQL-shaped text (a capitalised keyword or SQL punctuation).
 */
export function readsAsSql(candidate: SqlCandidate): boolean {
  if (candidate.context !== 'text') return true;
  return UPPERCASE_KEYWORD_RE.test(candidate.text) || SQL_PUNCTUATION_RE.test(candidate.text);
}

function calleeText(expr: TS.Expression): string | undefined {
  if (ts.isIdentifier(expr)) return expr.text;
  if (ts.isPropertyAccessExpression(expr)) {
    const left = calleeText(expr.expression);
    return left === undefined ? expr.name.text : `${left}.${expr.name.text}`;
  }
  if (expr.kind === ts.SyntaxKind.ThisKeyword) return 'this';
  if (ts.isCallExpression(expr)) return calleeText(expr.expression);
  return undefined;
}

function scriptKindOf(fileName: string): TS.ScriptKind {
  if (fileName.endsWith('.tsx')) return ts.ScriptKind.TSX;
  if (fileName.endsWith('.jsx')) return ts.ScriptKind.JSX;
  if (/\.[cm]?js$/.test(fileName)) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

/** Substitutions become `$n` parameters, except a schema qualifier (`${schema}.pitches`), which is dropped. */
function templateText(node: TS.TemplateExpression): string {
  return (
    node.head.text +
    node.templateSpans
      .map((s, i) => (/^\.[A-Za-z_"]/.test(s.literal.text) ? s.literal.text.slice(1) : `$${i + 1}${s.literal.text}`))
      .join('')
  );
}

/** A table named by a query-builder call: `db.selectFrom('t')`, `knex('t').insert(…)`, `.into('t')`. */
export interface BuilderUse {
  table: string;
  access: 'read' | 'write';
  line: number;
}

const BUILDER_CALL_RE =
  /\.(?:from|table|into|selectFrom|insertInto|updateTable|deleteFrom)\s*\(|\b(?:knex|db|table)\s*\(/;
const BUILDER_ACCESS: Record<string, 'read' | 'write' | 'chain'> = {
  selectFrom: 'read',
  insertInto: 'write',
  updateTable: 'write',
  deleteFrom: 'write',
  into: 'write',
  from: 'chain',
  table: 'chain',
};
const BUILDER_FUNCTIONS = new Set(['knex', 'db', 'table']);
const WRITE_METHODS = new Set([
  'insert',
  'update',
  'del',
  'delete',
  'upsert',
  'merge',
  'truncate',
  'increment',
  'decrement',
]);
const TABLE_NAME_RE = /^[a-z_][\w$]*(\.[a-z_][\w$]*)?$/i;

/** `from('t')` / `knex('t')` write when the call chain around them inserts, updates or deletes. */
function chainWrites(node: TS.Node): boolean {
  let n: TS.Node = node;
  while (n.parent && (ts.isPropertyAccessExpression(n.parent) || ts.isCallExpression(n.parent))) {
    n = n.parent;
    if (ts.isPropertyAccessExpression(n) && WRITE_METHODS.has(n.name.text)) return true;
  }
  return false;
}

function builderUse(node: TS.CallExpression, line: number): BuilderUse | undefined {
  const arg = node.arguments[0];
  if (!arg || !(ts.isStringLiteral(arg) || ts.isNoSubstitutionTemplateLiteral(arg))) return undefined;
  if (!TABLE_NAME_RE.test(arg.text)) return undefined;
  const e = node.expression;
  const access = ts.isPropertyAccessExpression(e)
    ? Object.hasOwn(BUILDER_ACCESS, e.name.text) // not `toString` & co. from Object.prototype
      ? BUILDER_ACCESS[e.name.text]
      : undefined
    : ts.isIdentifier(e) && BUILDER_FUNCTIONS.has(e.text)
      ? 'chain'
      : undefined;
  if (!access) return undefined;
  const resolved = access === 'chain' ? (chainWrites(node) ? 'write' : 'read') : access;
  return { table: arg.text.toLowerCase(), access: resolved, line };
}

/**
 * The literals of a source file that start like a SQL statement (with the line and context of each), and the
 * tables its query-builder calls name.
 */
export function sqlInSource(fileName: string, text: string): { candidates: SqlCandidate[]; builder: BuilderUse[] } {
  const builder: BuilderUse[] = [];
  if (!STATEMENT_HINT_RE.test(text) && !BUILDER_CALL_RE.test(text)) return { candidates: [], builder };
  // Parent pointers: a builder call's chain (`knex('t').insert(…)`) decides whether it writes.
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, scriptKindOf(fileName));
  const out: SqlCandidate[] = [];
  const lineOf = (n: TS.Node) => sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
  const push = (node: TS.Node, sql: string, context: SqlCandidate['context']) => {
    if (STATEMENT_START_RE.test(sql)) out.push({ text: sql, line: lineOf(node), context });
  };
  const visit = (node: TS.Node, context: SqlCandidate['context']): void => {
    if (ts.isTaggedTemplateExpression(node)) {
      const t = node.template;
      push(node, ts.isTemplateExpression(t) ? templateText(t) : t.text, 'tag');
      if (ts.isTemplateExpression(t)) for (const s of t.templateSpans) visit(s.expression, 'text');
      return;
    }
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
      push(node, node.text, context);
      return;
    }
    if (ts.isTemplateExpression(node)) {
      push(node, templateText(node), context);
      for (const s of node.templateSpans) visit(s.expression, 'text');
      return;
    }
    if (ts.isCallExpression(node)) {
      const use = builderUse(node, lineOf(node));
      if (use) builder.push(use);
      const callee = calleeText(node.expression);
      const argContext = callee !== undefined && QUERY_CALL_RE.test(callee) ? 'call' : 'text';
      visit(node.expression, 'text');
      node.arguments.forEach((a, i) => visit(a, i === 0 ? argContext : 'text'));
      return;
    }
    ts.forEachChild(node, (c) => visit(c, 'text'));
  };
  visit(sf, 'text');
  return { candidates: out, builder };
}
