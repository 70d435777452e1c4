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
import { mulberry32 } from '../src/core/seeded-random.js';

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
  if (f > 2 && rand() < 0.05)
    lines.push(`export const lazy${f} = () => import('./m${pad(Math.floor(rand() * f), 4)}.js');`);
  return lines.join('\n') + '\n';
}

export function generateMonorepo(root: string, totalFiles = 10_000, packages = 40): GeneratedMonorepo {
  const filesPerPackage = Math.ceil(totalFiles / packages);
  const rand = mulberry32(42);
  fs.mkdirSync(root, { recursive: true });
  fs.writeFileSync(
    path.join(root, 'package.json'),
    JSON.stringify({ name: 'gen-monorepo', private: true, type: 'module', workspaces: ['packages/*'] }, null, 2),
  );
  fs.writeFileSync(
    path.join(root, 'tsconfig.base.json'),
    JSON.stringify(
      {
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
        },
      },
      null,
      2,
    ),
  );
  let files = 0;
  for (let p = 0; p < packages; p++) {
    const name = `pkg${pad(p, 3)}`;
    const dir = path.join(root, 'packages', name);
    fs.mkdirSync(path.join(dir, 'src'), { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'package.json'),
      JSON.stringify(
        {
          name: `@gen/${name}`,
          type: 'module',
          exports: { '.': './src/m0000.ts', './*': './src/*.ts' },
        },
        null,
        2,
      ),
    );
    fs.writeFileSync(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify(
        {
          extends: '../../tsconfig.base.json',
          compilerOptions: { paths: { '~pkg/*': ['./src/*'] } },
          include: ['src'],
        },
        null,
        2,
      ),
    );
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

const DOMAINS = ['user', 'pitch', 'nda', 'notification', 'media', 'billing', 'search', 'admin'];
const TABLES = ['users', 'pitches', 'ndas', 'notifications', 'media_files', 'invoices', 'audit_log'];

function monolithModule(d: string, f: number, perDomain: number, rand: () => number): string {
  const lines: string[] = [];
  const local = f === 0 ? 0 : 1 + Math.floor(rand() * Math.min(3, f));
  const seen = new Set<number>();
  for (let k = 0; k < local; k++) {
    const t = Math.floor(rand() * f);
    if (seen.has(t)) continue;
    seen.add(t);
    lines.push(`import { value${t} } from './m${pad(t, 4)}';`);
  }
  // Cross-domain imports and the shared db/util modules, as a monolith has them.
  if (rand() < 0.2) {
    const other = DOMAINS[Math.floor(rand() * DOMAINS.length)];
    lines.push(`import { value0 as ${other}Value } from '../${other}/m0000';`);
  }
  lines.push(`import { query } from '../../db/client';`);
  if (rand() < 0.3) lines.push(`import type { RouteContext } from '../../worker';`);
  lines.push('');
  lines.push(`export const value${f} = ${f};`);
  lines.push(`export async function load${f}(id: string): Promise<unknown[]> {`);
  const table = TABLES[Math.floor(rand() * TABLES.length)];
  const sql = rand() < 0.35;
  if (sql) {
    const op = rand();
    if (op < 0.5) lines.push(`  return query('SELECT id, name FROM ${table} WHERE id = $1', [id]);`);
    else if (op < 0.8)
      lines.push(`  return query(\`UPDATE ${table} SET updated_at = now() WHERE id = \${'$1'}\`, [id]);`);
    else lines.push(`  return query('INSERT INTO ${table} (id) VALUES ($1)', [id]);`);
  } else {
    lines.push(`  if (!id) throw new Error('Select a ${d} from the list');`);
    lines.push(`  return [id, value${f}];`);
  }
  lines.push('}');
  if (rand() < 0.05) lines.push(`export const ping${f} = () => fetch('http://127.0.0.1:9/${d}/${f}');`);
  lines.push(`export class Handler${f} {`);
  lines.push('  private readonly seen = new Map<string, number>();');
  lines.push(`  count(key: string): number { return (this.seen.get(key) ?? 0) + ${f % perDomain}; }`);
  lines.push('}');
  return lines.join('\n') + '\n';
}

/**
 * Generates a Cloudflare-worker-shaped monolith for the static benchmark: one entry (`wrangler.toml` main
 * `src/worker.ts`) that imports every live domain module and registers a route per module with
 * `this.register('GET', '/api/<domain>/<n>')`, modules importing each other, the shared db client and the entry's
 * types back, raw SQL in about a third of the files, and a dead `src/legacy/` tree (`deadShare` of the files) that
 * nothing reachable imports.
 */
export function generateMonolith(root: string, totalFiles = 10_000, deadShare = 0.3): GeneratedMonorepo {
  const rand = mulberry32(7);
  fs.mkdirSync(path.join(root, 'src', 'db'), { recursive: true });
  fs.writeFileSync(
    path.join(root, 'package.json'),
    JSON.stringify({ name: 'gen-monolith', private: true, type: 'module' }, null, 2),
  );
  fs.writeFileSync(path.join(root, 'wrangler.toml'), 'name = "gen-monolith"\nmain = "src/worker.ts"\n');
  fs.writeFileSync(
    path.join(root, 'tsconfig.json'),
    JSON.stringify(
      {
        compilerOptions: {
          target: 'ES2022',
          module: 'ESNext',
          moduleResolution: 'Bundler',
          strict: true,
          noEmit: true,
        },
      },
      null,
      2,
    ),
  );
  fs.writeFileSync(
    path.join(root, 'src', 'db', 'client.ts'),
    'export async function query(text: string, params: unknown[] = []): Promise<unknown[]> {\n  return [text, params];\n}\n',
  );
  const dead = Math.floor(totalFiles * deadShare);
  const live = totalFiles - dead - 2;
  const perDomain = Math.ceil(live / DOMAINS.length);
  const imports: string[] = [];
  const routes: string[] = [];
  let files = 2;
  for (const d of DOMAINS) {
    fs.mkdirSync(path.join(root, 'src', 'domains', d), { recursive: true });
    for (let f = 0; f < perDomain && files < totalFiles - dead; f++, files++) {
      fs.writeFileSync(path.join(root, 'src', 'domains', d, `m${pad(f, 4)}.ts`), monolithModule(d, f, perDomain, rand));
      imports.push(`import { load${f} as ${d}${f} } from './domains/${d}/m${pad(f, 4)}';`);
      routes.push(`    this.register('GET', '/api/${d}s/${f}', (ctx) => ${d}${f}(ctx.id));`);
    }
  }
  fs.mkdirSync(path.join(root, 'src', 'legacy'), { recursive: true });
  for (let f = 0; f < dead; f++, files++) {
    const text = monolithModule('legacy', f, dead, rand)
      .replaceAll("'../../", "'../")
      .replace(/from '\.\.\/\w+\/m0000'/, "from './m0000'");
    fs.writeFileSync(path.join(root, 'src', 'legacy', `m${pad(f, 4)}.ts`), text);
  }
  fs.writeFileSync(
    path.join(root, 'src', 'worker.ts'),
    [
      ...imports,
      '',
      'export interface RouteContext { id: string }',
      'type Handler = (ctx: RouteContext) => Promise<unknown>;',
      'export class Worker {',
      '  private readonly routes = new Map<string, Handler>();',
      '  register(method: string, path: string, h: Handler): void { this.routes.set(`${method} ${path}`, h); }',
      '  constructor() {',
      ...routes,
      '  }',
      '}',
      '',
    ].join('\n'),
  );
  return { root, files, packages: 1 };
}
