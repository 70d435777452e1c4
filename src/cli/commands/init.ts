import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import type { CliState } from '../cli-state.js';
import type { GlobalFlags } from '../io.js';

/** The starter config: every section present, the optional ones commented, services proposed from the tree. */
export function starterConfig(name: string, services: Record<string, string[]>, shared: string[]): string {
  const serviceLines =
    Object.entries(services).length > 0
      ? Object.entries(services)
          .map(([s, globs]) => `    ${JSON.stringify(s)}: ${JSON.stringify(globs)},`)
          .join('\n')
      : `    // no service folders found: name each service and the globs of its files, e.g.\n    // orders: ['services/orders/**'],`;
  return `import { defineConfig } from 'pitchey-fit';

// pitchey-fit config for ${name}. Reference: the "Config reference" section of pitchey-fit's README.
// Run: npx pitchey-fit check        (exit 0 pass, 1 a fitness function failed, 2 config/usage error)
export default defineConfig({
  name: ${JSON.stringify(name)},

  // Each service: the globs of the files it owns (relative to this file). Proposed from your folders; review them.
  services: {
${serviceLines}
  },

  // Code outside every service that services may import: contracts, shared kernel, infrastructure libraries.
  ${shared.length > 0 ? `shared: ${JSON.stringify(shared)},` : `// shared: ['src/lib/**'],`}

  // Service-to-service value dependencies you accept (they then do not count against autonomy).
  // allowedDependencies: [{ from: 'gateway', to: '*' }],

  static: {
    // engine: 'dependency-cruiser',   // the reference engine; default 'native' (faster)
    // countTypeOnly: false,           // count \`import type\` in autonomy and coupling too
    // entry: ['src/worker.ts'],       // deployed mains (default: package.json main/bin/exports, wrangler main)
    // scope: 'all',                   // judge dead code too (default 'live': only what an entry point reaches)
    // dependencyCruiserConfig: '.dependency-cruiser.cjs',  // reuse your forbidden/allowed rules
  },

  // Targets of the built-in fitness functions (the architecture review's values); disable one with \`false\`.
  fitness: {
    serviceAutonomy: { target: 100, adr: 'ADR-001' },   // % of services with no compile-time dependency on another
    serviceCoupling: { target: '< 3' },                 // average afferent coupling between services
    // p99Latency: { target: '< 200ms' },
    // scalingEfficiency: { target: '> 0.8' },
    // A custom function: any metric you can compute.
    // maxServiceCount: { metric: 'Services', target: '<= 12', needs: ['static'], test: (ctx) => ctx.static!.services.length },
  },

  // Load fitness: uncomment to measure p99 against a running system (only ever your own test environment).
  // load: {
  //   baseUrl: 'http://127.0.0.1:3000',
  //   thresholds: { http_req_duration: ['p(99)<200'], http_req_failed: ['rate<0.01'] },
  //   scenarios: {
  //     browse: {
  //       executor: 'constant-arrival-rate', rate: 50, timeUnit: '1s', duration: '30s', preAllocatedVUs: 20, maxVUs: 100,
  //       requests: [{ name: 'home', method: 'GET', path: '/', checks: [{ name: 'status 200', status: 200 }] }],
  //     },
  //   },
  // },

  // Scaling efficiency: sweep client concurrency against load.baseUrl and fit the Universal Scalability Law.
  // scale: { mode: 'concurrency', steps: [1, 2, 4, 8], targetN: 4, duration: '10s', path: '/' },

  reporters: ['console', 'json', 'junit', 'markdown', 'html'],
  outDir: 'pitchey-fit-report',
  // baseline: 'pitchey-fit.baseline.json',   // accepted violations (pitchey-fit baseline)
});
`;
}

export function registerInit(program: Command, state: CliState): void {
  program
    .command('init')
    .description('write a commented starter pitchey-fit.config.ts for the repository in the current folder')
    .option('-f, --force', 'overwrite an existing config file')
    .option('--file <name>', 'file to write', 'pitchey-fit.config.ts')
    .action(async (opts: { force?: boolean; file: string }, c: Command) => {
      const io = state.io(c);
      c.optsWithGlobals<GlobalFlags>();
      const root = process.cwd();
      const file = path.resolve(root, opts.file);
      if (fs.existsSync(file) && !opts.force)
        throw new UsageError(`${opts.file} already exists (use --force to overwrite)`);
      const { proposeServices, proposeShared } = await import('../../run/offline.js');
      const services = proposeServices(root);
      const shared = proposeShared(root, services);
      fs.writeFileSync(file, starterConfig(path.basename(root), services, shared));
      const n = Object.keys(services).length;
      io.out(
        `wrote ${opts.file}: ${n} service${n === 1 ? '' : 's'} proposed (${Object.keys(services).join(', ') || 'none'}); review it, then run: npx pitchey-fit check`,
      );
    });
}
