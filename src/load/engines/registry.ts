import { UsageError } from '../../core/errors.js';
import type { LoadEngine } from '../engine.js';
import type { LoadEngineName } from '../scenario-model.js';

/** name → engine, loaded on first use (autocannon and the k6 runner are not needed by most runs). */
const ENGINES: Record<LoadEngineName, () => Promise<LoadEngine>> = {
  native: async () => (await import('./native.js')).nativeEngine,
  autocannon: async () => (await import('./autocannon-scenarios.js')).autocannonEngine,
  k6: async () => (await import('./k6.js')).k6Engine,
};

export const LOAD_ENGINE_NAMES = Object.keys(ENGINES) as LoadEngineName[];

export async function loadEngine(name: string): Promise<LoadEngine> {
  const factory = Object.hasOwn(ENGINES, name) ? ENGINES[name as LoadEngineName] : undefined;
  if (!factory) {
    throw new UsageError(
      `unknown load engine ${JSON.stringify(name)}: ` +
        `expected ${LOAD_ENGINE_NAMES.slice(0, -1).join(', ')} or ${LOAD_ENGINE_NAMES.at(-1)}`,
    );
  }
  return factory();
}
