// Edge kinds without the Result schemas: the static analyses read them on every run, and loading zod and the
// schemas with them costs ~50 ms CPU per process start (result-static.ts re-exports them).

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
