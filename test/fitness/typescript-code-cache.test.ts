import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const api = pathToFileURL(path.resolve('dist/src/fitness/typescript-api.js')).href;

// Each load is a fresh process (the compiled dist/, built by the global setup): TypeScript loads once per process.
function loadAndParse(dir: string): { usedCache: boolean; statements: number; typeOnly: boolean } {
  const script = `
    import ts, { useTypeScriptCodeCache, saveTypeScriptCodeCache, typeScriptCodeCacheUsed } from ${JSON.stringify(api)};
    useTypeScriptCodeCache(${JSON.stringify(dir)});
    const sf = ts.createSourceFile('a.ts', 'import type { A } from "./a";\\nexport const x: A = 1;', ts.ScriptTarget.Latest);
    const usedCache = typeScriptCodeCacheUsed();
    saveTypeScriptCodeCache();
    const typeOnly = sf.statements[0].importClause.phaseModifier === ts.SyntaxKind.TypeKeyword;
    console.log(JSON.stringify({ usedCache, statements: sf.statements.length, typeOnly }));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as { usedCache: boolean; statements: number; typeOnly: boolean };
}

describe('TypeScript loaded with V8 code cache', () => {
  it('compiles without a cache once, writes it, and the next process parses the same with it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-ts-code-cache-'));
    try {
      const first = loadAndParse(dir);
      expect(first).toEqual({ usedCache: false, statements: 2, typeOnly: true });
      const written = fs.readdirSync(dir).filter((f) => f.endsWith('.codecache'));
      expect(written).toHaveLength(1);
      expect(fs.statSync(path.join(dir, written[0])).size).toBeGreaterThan(100_000);
      expect(loadAndParse(dir)).toEqual({ usedCache: true, statements: 2, typeOnly: true });
      // A damaged cache is rejected by V8: TypeScript still loads and parses, and the cache is written again.
      fs.writeFileSync(path.join(dir, written[0]), 'not a code cache');
      expect(loadAndParse(dir)).toEqual({ usedCache: false, statements: 2, typeOnly: true });
      expect(loadAndParse(dir).usedCache).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
