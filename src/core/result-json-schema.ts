import * as z from 'zod';
import { ResultSchema } from './result.js';

export const RESULT_SCHEMA_ID = 'https://github.com/pitchey/pitchey-fit/schema/result.schema.json';

/** The published JSON Schema (draft 2020-12) of the Result, generated from its zod schema: schema/result.schema.json */
export function resultJsonSchema(): Record<string, unknown> {
  const { $schema, ...rest } = z.toJSONSchema(ResultSchema, { target: 'draft-2020-12', io: 'output' });
  return { $schema, $id: RESULT_SCHEMA_ID, ...rest };
}
