/**
 * What the CLI commands use besides run(): inputs measured elsewhere (k6 outputs, points files), the k6 script
 * export, baselines and config proposals. The CLI imports src/fitness and src/load only through src/run.
 */
export {
  ingestK6,
  generateK6Script,
  generateK6OperatorManifest,
  segmentCommands,
  formatLoadSummary,
} from '../load/index.js';
export { readPointsFile, analysePoints } from '../load/scaling/index.js';
export { formatCapacitySection } from '../load/capacity/format.js';
export { writeBaseline } from '../fitness/baseline.js';
export { proposeServices, proposeShared } from '../fitness/propose-services.js';
