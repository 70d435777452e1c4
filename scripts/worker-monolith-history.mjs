#!/usr/bin/env node
// Copies fixtures/worker-monolith into an empty folder and commits its known git history there (the commit table in
// fixtures/worker-monolith/ANSWERS.md), to try change coupling and boundary advice on it:
//   node scripts/worker-monolith-history.mjs /tmp/wm
import { createJiti } from 'jiti';

const dest = process.argv[2];
if (!dest) {
  console.error('usage: node scripts/worker-monolith-history.mjs <empty-folder>');
  process.exit(2);
}
const jiti = createJiti(import.meta.url);
const { makeWorkerMonolithHistory } = await jiti.import('../test/fitness/worker-monolith-history.ts');
try {
  console.log(`wrote ${makeWorkerMonolithHistory(dest)}: 10 commits`);
} catch (err) {
  console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(2);
}
