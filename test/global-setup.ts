import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

// Subprocess and worker-thread tests run the compiled output in dist/, so build it once per test run.
export default function setup(): void {
  const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) {
    // tsc still emits on type errors; surface them without hiding the test results.
    process.stderr.write(`[global-setup] tsc reported errors:\n${r.stdout}${r.stderr}\n`);
  }
}
