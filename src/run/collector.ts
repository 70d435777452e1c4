import type { FitnessContext } from '../core/fitness-function.js';
import type { DependencyGraph } from '../core/result-static.js';
import type { Finding, Result } from '../core/result.js';
import type { LoadOverrides } from '../load/overrides.js';
import type { ResolvedConfig } from './resolve-config.js';

/** A collector's name; the fitness functions' `needs` name the collectors they read. */
export type CollectorName = 'static' | 'load' | 'scale' | 'capacity';

/** A Result section a collector fills (`static`, `load`, `scale`). */
export type SectionOf<N extends CollectorName> = NonNullable<Result[N]>;

/** Command-line (or API) overrides that reach the collectors. */
export interface CollectFlags {
  staticEngine?: 'native' | 'dependency-cruiser';
  /** Change-coupling window start for git log --since (overrides static.changeCoupling.since). */
  since?: string;
  loadEngine?: 'native' | 'autocannon' | 'k6';
  baseUrl?: string;
  scenarios?: string[];
  /** Seed size of the bundled platform when pitchey-fit starts it. */
  seedUsers?: number;
  seedPitches?: number;
  keepSamples?: boolean;
  /**
   * `--vus`, `--duration`, `--iterations`, `--rate`: the load collector applies them to every selected scenario; the
   * scale and capacity collectors apply those that mean something for their steps (see load/overrides.ts).
   */
  loadOverrides?: LoadOverrides;
  /**
   * An override with no meaning for a collector is a usage error (the dedicated `scale` / `capacity` command) rather
   * than a note that it was not applied there (`check`, whose load step applies it).
   */
  strictOverrides?: boolean;
}

/** Progress and warnings of a run, one line each (the CLI prints them on stderr). */
export type RunLog = (line: string) => void;

/** What a collector reads: the resolved config, the flags, where to log, and what earlier collectors gathered. */
export interface CollectContext {
  resolved: ResolvedConfig;
  flags: CollectFlags;
  log: RunLog;
  /** Show a live progress line (terminal only). */
  progress: boolean;
  /** The fitness context as filled so far (a later collector may read an earlier one's section). */
  fitness: Readonly<FitnessContext>;
}

/**
 * What a collector returns. `section` is null when nothing could be measured; `partial` says the section is
 * incomplete (interrupted, or a step failed); `errors` are failures it recovered from (recorded in Result.errors).
 * A collector throws only when it measured nothing usable (e.g. TargetUnreachableError, ConfigError).
 */
export interface CollectorOutput<N extends CollectorName> {
  section: SectionOf<N> | null;
  partial: boolean;
  errors: Result['errors'];
  /**
   * Static only: findings of rules and detectors, and the in-memory module graph for functions that read it (or a
   * function returning it, called the first time a fitness function reads ctx.graph).
   */
  findings?: Finding[];
  graph?: DependencyGraph | (() => DependencyGraph);
}

/** One collector: its name, the Result section it provides, and how it collects it. */
export interface Collector<N extends CollectorName = CollectorName> {
  name: N;
  /** The Result/FitnessContext key it fills (equal to `name` for the built-in collectors). */
  provides: N;
  collect(ctx: CollectContext, signal: AbortSignal): Promise<CollectorOutput<N>>;
}
