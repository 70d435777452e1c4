/** Static analysis data carried in the Result and handed to fitness functions. Owned by src/fitness. */
import * as z from 'zod';
import { CountSchema } from './result-common.js';

export type EdgeKind =
  | 'import' // import x from / import {a} from / import * as / side-effect import (value)
  | 'import-type' // import type {A} from, or import { type A, type B } (all specifiers types)
  | 'export-from' // export {a} from / export * from (value)
  | 'export-type' // export type {A} from
  | 'typeof-import' // typeof import('x') / import('x').T in a type position
  | 'dynamic-import' // import('x') in a value position
  | 'require' // require('x')
  | 'triple-slash'; // /// <reference path|types>

export const TYPE_ONLY_EDGE_KINDS: ReadonlySet<EdgeKind> = new Set([
  'import-type',
  'export-type',
  'typeof-import',
  'triple-slash',
]);

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
    detectors: z
      .record(z.string(), z.unknown())
      .describe(
        'Free-form detector summaries (shared tables, mixed responsibilities, ...); findings carry the details.',
      ),
  })
  .meta({ id: 'staticSection' });
export type StaticSection = z.infer<typeof StaticSectionSchema>;
