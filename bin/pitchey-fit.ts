#!/usr/bin/env node
import { main } from '../src/cli/main.js';

const code = await main(process.argv.slice(2));
process.exitCode = code;
// A timer or socket left behind by user code (a config, a custom fitness function) must not keep the finished CLI
// alive; the unref'd timer fires only if something else still holds the event loop.
setTimeout(() => process.exit(code), 1000).unref();
