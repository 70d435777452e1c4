import fs from 'node:fs';
import { InputError } from '../core/errors.js';
import { RESULT_SCHEMA_VERSION, type Result } from '../core/result.js';

/** Reads and validates a saved Result (result.json written by the json reporter). */
export async function readResultFile(file: string): Promise<Result> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${file} is not valid JSON: ${(e as Error).message}`);
  }
  const version = (data as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (version !== RESULT_SCHEMA_VERSION) {
    throw new InputError(
      `${file} is not a pitchey-fit result of schema ${RESULT_SCHEMA_VERSION} (schemaVersion: ${JSON.stringify(version ?? null)})`,
    );
  }
  const { validateResult } = await import('../report/index.js');
  const v = validateResult(data);
  if (!v.ok) throw new InputError(`${file} does not match the result schema: ${v.errors[0]}`);
  return data as Result;
}
