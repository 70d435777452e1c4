import { defineConfig } from 'pitchey-fit';

// pitchey-fit checking its own architecture (the rules of ../shared/architecture.md), run by the test suite:
//   npx pitchey-fit static --config pitchey-fit.self.config.ts
export default defineConfig({
  name: 'pitchey-fit itself',
  services: {
    user: 'platform/services/user/**',
    pitch: 'platform/services/pitch/**',
    nda: 'platform/services/nda/**',
    notification: 'platform/services/notification/**',
    media: 'platform/services/media/**',
  },
  shared: ['platform/contracts/**', 'platform/lib/**'],
  static: {
    include: ['src/**', 'platform/**', 'bin/**'],
    // Judge every module: the platform is started as a process, so the CLI entry does not reach it.
    scope: 'all',
    // Type-only imports count everywhere: in autonomy and coupling, and in the noCycles function.
    countTypeOnly: true,
    rules: {
      forbidden: [
        // `circular` is true for an edge on a cycle of the full graph, type-only edges included.
        {
          name: 'no-cycles-in-src',
          comment: 'no import cycle in src/, type-only edges counted',
          from: { path: '^src/' },
          to: { circular: true },
        },
        {
          name: 'commands-do-not-import-commands',
          from: { path: '^src/cli/commands/([^/]+)\\.ts$' },
          to: { path: '^src/cli/commands/', pathNot: '^src/cli/commands/$1\\.ts$' },
        },
        {
          name: 'only-run-composes-collectors',
          comment:
            'src/cli wires commands; it reaches src/fitness and src/load (collectors, offline inputs) only through src/run',
          from: { path: '^src/cli/' },
          to: { path: '^src/(fitness|load)/' },
        },
        { name: 'nothing-imports-the-cli', from: { path: '^src/', pathNot: '^src/cli/' }, to: { path: '^src/cli/' } },
        {
          name: 'load-knows-no-pitchey',
          comment: 'generic load code names no Pitchey route or data: the adapter hands it plain rows',
          from: { path: '^src/load/' },
          to: { path: '^src/bundled-platform/' },
        },
        {
          name: 'core-is-a-leaf',
          comment: 'src/core imports nothing of ours',
          from: { path: '^src/core/' },
          to: { path: '^(src|platform|bin)/', pathNot: '^src/core/' },
        },
        {
          name: 'reporters-read-only-the-result',
          from: { path: '^src/report/' },
          to: { path: '^(src|platform)/', pathNot: '^src/(core|report)/' },
        },
        { name: 'fitness-not-load', from: { path: '^src/fitness/' }, to: { path: '^src/load/' } },
        { name: 'load-not-fitness', from: { path: '^src/load/' }, to: { path: '^src/fitness/' } },
        {
          name: 'src-never-imports-platform',
          comment: 'the CLI starts the platform as a process',
          from: { path: '^(src|bin)/' },
          to: { path: '^platform/' },
        },
        {
          name: 'lib-imports-no-service',
          from: { path: '^platform/lib/' },
          to: { path: '^platform/(services|gateway)/' },
        },
        {
          name: 'contracts-are-types-only',
          from: { path: '^platform/contracts/' },
          to: { path: '^platform/(lib|services|gateway)/' },
        },
      ],
    },
  },
  fitness: {
    serviceAutonomy: { target: 100, adr: 'ADR-001' },
    serviceCoupling: { target: '< 3', adr: 'ADR-002' },
    // Off: this repository's history is the toolkit's development, not a measure of the platform's services.
    crossServiceCoChange: false,
  },
  checks: ['static'],
  history: { enabled: false },
});
