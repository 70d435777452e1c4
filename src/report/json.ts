import type { Result } from '../core/result.js';

/** The Result as published JSON (schema/result.schema.json), two-space indented, ending with a newline. */
export function renderJson(result: Result): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}
