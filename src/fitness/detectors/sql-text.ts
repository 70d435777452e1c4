const SQL_STATEMENT_RE =
  /\b(select\b[\s\S]*\bfrom|insert\s+into|update\s+\S+\s+set|delete\s+from|create\s+table|alter\s+table|drop\s+table|truncate\b)/i;
const SQL_TABLE_RE =
  /\b(?:from|join|into|update|table(?:\s+if\s+(?:not\s+)?exists)?|truncate(?:\s+table)?)\s+((?:"[^"]+"|[a-z_][\w$]*)(?:\.(?:"[^"]+"|[a-z_][\w$]*))?)/gi;
const NOT_TABLES = new Set([
  'select',
  'set',
  'values',
  'lateral',
  'unnest',
  'only',
  'where',
  'generate_series',
  'json_each',
  'jsonb_array_elements',
  'if',
  'exists',
  'table',
]);
/** A keyword written in capitals, the way SQL is written in code (`SELECT`, not the sentence's `Select`). */
const UPPERCASE_KEYWORD_RE = /\b(?:SELECT|INSERT|UPDATE|DELETE|CREATE|ALTER|DROP|TRUNCATE)\b/;
/** Punctuation every non-trivial statement has and prose rarely does: `=`, `*`, `,`, `(`, `;`, `$1`, `?`. */
const SQL_PUNCTUATION_RE = /[=*,(;?]|\$\d/;

/**
 * Whether text reads as SQL rather than as an English sentence ("Select a file from your computer"): a statement
 * shape plus a capitalised keyword or SQL punctuation. A heuristic until a real SQL parser reads the literals.
 */
export function looksLikeSql(text: string): boolean {
  return SQL_STATEMENT_RE.test(text) && (UPPERCASE_KEYWORD_RE.test(text) || SQL_PUNCTUATION_RE.test(text));
}

/** Table names referenced by SQL text. */
export function tablesInSql(sql: string): string[] {
  if (!looksLikeSql(sql)) return [];
  const out = new Set<string>();
  for (const m of sql.matchAll(SQL_TABLE_RE)) {
    const t = m[1].replaceAll('"', '').toLowerCase();
    if (!NOT_TABLES.has(t)) out.add(t);
  }
  return [...out];
}
