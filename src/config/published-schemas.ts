import { resultJsonSchema } from '../core/result-json-schema.js';

/** The JSON Schemas shipped in schema/, each generated from its zod source (`npm run schema` writes them). */
export const PUBLISHED_SCHEMAS: ReadonlyArray<{ file: string; generate: () => Record<string, unknown> }> = [
  { file: 'schema/result.schema.json', generate: resultJsonSchema },
];

/** The exact text of a published schema file. */
export function publishedSchemaText(generate: () => Record<string, unknown>): string {
  return `${JSON.stringify(generate(), null, 2)}\n`;
}
