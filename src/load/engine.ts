import type { LoadSection } from '../core/result-load.js';
import type { LoadEngineName, LoadRunOptions, PreparedScenario } from './scenario-model.js';

/**
 * A load engine runs prepared scenarios against a target and returns the load section. Engines read only the scenario
 * model; `runLoad` validates, prepares and checks the target before it hands them the work.
 */
export interface LoadEngine {
  readonly name: LoadEngineName;
  /** Throws a UsageError when the engine cannot run here (e.g. no k6 binary); called before any traffic. */
  assertAvailable?(): void;
  run(options: LoadRunOptions, scenarios: PreparedScenario[]): Promise<LoadSection>;
}
