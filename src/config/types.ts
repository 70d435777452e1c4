/** The config's types, inferred from the zod schemas in schema.ts (the one definition). */
import type { PitcheyFitConfig } from './schema.js';

export type {
  DependencyRule,
  ExecutorName,
  LoadConfig,
  PitcheyFitConfig,
  RequestConfig,
  ScaleConfig,
  ScenarioConfig,
  Stage,
  StaticConfig,
  ThresholdConfig,
} from './schema.js';

/** `export default defineConfig({...})` in pitchey-fit.config.ts: types the object; validation happens on load. */
export function defineConfig(config: PitcheyFitConfig): PitcheyFitConfig {
  return config;
}
