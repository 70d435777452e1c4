import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import schema from '../../schema/result.schema.json' with { type: 'json' };

export type ValidationOutcome = { ok: true } | { ok: false; errors: string[] };

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  compiled ??= new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true }).compile(schema);
  return compiled;
}

function describe(e: ErrorObject): string {
  const where = e.instancePath || '/';
  if (e.keyword === 'additionalProperties')
    return `${where}: unknown property ${JSON.stringify(e.params.additionalProperty)}`;
  if (e.keyword === 'enum')
    return `${where}: must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
  if (e.keyword === 'const') return `${where}: must be ${JSON.stringify(e.params.allowedValue)}`;
  return `${where}: ${e.message ?? e.keyword}`;
}

/** Checks a parsed result.json against schema/result.schema.json. Errors are `instancePath: message` lines. */
export function validateResult(obj: unknown): ValidationOutcome {
  const validate = validator();
  if (validate(obj)) return { ok: true };
  return { ok: false, errors: (validate.errors ?? []).map(describe) };
}

export { schema as resultSchema };
