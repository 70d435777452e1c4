/** CPU (user + system) and wall milliseconds per phase of one static collection, for `--debug` and the bench. */
export interface PhaseTiming {
  phase: string;
  cpuMs: number;
  wallMs: number;
}

/** Times consecutive phases: each `lap(name)` closes the phase that ran since the previous lap (or the start). */
export class PhaseTimer {
  readonly phases: PhaseTiming[] = [];
  private cpu = process.cpuUsage();
  private wall = performance.now();

  lap(phase: string): void {
    const cpu = process.cpuUsage(this.cpu);
    const wall = performance.now();
    this.phases.push({ phase, cpuMs: (cpu.user + cpu.system) / 1000, wallMs: wall - this.wall });
    this.cpu = process.cpuUsage();
    this.wall = wall;
  }
}
