/**
 * Writes the published JSON Schemas from their zod sources: `npm run schema`. test/report/schema.test.ts fails when a
 * committed file differs from what this generates.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../src/config/package-root.js';
import { PUBLISHED_SCHEMAS, publishedSchemaText } from './published-schemas.js';

for (const { file, generate } of PUBLISHED_SCHEMAS) {
  writeFileSync(path.join(packageRoot(), file), publishedSchemaText(generate));
  console.log(`wrote ${file}`);
}
