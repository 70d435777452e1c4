/** Decomposition analyses of the static section: table ownership, change coupling, boundary advice. */
import * as z from 'zod';
import { CountSchema, PositionSchema } from './result-common.js';

const ShareSchema = z.number().min(0).max(1);

export const TableReferenceSchema = z.strictObject({
  file: z.string(),
  line: PositionSchema,
  access: z.enum(['read', 'write']),
  owner: z.string().describe('Service of the file, "(no service)", or its folder when no services are configured.'),
  live: z.boolean().describe('The file is judged (reachable from an entry point unless scope is all).'),
});
export type TableReference = z.infer<typeof TableReferenceSchema>;

export const TableRowSchema = z.strictObject({
  table: z.string(),
  readers: z.array(z.string()).describe('Owners that only read the table (judged files), sorted.'),
  writers: z.array(z.string()).describe('Owners that write the table (judged files), sorted.'),
  references: z.array(TableReferenceSchema).describe('Every statement naming the table, dead files included.'),
});
export type TableRow = z.infer<typeof TableRowSchema>;

export const TableOwnershipSchema = z
  .strictObject({
    owners: z.enum(['services', 'folders']).describe('What the matrix columns are: services, or folders when none.'),
    parser: z.string().describe('The SQL grammar, e.g. "libpg-query 18.1.5 (PostgreSQL 18)".'),
    statements: CountSchema.describe('Literals read as SQL statements (whole tree).'),
    unparsed: CountSchema.describe('Literals that start like SQL but are not SQL by the grammar or read as prose.'),
    cache: z
      .strictObject({ hits: CountSchema, misses: CountSchema })
      .describe('Files whose SQL facts came from the per-content cache (hits) or were parsed (misses).'),
    tables: z.array(TableRowSchema),
    violations: z
      .array(
        z.strictObject({
          table: z.string(),
          writers: z.array(z.string()),
          files: z.array(z.strictObject({ file: z.string(), line: PositionSchema, owner: z.string() })),
        }),
      )
      .describe('Tables written by more than one service (judged files).'),
  })
  .meta({ id: 'tableOwnership' });
export type TableOwnership = z.infer<typeof TableOwnershipSchema>;

const couplingShape = {
  a: z.string(),
  b: z.string(),
  shared: CountSchema.describe('Commits that changed both.'),
  revisionsA: CountSchema,
  revisionsB: CountSchema,
  degree: ShareSchema.describe("code-maat's coupling degree: shared / mean(revisionsA, revisionsB)."),
  confidenceAB: ShareSchema.describe('shared / revisionsA: how often a change to a also changed b.'),
  confidenceBA: ShareSchema.describe('shared / revisionsB.'),
};

export const ChangeCouplingSchema = z
  .strictObject({
    available: z.boolean().describe('False when the root is not in a git work tree (then reason says why).'),
    reason: z.string().optional(),
    since: z.string().nullable().describe('The window start given to git log --since, or null for all history.'),
    maxFilesPerCommit: CountSchema.describe('Commits changing more files than this are bulk and ignored.'),
    minShared: CountSchema,
    minDegree: ShareSchema,
    commits: CountSchema.describe('Non-merge commits in the window that changed at least one module.'),
    bulkCommits: CountSchema,
    revisions: z.array(z.strictObject({ file: z.string(), revisions: CountSchema })).describe('Modules by revisions.'),
    pairs: z
      .array(
        z.strictObject({
          ...couplingShape,
          importPath: z.boolean().describe('A counted import path joins a and b (either direction).'),
          hidden: z.boolean().describe('Strong co-change (shared >= minShared, degree >= minDegree), no import path.'),
          crossService: z.boolean(),
        }),
      )
      .describe('Module pairs with shared >= minShared, by shared then degree.'),
    servicePairs: z.array(z.strictObject(couplingShape)).describe('Service pairs that changed together.'),
    serviceCommits: CountSchema.describe('Commits (not bulk) that changed a module of some service.'),
    crossServiceCommits: CountSchema.describe('Of those, commits that changed modules of two or more services.'),
    crossServiceShare: ShareSchema.nullable().describe('crossServiceCommits / serviceCommits; null when 0 / 0.'),
  })
  .meta({ id: 'changeCoupling' });
export type ChangeCoupling = z.infer<typeof ChangeCouplingSchema>;

export const BoundaryCrossingSchema = z.strictObject({
  kind: z.enum(['import', 'table', 'co-change']),
  weight: z.number().min(0).describe('Edge weight in the clustering graph; the list is sorted by it.'),
  other: z.string().describe('The other side: a service, "(no service)" or a folder.'),
  detail: z
    .string()
    .describe('What crosses: "a.ts:3 → b.ts", "table users: a.ts writes, b.ts reads", "a.ts ~ b.ts: …".'),
  file: z.string().optional(),
  line: PositionSchema.optional(),
});
export type BoundaryCrossing = z.infer<typeof BoundaryCrossingSchema>;

export const BoundaryAdviceSchema = z
  .strictObject({
    weights: z.strictObject({ imports: z.number(), tables: z.number(), coChange: z.number() }),
    seed: z.int(),
    modules: CountSchema.describe('Judged modules clustered.'),
    modularity: z.strictObject({
      proposal: z.number().describe('Modularity (Newman) of the clusters found by Louvain.'),
      services: z.number().nullable().describe('Modularity of the configured services (the rest one group each).'),
    }),
    clusters: z.array(
      z.strictObject({
        id: CountSchema,
        modules: z.array(z.string()),
        services: z.array(z.strictObject({ service: z.string(), modules: CountSchema })),
      }),
    ),
    services: z.array(
      z.strictObject({
        service: z.string(),
        autonomy: ShareSchema.describe('Internal weight / (internal + crossing weight) of its modules.'),
        crossingsTotal: CountSchema.describe('Crossings in all; the heaviest 500 are listed.'),
        crossings: z
          .array(BoundaryCrossingSchema)
          .describe('What crosses the boundary: heaviest first, then tables, co-changes, imports.'),
      }),
    ),
    aggregates: z
      .array(
        z.strictObject({
          aggregate: z.string(),
          service: z.string().nullable(),
          tables: z.array(z.string()),
          foreignWriters: z
            .array(z.strictObject({ table: z.string(), owner: z.string(), file: z.string(), line: PositionSchema }))
            .describe("Writes of the aggregate's tables from outside its owning service."),
        }),
      )
      .optional(),
  })
  .meta({ id: 'boundaryAdvice' });
export type BoundaryAdvice = z.infer<typeof BoundaryAdviceSchema>;
