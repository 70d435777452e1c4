import * as z from 'zod';

/** Building blocks shared by the Result section schemas. `id` makes each a named `$defs` entry in the JSON Schema. */

export const CountSchema = z.int().min(0).meta({ id: 'count' });

/** A line or column number. */
export const PositionSchema = z.int().min(0);

export const NonNegativeSchema = z.number().min(0);

export const NumberOrNullSchema = z.number().nullable();

/** ISO 8601 date-time with an offset, as `Date#toISOString` writes it. */
export const TimestampSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/)
  .meta({ id: 'timestamp' });

export const SeveritySchema = z.enum(['critical', 'medium', 'low']).meta({ id: 'severity' });

/** A closed interval [low, high]. */
export const IntervalSchema = z.tuple([z.number(), z.number()]).meta({ id: 'interval' });
