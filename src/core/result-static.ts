/** Static analysis data carried in the Result and handed to fitness functions. Owned by src/fitness. */
import * as z from 'zod';
import { CountSchema, PositionSchema } from './result-common.js';
import { BoundaryAdviceSchema, ChangeCouplingSchema, TableOwnershipSchema } from './result-domain.js';
import type { EdgeKind } from './edge-kinds.js';

export { TYPE_ONLY_EDGE_KINDS, type EdgeKind } from './edge-kinds.js';

// The dependency graph is handed to fitness functions in memory and never serialised into the Result (it can be
// large), so it has no runtime schema.

export interface GraphModule {
  /** Path relative to the analysed root, forward slashes. */
  path: string;
  /** Service name from config globs, or null when shared / outside every service. */
  service: string | null;
  /** For modules outside every service: how the config classes them. */
  sharedClass?: 'shared-allowed' | 'unclassified';
  external?: boolean;
}

export interface GraphEdge {
  from: string;
  to: string;
  kind: EdgeKind;
  /** The module specifier as written. */
  specifier: string;
  line: number;
  /** True when `to` could not be resolved to a file (then `to` is the specifier). */
  unresolved?: boolean;
  /** True when `to` is a package in node_modules (not part of the analysed tree). */
  external?: boolean;
}

/** The whole graph of the analysed tree. */
export interface DependencyGraph {
  root: string;
  modules: GraphModule[];
  edges: GraphEdge[];
}

const componentShape = {
  name: z.string(),
  modules: CountSchema,
  ca: CountSchema.describe(
    'Afferent coupling. Services: distinct modules of OTHER services that import this service (Martin, counted ' +
      "between services only; shared modules do not count). Folders: dependency-cruiser's --metrics definition.",
  ),
  ce: CountSchema.describe(
    'Efferent coupling. Services: distinct modules of this service that import another service; folders: as ' +
      'dependency-cruiser.',
  ),
  instability: z.number().nullable().describe('Ce / (Ca + Ce); null when Ca + Ce = 0.'),
  abstractness: z
    .number()
    .nullable()
    .describe('Abstract exported declarations / all exported declarations; null when nothing is exported.'),
  distance: z.number().nullable().describe('Distance from the main sequence |A + I - 1|; null when I or A is null.'),
  fanIn: CountSchema,
  fanOut: CountSchema,
};

/** Martin metrics for a component (service, folder or module). */
export const ComponentMetricsSchema = z.strictObject(componentShape).meta({ id: 'componentMetrics' });
export type ComponentMetrics = z.infer<typeof ComponentMetricsSchema>;

export const ServiceMetricsSchema = z
  .strictObject({
    ...componentShape,
    dependsOn: z.array(z.string()).describe('Services this one depends on at value level (import edges), sorted.'),
    dependedOnBy: z.array(z.string()).describe('Services that depend on this one at value level, sorted.'),
    autonomous: z.boolean(),
  })
  .meta({ id: 'serviceMetrics' });
export type ServiceMetrics = z.infer<typeof ServiceMetricsSchema>;

export const ServiceEdgeSchema = z.strictObject({
  from: z.string(),
  to: z.string(),
  valueEdges: CountSchema.describe('Value-level import edges between the two services.'),
  typeEdges: CountSchema.describe('Type-only edges between the two services.'),
  violating: z.boolean().describe('Counted against autonomy/coupling and not allowed by the config.'),
});
export type ServiceEdge = z.infer<typeof ServiceEdgeSchema>;

export const CycleInfoSchema = z
  .strictObject({
    size: z.int().min(1).describe('Files in the strongly connected component.'),
    example: z.array(z.string()).describe('A shortest example chain a -> b -> ... -> a.'),
  })
  .meta({ id: 'cycle' });
export type CycleInfo = z.infer<typeof CycleInfoSchema>;

export const EntryPointSchema = z
  .strictObject({
    file: z.string().describe('Module path relative to the root.'),
    source: z.enum(['config', 'package.json', 'wrangler', 'convention']),
    via: z.string().describe('What named it, e.g. "wrangler.toml main", "package.json bin.cli", "static.entry[0]".'),
  })
  .meta({ id: 'entryPoint' });
export type EntryPoint = z.infer<typeof EntryPointSchema>;

export const StaticScopeSchema = z
  .strictObject({
    judged: z
      .enum(['live', 'all'])
      .describe('live: metrics and findings judge only modules reachable from an entry point; all: every module.'),
    entries: z.array(EntryPointSchema),
    live: CountSchema.describe('Modules reachable from an entry point over any edge kind (all when none is known).'),
    dead: CountSchema,
    deadShare: z.number().min(0).max(1).describe('dead / modules.'),
    deadModules: z.array(z.string()),
    inServices: CountSchema.describe('Judged modules that a configured service owns.'),
  })
  .meta({ id: 'staticScope' });
export type StaticScope = z.infer<typeof StaticScopeSchema>;

export const ModuleRowSchema = z
  .strictObject({
    file: z.string(),
    lines: CountSchema,
    ca: CountSchema.describe('Distinct judged modules that import this one.'),
    ce: CountSchema.describe('Distinct judged modules this one imports.'),
  })
  .meta({ id: 'moduleRow' });
export type ModuleRow = z.infer<typeof ModuleRowSchema>;

export const UnresolvedGroupSchema = z.enum(['missing-file', 'uninstalled-package', 'url']);
export type UnresolvedGroup = z.infer<typeof UnresolvedGroupSchema>;

export const UnresolvedImportSchema = z.strictObject({
  from: z.string(),
  line: PositionSchema,
  specifier: z.string(),
  group: UnresolvedGroupSchema,
  package: z.string().optional().describe('For an uninstalled package: its name.'),
  live: z.boolean().describe('The importing file is reachable from an entry point.'),
});
export type UnresolvedImport = z.infer<typeof UnresolvedImportSchema>;

export const ParseErrorRowSchema = z.strictObject({
  file: z.string(),
  message: z.string(),
  importsRecovered: CountSchema.describe("Imports TypeScript's error-recovering parser still found (graph edges)."),
  live: z.boolean(),
});
export type ParseErrorRow = z.infer<typeof ParseErrorRowSchema>;

export const ModuleViewSchema = z
  .strictObject({
    modules: z.array(ModuleRowSchema).describe('Every judged module.'),
    hubsByCe: z.array(ModuleRowSchema).describe('Top judged modules by Ce (what they import), then lines.'),
    hubsByCa: z.array(ModuleRowSchema).describe('Top judged modules by Ca (what imports them), then lines.'),
    orphans: z.array(z.string()).describe('Modules with no internal edge in or out (whole tree).'),
    unresolved: z.strictObject({
      'missing-file': z.array(UnresolvedImportSchema),
      'uninstalled-package': z.array(UnresolvedImportSchema),
      url: z.array(UnresolvedImportSchema),
    }),
    parseErrors: z.array(ParseErrorRowSchema),
  })
  .meta({ id: 'moduleView' });
export type ModuleView = z.infer<typeof ModuleViewSchema>;

export const CycleGroupSchema = z
  .strictObject({
    size: z.int().min(1),
    members: z.array(z.string()).describe('Files of the strongly connected component, sorted.'),
    example: z.array(z.string()).describe('A shortest chain a -> ... -> a through the first member.'),
    elementaryCycles: CountSchema.describe('Elementary cycles found inside the component (up to the limit).'),
    entries: z.array(z.string()).describe('Entry points inside the component.'),
  })
  .meta({ id: 'cycleGroup' });
export type CycleGroup = z.infer<typeof CycleGroupSchema>;

export const CycleReportSchema = z
  .strictObject({
    groups: z.array(CycleGroupSchema),
    elementary: z
      .array(z.array(z.string()))
      .describe('Elementary cycles (Johnson), each a -> ... -> a from its alphabetically first file.'),
    truncated: z.boolean().describe('Enumeration stopped at the limit: there are more elementary cycles.'),
    circularEdges: z
      .array(z.strictObject({ from: z.string(), to: z.string() }))
      .describe("Distinct import pairs on a cycle (dependency-cruiser's circular)."),
    throughEntry: z.array(z.array(z.string())).describe('Elementary cycles that pass through an entry point.'),
  })
  .meta({ id: 'cycleReport' });
export type CycleReport = z.infer<typeof CycleReportSchema>;

export const StaticSectionSchema = z
  .strictObject({
    engine: z.enum(['native', 'dependency-cruiser']),
    root: z.string(),
    counted: z.enum(['value', 'all']).describe('Which edges autonomy and coupling counted.'),
    counts: z.strictObject({
      modules: CountSchema,
      edges: CountSchema,
      valueEdges: CountSchema,
      typeEdges: CountSchema,
      unresolved: CountSchema,
      parseErrors: CountSchema,
    }),
    services: z.array(ServiceMetricsSchema),
    serviceEdges: z.array(ServiceEdgeSchema),
    folders: z.array(ComponentMetricsSchema),
    cycles: z.strictObject({ all: z.array(CycleInfoSchema), value: z.array(CycleInfoSchema) }),
    parseErrors: z.array(z.strictObject({ file: z.string(), message: z.string() })),
    scope: StaticScopeSchema.optional().describe('Entry points, live and dead modules, what the metrics judged.'),
    modules: ModuleViewSchema.optional(),
    cycleAnalysis: z
      .strictObject({
        limit: CountSchema.describe('Cap on elementary cycles enumerated per edge set.'),
        all: CycleReportSchema.describe('Every edge kind, type-only included.'),
        value: CycleReportSchema.describe('Value edges only.'),
      })
      .optional(),
    tables: TableOwnershipSchema.optional().describe('Reads and writes per table from SQL literals.'),
    changeCoupling: ChangeCouplingSchema.optional().describe('Modules and services changed in the same commits.'),
    boundaries: BoundaryAdviceSchema.optional().describe('Louvain clusters, modularity, per-service to-do list.'),
    detectors: z
      .record(z.string(), z.unknown())
      .describe(
        'Free-form detector summaries (shared tables, mixed responsibilities, ...); findings carry the details.',
      ),
  })
  .meta({ id: 'staticSection' });
export type StaticSection = z.infer<typeof StaticSectionSchema>;
