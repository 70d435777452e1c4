import * as z from 'zod';

/** Static config keys of the decomposition analyses: table ownership, change coupling, boundary advice. */

const str = z.string().min(1);
const names = z.array(str);

export const ChangeCouplingConfigSchema = z.strictObject({
  enabled: z.boolean().optional().describe('Read git history for change coupling (default true in a git work tree).'),
  since: str.optional().describe('Window start passed to git log --since, e.g. "6 months ago" (default: all history).'),
  maxFilesPerCommit: z
    .int()
    .min(2)
    .optional()
    .describe('Commits changing more files are bulk (imports, renames, formatting) and ignored (default 20).'),
  minShared: z.int().min(1).optional().describe('Shared commits for a pair to be listed (default 2).'),
  minDegree: z
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe('Coupling degree (shared / mean revisions) for strong, e.g. hidden, coupling (default 0.5).'),
});

export const DomainBoundariesSchema = z
  .strictObject({
    aggregates: z.array(
      z.strictObject({
        name: str,
        entities: names,
        commands: names.optional(),
        events: names.optional(),
        tables: names
          .optional()
          .describe("The aggregate's tables (default: its entities' snake_case names, singular or plural)."),
      }),
    ),
    services: z.record(z.string(), names).describe('Service name -> the aggregates it owns.'),
  })
  .meta({ id: 'domainBoundaries' });

export const domainStaticConfigShape = {
  tables: z
    .union([z.literal(false), z.strictObject({})])
    .optional()
    .describe('Table ownership from SQL literals (PostgreSQL grammar); false turns it off.'),
  changeCoupling: ChangeCouplingConfigSchema.optional(),
  boundaries: z
    .union([
      z.literal(false),
      z.strictObject({
        weights: z
          .strictObject({
            imports: z.number().min(0).optional(),
            tables: z.number().min(0).optional(),
            coChange: z.number().min(0).optional(),
          })
          .optional()
          .describe('Edge weights of the clustering graph (default 1 each).'),
        seed: z.int().optional().describe('Seed of the Louvain random order (default 1): same input, same proposal.'),
      }),
    ])
    .optional()
    .describe('Boundary advice (Louvain clusters, modularity, per-service to-do list); false turns it off.'),
  domainBoundaries: DomainBoundariesSchema.optional(),
};
