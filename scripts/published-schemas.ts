import { configJsonSchema } from '../src/config/config-json-schema.js';
import { resultJsonSchema } from '../src/core/result-json-schema.js';
import { BUILTIN_IDS } from '../src/run/builtin-functions.js';

/** The JSON Schemas shipped in schema/, each generated from its zod source (`npm run schema` writes them). */
export const PUBLISHED_SCHEMAS: ReadonlyArray<{ file: string; generate: () => Record<string, unknown> }> = [
  { file: 'schema/result.schema.json', generate: resultJsonSchema },
  { file: 'schema/config.schema.json', generate: () => configJsonSchema(BUILTIN_IDS) },
];

/** The exact text of a published schema file. */
export function publishedSchemaText(generate: () => Record<string, unknown>): string {
  return `${JSON.stringify(generate(), null, 2)}\n`;
}
