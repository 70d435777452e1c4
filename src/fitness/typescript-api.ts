import { createRequire } from 'node:module';
import type * as TS from 'typescript';

const require = createRequire(import.meta.url);
let loaded: typeof TS | undefined;

// Loaded with require: importing the 9 MB CommonJS bundle from ESM makes Node scan it for named exports, which
// costs ~0.5 s per process start (measured here: import 770 ms vs require 240 ms). And loaded on first use only: a
// warm re-run whose files all hit the caches never parses or resolves anything, so it never pays for it.
const ts = new Proxy({} as typeof TS, {
  get(_target, key) {
    loaded ??= require('typescript') as typeof TS;
    return loaded[key as keyof typeof TS];
  },
});
export default ts;

/** The installed TypeScript version, read without loading the compiler (cache entries are only valid for it). */
export const typescriptVersion: string = (require('typescript/package.json') as { version: string }).version;
