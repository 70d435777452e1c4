#!/usr/bin/env node
import { prestartStaticWorker } from '../src/run/collectors/static-in-worker.js';

const argv = process.argv.slice(2);
// The static analysis worker loads its modules while this thread loads the CLI and the config. A guess from the
// words alone: a worker the command does not use is ended when the command ends.
if (argv.includes('static') || argv.includes('check')) prestartStaticWorker();
const { main } = await import('../src/cli/main.js');
const code = await main(argv);
process.exitCode = code;
// A timer or socket left behind by user code (a config, a custom fitness function) must not keep the finished CLI
// alive; the unref'd timer fires only if something else still holds the event loop.
setTimeout(() => process.exit(code), 1000).unref();
