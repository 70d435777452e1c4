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
    rules: {
      forbidden: [
        { name: 'core-is-a-leaf', comment: 'src/core imports nothing of ours', from: { path: '^src/core/' }, to: { path: '^(src|platform|bin)/', pathNot: '^src/core/' } },
        { name: 'reporters-read-only-the-result', from: { path: '^src/report/' }, to: { path: '^(src|platform)/', pathNot: '^src/(core|report)/' } },
        { name: 'fitness-not-load', from: { path: '^src/fitness/' }, to: { path: '^src/load/' } },
        { name: 'load-not-fitness', from: { path: '^src/load/' }, to: { path: '^src/fitness/' } },
        { name: 'src-never-imports-platform', comment: 'the CLI starts the platform as a process', from: { path: '^(src|bin)/' }, to: { path: '^platform/' } },
        { name: 'lib-imports-no-service', from: { path: '^platform/lib/' }, to: { path: '^platform/(services|gateway)/' } },
        { name: 'contracts-are-types-only', from: { path: '^platform/contracts/' }, to: { path: '^platform/(lib|services|gateway)/' } },
      ],
    },
  },
  fitness: {
    serviceAutonomy: { target: 100, adr: 'ADR-001' },
    serviceCoupling: { target: '< 3', adr: 'ADR-002' },
  },
  checks: ['static'],
  history: { enabled: false },
});
