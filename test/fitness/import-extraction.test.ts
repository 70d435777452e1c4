import { describe, expect, it } from 'vitest';
import { extractFile } from '../../src/fitness/index.js';

const kinds = (src: string, file = 'x.ts') => extractFile(file, src).imports.map((i) => [i.specifier, i.kind, i.line]);

describe('extractFile', () => {
  it('classifies every edge kind', () => {
    expect(
      kinds(
        [
          "import a from './a';",
          "import type { B } from './b';",
          "import { type C, type D } from './c';",
          "import { type E, e } from './e';",
          "import * as ns from './ns';",
          "import './side';",
          "export { f } from './f';",
          "export type { G } from './g';",
          "export { type H } from './h';",
          "export * from './star';",
          "type T = typeof import('./t');",
          "let u: import('./u').U;",
          "const v = import('./v');",
          "const w = require('./w');",
          "import x = require('./x');",
          "import type y = require('./y');",
        ].join('\n'),
      ),
    ).toEqual([
      ['./a', 'import', 1],
      ['./b', 'import-type', 2],
      ['./c', 'import-type', 3],
      ['./e', 'import', 4],
      ['./ns', 'import', 5],
      ['./side', 'import', 6],
      ['./f', 'export-from', 7],
      ['./g', 'export-type', 8],
      ['./h', 'export-type', 9],
      ['./star', 'export-from', 10],
      ['./x', 'require', 15],
      ['./y', 'import-type', 16],
      ['./t', 'typeof-import', 11],
      ['./u', 'typeof-import', 12],
      ['./v', 'dynamic-import', 13],
      ['./w', 'require', 14],
    ]);
  });

  it('treats a default import next to inline types as a value import', () => {
    expect(kinds("import A, { type B } from './a';")).toEqual([['./a', 'import', 1]]);
  });

  it('reads triple-slash path references', () => {
    expect(kinds('/// <reference path="./globals.d.ts" />\nexport {};')).toEqual([
      ['./globals.d.ts', 'triple-slash', 1],
    ]);
  });

  it('ignores require() with a non-literal argument and calls of other functions', () => {
    expect(kinds("const m = require(name); const n = load('./n');")).toEqual([]);
  });

  it('counts exported declarations for abstractness', () => {
    const { exported } = extractFile(
      'x.ts',
      [
        'export interface I {}',
        'export type T = 1;',
        'export abstract class A {}',
        'export class C {}',
        'export const x = 1, y = 2;',
        'export function f() {}',
        'export enum E { a }',
        'const hidden = 1;',
        'interface Hidden {}',
        'export { hidden };',
        'export type { Hidden };',
      ].join('\n'),
    );
    // abstract: I, T, A, Hidden(type export) = 4; total: I T A C x y f E hidden Hidden = 10
    expect(exported).toEqual({ abstract: 4, total: 10 });
  });

  it('reports syntax errors with a line', () => {
    const r = extractFile('x.ts', "import { a } from './a';\nexport const x = a +;\n");
    expect(r.parseError).toBe('line 2: Expression expected.');
  });
});
