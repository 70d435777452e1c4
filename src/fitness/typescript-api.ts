import { createRequire } from 'node:module';
import type * as TS from 'typescript';

// Loaded with require: importing the 9 MB CommonJS bundle from ESM makes Node scan it for named exports, which
// costs ~0.5 s per process start (measured here: import 770 ms vs require 240 ms).
const ts: typeof TS = createRequire(import.meta.url)('typescript');
export default ts;
