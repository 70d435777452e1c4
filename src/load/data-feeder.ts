import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, InputError } from '../core/errors.js';

export type DataRow = Record<string, string | number>;

/** Parses CSV with a header row (RFC 4180 quoting). Numbers stay strings: templates print them as written. */
export function parseCsv(text: string, file: string): DataRow[] {
  const rows: string[][] = [];
  let field = '';
  let row: string[] = [];
  let quoted = false;
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === '\n') line++;
        field += c;
      }
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      field = '';
      if (row.length > 1 || row[0] !== '') rows.push(row);
      row = [];
      line++;
    } else field += c;
  }
  if (quoted) throw new InputError(`${file}:${line}: unterminated quoted field`);
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  if (rows.length === 0) return [];
  const header = rows[0];
  return rows.slice(1).map((r, i) => {
    if (r.length !== header.length)
      throw new InputError(`${file}:${i + 2}: expected ${header.length} fields, got ${r.length}`);
    return Object.fromEntries(header.map((h, j) => [h, r[j]]));
  });
}

/**
 * Loads a scenario's `data`: inline rows, or a CSV / JSON (array of objects) file relative to `baseDir`. Other
 * shapes (e.g. a platform's seed manifest) are turned into rows by their adapter before the scenario gets here.
 */
export function loadDataRows(
  data: string | DataRow[] | undefined,
  baseDir: string,
  keyPath: string,
): DataRow[] | undefined {
  if (data === undefined) return undefined;
  if (Array.isArray(data)) return data;
  const file = path.resolve(baseDir, data);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(
      `cannot read data file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      keyPath,
    );
  }
  if (file.endsWith('.json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw new InputError(`${file}: invalid JSON: ${(e as Error).message}`);
    }
    if (!Array.isArray(parsed) || parsed.some((r) => r === null || typeof r !== 'object')) {
      throw new InputError(`${file}: expected a JSON array of objects`);
    }
    return parsed as DataRow[];
  }
  return parseCsv(text, file);
}
