import { ConfigError } from '../core/errors.js';
import { configErrorFrom, configErrorMap } from './config-issues.js';
import { configSchema } from './schema.js';
import type { PitcheyFitConfig } from './types.js';

export { K6_DURATION_RE } from './schema.js';

const schemas = new Map<string, ReturnType<typeof configSchema>>();

/** An object literal (not an array, a Promise, a Map or a class instance, whose own keys say nothing). */
function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Validates the whole config; throws ConfigError naming the key path of the first problem. Unknown keys are errors,
 * so typos never pass silently. `builtinIds` are the built-in fitness function ids: entries with those keys are
 * overrides (any subset of fields, or false); other entries are custom functions and need metric, target and test.
 * Returns the object it was given (functions and all), not a copy.
 */
export function validateConfig(raw: unknown, builtinIds: readonly string[]): PitcheyFitConfig {
  if (!isPlainObject(raw)) {
    const got =
      raw === null
        ? 'null'
        : Array.isArray(raw)
          ? 'an array'
          : typeof raw === 'object'
            ? `a ${raw.constructor?.name ?? 'non-plain'} object`
            : typeof raw;
    throw new ConfigError(`the config must export an object (use defineConfig({...})), got ${got}`);
  }
  const key = builtinIds.join(',');
  let schema = schemas.get(key);
  if (!schema) schemas.set(key, (schema = configSchema(builtinIds)));
  const parsed = schema.safeParse(raw, { error: configErrorMap });
  if (!parsed.success) throw configErrorFrom(parsed.error);
  return raw;
}
