import { messages, types } from '@electric-sql/pglite';

// The answer to one prepared-statement call (Bind, Describe, Execute, Sync) read straight from the wire bytes.
// PGlite's own reader copies every field into a new ArrayBuffer and builds a message object per row before the rows
// are built: for a 20-row list that is ~5× the statement itself, and the ArrayBuffers make every scavenge sweep them.
// Here each value is decoded from a view of the one buffer. Only what such a call can answer is read: RowDescription,
// DataRow and ErrorResponse; the rest (BindComplete, CommandComplete, NoticeResponse, ReadyForQuery…) is skipped.
// Text format only (the platform never asks for binary results).

type Parser = (text: string, typeId: number) => unknown;

const ROW_DESCRIPTION = 0x54; // 'T'
const DATA_ROW = 0x44; // 'D'
const ERROR_RESPONSE = 0x45; // 'E'

const utf8 = new TextDecoder();

// ErrorResponse field codes (PostgreSQL protocol, "Error and Notice Message Fields") → DatabaseError properties.
const ERROR_FIELDS: Record<string, keyof InstanceType<typeof messages.DatabaseError>> = {
  S: 'severity',
  C: 'code',
  D: 'detail',
  H: 'hint',
  P: 'position',
  p: 'internalPosition',
  q: 'internalQuery',
  W: 'where',
  s: 'schema',
  t: 'table',
  c: 'column',
  d: 'dataType',
  n: 'constraint',
  F: 'file',
  L: 'line',
  R: 'routine',
};

export interface WireResult<T> {
  rows: T[];
  /** The statement's error, as PGlite's own reader would raise it (with its SQLSTATE in `code`). */
  error: InstanceType<typeof messages.DatabaseError> | null;
}

export function readWireResult<T>(bytes: Uint8Array, parsers: Record<number, Parser>): WireResult<T> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const cstring = (at: number): [string, number] => {
    let end = at;
    while (bytes[end] !== 0) end++;
    return [utf8.decode(bytes.subarray(at, end)), end + 1];
  };
  let fields: Array<{ name: string; parse: Parser | undefined; typeId: number }> = [];
  const rows: T[] = [];
  let error: WireResult<T>['error'] = null;
  for (let at = 0; at + 5 <= bytes.length;) {
    const type = bytes[at];
    const length = view.getInt32(at + 1);
    const next = at + 1 + length;
    let p = at + 5;
    if (type === ROW_DESCRIPTION) {
      const n = view.getInt16(p);
      p += 2;
      fields = [];
      for (let f = 0; f < n; f++) {
        const [name, after] = cstring(p);
        const typeId = view.getInt32(after + 6); // after the table OID (4) and column number (2)
        fields.push({ name, typeId, parse: parsers[typeId] ?? (types.parsers as Record<number, Parser>)[typeId] });
        p = after + 18; // table OID 4, column 2, type OID 4, type size 2, type modifier 4, format 2
      }
    } else if (type === DATA_ROW) {
      const n = view.getInt16(p);
      p += 2;
      const row: Record<string, unknown> = {};
      for (let f = 0; f < n; f++) {
        const size = view.getInt32(p);
        p += 4;
        const field = fields[f];
        if (size < 0) row[field.name] = null;
        else {
          const text = utf8.decode(bytes.subarray(p, p + size));
          p += size;
          row[field.name] = field.parse ? field.parse(text, field.typeId) : text;
        }
      }
      rows.push(row as T);
    } else if (type === ERROR_RESPONSE && !error) {
      const found: Record<string, string> = {};
      while (bytes[p] !== 0) {
        const code = String.fromCharCode(bytes[p]);
        const [value, after] = cstring(p + 1);
        found[code] = value;
        p = after;
      }
      const e = new messages.DatabaseError(found.M ?? 'unknown database error', length, 'error');
      for (const [code, prop] of Object.entries(ERROR_FIELDS))
        if (found[code] !== undefined) (e as unknown as Record<string, string>)[prop] = found[code];
      error = e;
    }
    at = next;
  }
  return { rows, error };
}
