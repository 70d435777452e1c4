import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../core/errors.js';
import type { DependencyRule } from '../config/types.js';
import type { RequiredRule, RuleSet } from './dependency-rules.js';

/** Loads a user's dependency-cruiser config (with its `extends`) and returns its forbidden/allowed/required rules. */
export async function loadDependencyCruiserRules(file: string): Promise<RuleSet> {
  if (!fs.existsSync(file))
    throw new ConfigError(`dependency-cruiser config ${file} does not exist`, 'static.dependencyCruiserConfig');
  const { default: extractDepcruiseConfig } = await import('dependency-cruiser/config-utl/extract-depcruise-config');
  let cfg: Record<string, unknown>;
  try {
    cfg = (await extractDepcruiseConfig(file)) as unknown as Record<string, unknown>;
  } catch (e) {
    throw new ConfigError(
      `cannot load dependency-cruiser config ${path.basename(file)}: ${(e as Error).message.split('\n')[0]}`,
      'static.dependencyCruiserConfig',
    );
  }
  return {
    forbidden: (cfg.forbidden as DependencyRule[] | undefined) ?? [],
    allowed: (cfg.allowed as DependencyRule[] | undefined) ?? [],
    required: (cfg.required as RequiredRule[] | undefined) ?? [],
    allowedSeverity: cfg.allowedSeverity as DependencyRule['severity'],
    source: path.basename(file),
  };
}
