import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { checkOutputTargets } from '../../src/output/index.js';

// Property: checkOutputTargets accepts a path exactly when coreutils can really write there (`mkdir -p` + `touch`
// in a shell, an oracle independent of our code), over random trees of folders, files and missing names.
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-targets-prop-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

type Node = 'dir' | 'file' | 'missing';
const segment = fc.record({
  name: fc.constantFrom('a', 'b', 'out', 'reports', 'x.prom'),
  node: fc.constantFrom<Node>('dir', 'file', 'missing'),
});

/** Creates the chain under `base` (a file or a missing name ends what can exist below it); returns the full path. */
function build(base: string, chain: Array<{ name: string; node: Node }>): string {
  let p = base;
  let canCreate = true;
  chain.forEach(({ name, node }, i) => {
    p = path.join(p, `${i}-${name}`);
    if (!canCreate || node === 'missing') {
      canCreate = false;
      return;
    }
    if (node === 'dir') fs.mkdirSync(p);
    else {
      fs.writeFileSync(p, 'x');
      canCreate = false;
    }
  });
  return p;
}

function shellCanWrite(target: string, kind: 'dir' | 'file'): boolean {
  const script =
    kind === 'dir'
      ? 'mkdir -p -- "$1" && touch -- "$1/.oracle"'
      : 'test ! -d "$1" && mkdir -p -- "$(dirname -- "$1")" && touch -- "$1"';
  return spawnSync('sh', ['-c', script, 'oracle', target], { stdio: 'ignore', timeout: 5000 }).status === 0;
}

function checkAccepts(target: string, kind: 'dir' | 'file'): boolean {
  try {
    checkOutputTargets([{ flag: '--out', path: target, kind }]);
    return true;
  } catch {
    return false;
  }
}

describe('checkOutputTargets agrees with a real write (property, issue 14 item 9)', () => {
  it('over random trees of folders, files and missing names', () => {
    let cases = 0;
    let accepted = 0;
    fc.assert(
      fc.property(
        fc.array(segment, { minLength: 1, maxLength: 4 }),
        fc.constantFrom<'dir' | 'file'>('dir', 'file'),
        (chain, kind) => {
          const base = fs.mkdtempSync(path.join(root, 'case-'));
          const target = build(base, chain);
          const verdict = checkAccepts(target, kind); // first: the oracle below creates what it can
          cases++;
          if (verdict) accepted++;
          expect(verdict).toBe(shellCanWrite(target, kind));
        },
      ),
      { numRuns: 200 },
    );
    console.log(`checkOutputTargets property: ${cases} cases tried, ${accepted} writable, ${cases - accepted} refused`);
    expect(accepted).toBeGreaterThan(0);
    expect(cases - accepted).toBeGreaterThan(0);
  });
});
