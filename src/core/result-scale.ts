/** Scaling sweep and Universal Scalability Law fit carried in the Result. Owned by src/load (scaling). */

export interface ScalePoint {
  /** Workers (platform) or concurrency (foreign target). */
  n: number;
  /** Median throughput over repeats, req/s. */
  throughput: number;
  /** Each repeat's throughput, req/s. */
  runs: number[];
  latencyP99Ms: number | null;
  /** E(N) = X(N) / (N * X(1)). */
  efficiency: number | null;
  errors: number;
  /** N exceeds the cores available to the system under test: efficiency not meaningful. */
  beyondCores: boolean;
  /** CPU share used by processes outside the run during this step (0..1 of the machine); flagged when high. */
  foreignCpu: number | null;
  flags: string[];
}

export interface UslFit {
  sigma: number;
  kappa: number;
  lambda: number;
  r2: number;
  /** sqrt((1 - sigma) / kappa); null when kappa = 0 (no peak). */
  nMax: number | null;
  xMax: number | null;
  sigmaInterval?: [number, number];
  kappaInterval?: [number, number];
  /** Asymptotic standard errors √diag(s²(JᵀJ)⁻¹), as R's nls and the R usl package report them. */
  standardErrors?: { sigma: number; kappa: number; lambda: number };
  /** How the σ/κ intervals were obtained (seeded, so repeatable). */
  bootstrap?: { resamples: number; seed: number; level: number; method: 'residual' };
  /** λ/σ: the throughput X(N) approaches when κ = 0 (no peak), Amdahl's ceiling. */
  xCeiling?: number;
  predictions: Array<{ n: number; throughput: number; efficiency: number }>;
}

export interface ScaleSection {
  mode: 'workers' | 'concurrency' | 'points';
  engine: string;
  cores: number;
  /** Cores the system under test may use (fewer than `cores` when the load generator is pinned apart). */
  sutCores?: number;
  targetN: number;
  points: ScalePoint[];
  fit: UslFit | null;
  /** Why there is no fit, or caveats of the fit. */
  fitNote?: string;
  notes: string[];
  /** The sweep stopped early (interrupted or a step failed); points cover the completed steps. */
  partial?: boolean;
  /** Share of the machine's CPU used by other processes above which a step is flagged `foreign-cpu` (0..1). */
  foreignCpuBound?: number;
}
