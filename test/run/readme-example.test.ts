import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../cli/run-cli.js';

/** The first ```js block of the README's "Programmatic API" section, as a user would copy it. */
function readmeExample(): string {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Programmatic API'));
  const match = /```js\n([\s\S]*?)```/.exec(section);
  if (!match) throw new Error('README: no js example under "Programmatic API"');
  return match[1];
}

describe('the README run() example', () => {
  it('runs as written against the built package, on the pitchey-decomposed fixture', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-readme-'));
    fs.cpSync(path.join(ROOT, 'fixtures', 'pitchey-decomposed'), dir, {
      recursive: true,
      filter: (src) => !/pitchey-fit-report|\.pitchey-fit/.test(src),
    });
    // As if installed: node_modules/pitchey-fit is this package (its "exports" point at dist/).
    fs.mkdirSync(path.join(dir, 'node_modules'));
    fs.symlinkSync(ROOT, path.join(dir, 'node_modules', 'pitchey-fit'), 'dir');
    fs.writeFileSync(path.join(dir, 'fitness.mjs'), readmeExample());
    const r = spawnSync(process.execPath, ['fitness.mjs'], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    // ANSWERS.md: 5 of 5 services autonomous, coupling 0, no cycles, no rule violations.
    const lines = r.stdout.split('\n').filter(Boolean);
    expect(lines).toEqual(
      expect.arrayContaining([
        'pass    serviceAutonomy = 100',
        'pass    serviceCoupling = 0',
        'pass    noCycles = 0',
        'pass    dependencyRules = 0',
      ]),
    );
    // Functions that need a git history are inconclusive in this copy (not a repository); none fails.
    expect(lines.at(-1)).toMatch(/^verdict: (pass|inconclusive)$/);
  });
});
