/** The only src/ code that knows the bundled Pitchey platform: it runs it as a process, never imports it. */
export { startBundledPlatform, type BundledRunOptions } from './bundled-run.js';
export {
  platformEntry,
  startPlatformProcess,
  childPids,
  type RunningPlatform,
  type StartPlatformOptions,
} from './platform-process.js';
export { defaultPlatformScenarios } from './default-scenarios.js';
export { platformDataAsRows, platformScenariosForExport } from './platform-data.js';
export { type SeedManifest, isSeedManifest, seedManifestRows, SEED_MANIFEST_FILE } from './seed-manifest.js';
