/**
 * Reads measurements a user already has for `pitchey-fit scale --from-points <file>`:
 * CSV with a header naming an N column and an X column (optionally a latency column), or JSON.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../../core/errors.js';
import type { PointInput } from './analyse.js';

const N_NAMES = ['n', 'workers', 'concurrency', 'load', 'processors', 'users', 'vus'];
const X_NAMES = ['x', 'throughput', 'tput', 'rps', 'reqs', 'req/s'];
const LATENCY_NAMES = ['latency', 'p99', 'latencyp99ms', 'latency_p99_ms', 'p99_ms', 'latency_ms'];

function normalise(name: string): string {
  return name.trim().replace(/^"|"$/g, '').trim().toLowerCase();
}

function findColumn(header: string[], names: string[]): number {
  return header.findIndex((h) => names.includes(normalise(h)));
}

function parseNumber(raw: string | undefined, what: string, where: string): number {
  const text = (raw ?? '').trim().replace(/^"|"$/g, '');
  const v = Number(text);
  if (text === '' || !Number.isFinite(v))
    throw new InputError(`${where}: ${what} is not a number (${JSON.stringify(text)})`);
  return v;
}

/** Larger N or X are not measurements (a typo, a unit mix-up, an overflowed counter). */
export const MAX_N = 1_000_000;
export const MAX_X = 1e15;

function checkPoint(p: PointInput, where: string): PointInput {
  if (!Number.isInteger(p.n) || p.n < 1)
    throw new InputError(`${where}: N must be a positive whole number (workers, users), got ${p.n}`);
  if (p.n > MAX_N)
    throw new InputError(
      `${where}: N = ${p.n} is not a plausible measured N (at most ${MAX_N.toLocaleString('en-US')})`,
    );
  if (p.throughput < 0) throw new InputError(`${where}: X must not be negative, got ${p.throughput}`);
  if (p.throughput > MAX_X)
    throw new InputError(`${where}: X = ${p.throughput} is not a plausible throughput (at most ${MAX_X})`);
  if (p.latencyP99Ms != null && p.latencyP99Ms < 0)
    throw new InputError(`${where}: latency must not be negative, got ${p.latencyP99Ms}`);
  return p;
}

export function parsePointsCsv(text: string, file: string): PointInput[] {
  const lines = text.split(/\r?\n/);
  const headerIndex = lines.findIndex((l) => l.trim() !== '' && !l.trim().startsWith('#'));
  if (headerIndex < 0) throw new InputError(`${file}: empty file, expected a header like "N,X"`);
  const sep = lines[headerIndex].includes(',')
    ? ','
    : lines[headerIndex].includes(';')
      ? ';'
      : /\t/.test(lines[headerIndex])
        ? '\t'
        : ',';
  const header = lines[headerIndex].split(sep);
  const nCol = findColumn(header, N_NAMES);
  const xCol = findColumn(header, X_NAMES);
  const latCol = findColumn(header, LATENCY_NAMES);
  if (nCol < 0 || xCol < 0) {
    throw new InputError(
      `${file}:${headerIndex + 1}: the header needs an N column (${N_NAMES.join('/')}) and an X column (${X_NAMES.join('/')}), got ${JSON.stringify(lines[headerIndex].trim())}`,
    );
  }
  const out: PointInput[] = [];
  for (let i = headerIndex + 1; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    const cells = line.split(sep);
    const where = `${file}:${i + 1}`;
    const point: PointInput = {
      n: parseNumber(cells[nCol], 'N', where),
      throughput: parseNumber(cells[xCol], 'X', where),
    };
    if (latCol >= 0 && (cells[latCol] ?? '').trim() !== '')
      point.latencyP99Ms = parseNumber(cells[latCol], 'latency', where);
    out.push(checkPoint(point, where));
  }
  if (out.length === 0) throw new InputError(`${file}: no data rows after the header`);
  return out;
}

function pick(obj: Record<string, unknown>, names: string[]): unknown {
  for (const [k, v] of Object.entries(obj)) if (names.includes(normalise(k))) return v;
  return undefined;
}

export function parsePointsJson(text: string, file: string): PointInput[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${file}: invalid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const rows = Array.isArray(data)
    ? data
    : data && typeof data === 'object'
      ? (data as { points?: unknown }).points
      : undefined;
  if (!Array.isArray(rows))
    throw new InputError(`${file}: expected an array of { "N": …, "X": … } or { "points": [...] }`);
  if (rows.length === 0) throw new InputError(`${file}: no points`);
  return rows.map((row, i) => {
    const where = `${file}: points[${i}]`;
    if (!row || typeof row !== 'object') throw new InputError(`${where}: expected an object with N and X`);
    const r = row as Record<string, unknown>;
    const num = (v: unknown, what: string): number => {
      if (typeof v === 'number' && Number.isFinite(v)) return v;
      if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
      throw new InputError(`${where}: ${what} is missing or not a number (${JSON.stringify(v)})`);
    };
    const point: PointInput = { n: num(pick(r, N_NAMES), 'N'), throughput: num(pick(r, X_NAMES), 'X') };
    const lat = pick(r, LATENCY_NAMES);
    if (lat !== undefined && lat !== null) point.latencyP99Ms = num(lat, 'latency');
    return checkPoint(point, where);
  });
}

/** Reads a points file (.json as JSON, anything else as CSV). Bad input → InputError naming the file and line. */
export function readPointsFile(file: string): PointInput[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(
      `${file}: cannot read the points file (${code ?? (e instanceof Error ? e.message : String(e))})`,
    );
  }
  return path.extname(file).toLowerCase() === '.json' ? parsePointsJson(text, file) : parsePointsCsv(text, file);
}
