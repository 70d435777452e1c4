/**
 * Generates a synthetic TypeScript workspace monorepo for the static benchmark: `packages` workspace packages of
 * `filesPerPackage` files each, with relative imports, type imports, re-exports, dynamic imports, imports of other
 * packages (by name and by `exports` subpath), node builtins, per-package tsconfigs extending a base with `paths`, and
 * node_modules links for the packages (as `npm install` would make them, so dependency-cruiser resolves them too).
 *
 *   node dist/scripts/gen-monorepo.js <outDir> [files=10000] [packages=40]
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from '../src/load/seeded-random.js';

export interface GeneratedMonorepo {
  root: string;
  files: number;
  packages: number;
}

const pad = (n: number, w: number) => String(n).padStart(w, '0');

function moduleSource(p: number, f: number, filesPerPackage: number, packages: number, rand: () => number): string {
  const lines: string[] = [];
  const imports = new Set<string>();
  const localCount = f === 0 ? 0 : 1 + Math.floor(rand() * Math.min(4, f));
  for (let k = 0; k < localCount; k++) {
    const target = Math.floor(rand() * f);
    if (imports.has(`l${target}`)) continue;
    imports.add(`l${target}`);
    const name = `m${pad(target, 4)}`;
    if (rand() < 0.25) lines.push(`import type { Shape${target} } from './${name}.js';`);
    else lines.push(`import { value${target} } from './${name}.js';`);
  }
  // One package-level import (a lower package, so package dependencies stay acyclic) in ~30% of files.
  if (p > 0 && rand() < 0.3) {
    const other = Math.floor(rand() * p);
    if (rand() < 0.5) lines.push(`import { value0 as pkg${other}Value } from '@gen/pkg${pad(other, 3)}';`);
    else {
      const t = Math.floor(rand() * filesPerPackage);
      lines.push(`import type { Shape${t} as PkgShape${other}_${t} } from '@gen/pkg${pad(other, 3)}/m${pad(t, 4)}';`);
    }
  }
  if (rand() < 0.1) lines.push(`import { value0 as viaPaths } from '~pkg/m0000.js';`);
  if (rand() < 0.15) lines.push(`import { join } from 'node:path';`);
  if (f > 0 && rand() < 0.05) lines.push(`export { value0 as reexported${f} } from './m0000.js';`);
  lines.push('');
  lines.push(`export interface Shape${f} { id: string; size: number; tags: string[]; nested?: Shape${f} }`);
  lines.push(`export type Kind${f} = 'a' | 'b' | 'c';`);
  lines.push(`export const value${f} = ${f};`);
  lines.push('');
  lines.push(`export function compute${f}(input: Shape${f}[], kind: Kind${f} = 'a'): number {`);
  lines.push('  let total = 0;');
  lines.push('  for (const item of input) {');
  lines.push("    if (kind === 'a') total += item.size;");
  lines.push('    else total += item.tags.length * 2;');
  lines.push('  }');
  lines.push(`  return total + value${f};`);
  lines.push('}');
  lines.push('');
  lines.push(`export class Service${f} {`);
  lines.push('  private readonly cache = new Map<string, number>();');
  lines.push(`  get(key: string): number | undefined { return this.cache.get(key); }`);
  lines.push(`  set(key: string, v: number): void { this.cache.set(key, v); }`);
  lines.push('}');
  if (f > 2 && rand() < 0.05) lines.push(`export const lazy${f} = () => import('./m${pad(Math.floor(rand() * f), 4)}.js');`);
  return lines.join('\n') + '\n';
}

export function generateMonorepo(root: string, totalFiles = 10_000, packages = 40): GeneratedMonorepo {
  const filesPerPackage = Math.ceil(totalFiles / packages);
  const rand = mulberry32(42);
  fs.mkdirSync(root, { recursive: true });
  fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'gen-monorepo', private: true, type: 'module', workspaces: ['packages/*'] }, null, 2));
  fs.writeFileSync(path.join(root, 'tsconfig.base.json'), JSON.stringify({
    compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true },
  }, null, 2));
  let files = 0;
  for (let p = 0; p < packages; p++) {
    const name = `pkg${pad(p, 3)}`;
    const dir = path.join(root, 'packages', name);
    fs.mkdirSync(path.join(dir, 'src'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({
      name: `@gen/${name}`, type: 'module',
      exports: { '.': './src/m0000.ts', './*': './src/*.ts' },
    }, null, 2));
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
      extends: '../../tsconfig.base.json', compilerOptions: { paths: { '~pkg/*': ['./src/*'] } }, include: ['src'],
    }, null, 2));
    for (let f = 0; f < filesPerPackage && files < totalFiles; f++, files++) {
      fs.writeFileSync(path.join(dir, 'src', `m${pad(f, 4)}.ts`), moduleSource(p, f, filesPerPackage, packages, rand));
    }
    const link = path.join(root, 'node_modules', '@gen', name);
    fs.mkdirSync(path.dirname(link), { recursive: true });
    if (!fs.existsSync(link)) fs.symlinkSync(path.relative(path.dirname(link), dir), link, 'dir');
  }
  return { root, files, packages };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = process.argv[2];
  if (!out) {
    process.stderr.write('usage: gen-monorepo <outDir> [files=10000] [packages=40]\n');
    process.exit(2);
  }
  const r = generateMonorepo(path.resolve(out), Number(process.argv[3] ?? 10_000), Number(process.argv[4] ?? 40));
  process.stdout.write(`generated ${r.files} files in ${r.packages} packages under ${r.root}\n`);
}
