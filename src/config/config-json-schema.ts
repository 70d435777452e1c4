import * as z from 'zod';
import { configSchema } from './schema.js';

export const CONFIG_SCHEMA_ID = 'https://github.com/pitchey/pitchey-fit/schema/config.schema.json';

/**
 * The published JSON Schema (draft 2020-12) of the config file, made from its zod schema: schema/config.schema.json.
 * It serves editors (`"$schema"` in a JSON config); functions (`test`) and cross-field rules are checked on load only.
 */
export function configJsonSchema(builtinIds: readonly string[]): Record<string, unknown> {
  const { $schema, ...rest } = z.toJSONSchema(configSchema(builtinIds), {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
  });
  return { $schema, $id: CONFIG_SCHEMA_ID, title: 'pitchey-fit config', ...rest };
}
