import { randomUUID } from 'node:crypto';
import type { Db } from './db.js';
import { inSpan, SpanKind, tracingEnabled } from './tracing.js';

export interface SagaStep<D> {
  name: string;
  /** Returns the fields to merge into the saga data (persisted before the next step starts). */
  run(data: D): Promise<Partial<D>>;
  /** Must be idempotent and tolerate a step that never took effect: recovery compensates the step in flight too. */
  compensate(data: D): Promise<void>;
}

export interface SagaDefinition<D> {
  kind: string;
  steps: SagaStep<D>[];
}

/** Test hooks: make a step fail (compensation follows) or simulate a crash after a step (nothing follows). */
export interface SagaFaults {
  failAt?: string;
  crashAfter?: string;
}

export class SagaFailedError extends Error {
  constructor(
    readonly sagaId: string,
    readonly step: string,
    readonly reason: unknown,
  ) {
    super(`saga ${sagaId} failed at ${step}: ${(reason as Error)?.message ?? String(reason)}`);
    this.name = 'SagaFailedError';
  }
}

export class SimulatedCrash extends Error {
  constructor(step: string) {
    super(`simulated crash after ${step}`);
    this.name = 'SimulatedCrash';
  }
}

export function sagaTableSql(schema: string): string {
  return `CREATE TABLE ${schema}.saga_runs (
  id uuid PRIMARY KEY,
  kind text NOT NULL,
  state text NOT NULL CHECK (state IN ('running','compensating','completed','compensated')),
  step integer NOT NULL DEFAULT 0,
  data jsonb NOT NULL,
  error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX saga_runs_open ON ${schema}.saga_runs (state) WHERE state IN ('running','compensating')`;
}

/** Orchestrates sagas with their state persisted after every step, so a restarted process can compensate. */
export class SagaRunner<D extends object> {
  constructor(
    private readonly db: Db,
    private readonly table: string,
    private readonly def: SagaDefinition<D>,
    private readonly faults: SagaFaults = {},
  ) {}

  async run(initial: D): Promise<D> {
    if (!tracingEnabled()) return this.runSteps(initial);
    return inSpan(`saga ${this.def.kind}`, SpanKind.INTERNAL, () => this.runSteps(initial));
  }

  private async runStep(step: SagaStep<D>, data: D): Promise<Partial<D>> {
    if (!tracingEnabled()) return step.run(data);
    return inSpan(`saga ${this.def.kind} ${step.name}`, SpanKind.INTERNAL, () => step.run(data));
  }

  private async runSteps(initial: D): Promise<D> {
    const id = randomUUID();
    let data = initial;
    await this.db.query(
      `INSERT INTO ${this.table} (id, kind, state, step, data) VALUES ($1, $2, 'running', 0, $3::jsonb)`,
      [id, this.def.kind, JSON.stringify(data)],
    );
    for (let i = 0; i < this.def.steps.length; i++) {
      const step = this.def.steps[i];
      try {
        data = { ...data, ...(await this.runStep(step, data)) };
        // Injected after the step took effect: the harder case, where compensation must really undo it.
        if (this.faults.failAt === step.name) throw new Error(`injected failure at ${step.name}`);
      } catch (e) {
        await this.compensate(id, data, i, String((e as Error)?.message ?? e));
        throw new SagaFailedError(id, step.name, e);
      }
      await this.db.query(`UPDATE ${this.table} SET step = $2, data = $3::jsonb, updated_at = now() WHERE id = $1`, [
        id,
        i + 1,
        JSON.stringify(data),
      ]);
      if (this.faults.crashAfter === step.name) throw new SimulatedCrash(step.name);
      // Each step is its own transaction and the embedded database answers without I/O: without this the whole saga
      // would run as one task, and every request that arrived meanwhile would wait for all of it.
      await new Promise((resolve) => setImmediate(resolve));
    }
    await this.db.query(`UPDATE ${this.table} SET state = 'completed', updated_at = now() WHERE id = $1`, [id]);
    return data;
  }

  /** Compensates every saga of this kind left running or compensating by a previous process. */
  async recover(): Promise<number> {
    const open = await this.db.query<{ id: string; step: number; data: D }>(
      `SELECT id, step, data FROM ${this.table} WHERE kind = $1 AND state IN ('running','compensating') ORDER BY created_at`,
      [this.def.kind],
    );
    for (const s of open) {
      // The step after the last persisted one may have taken effect before the crash: compensate it too.
      await this.compensate(s.id, s.data, Math.min(s.step, this.def.steps.length - 1), 'recovered after restart');
    }
    return open.length;
  }

  /** Undoes steps `upTo` down to 0; the step that failed is included since it may have taken effect. */
  private async compensate(id: string, data: D, upTo: number, error: string): Promise<void> {
    await this.db.query(
      `UPDATE ${this.table} SET state = 'compensating', error = $2, updated_at = now() WHERE id = $1`,
      [id, error],
    );
    for (let j = upTo; j >= 0; j--) {
      const step = this.def.steps[j];
      if (tracingEnabled())
        await inSpan(`saga ${this.def.kind} compensate ${step.name}`, SpanKind.INTERNAL, () => step.compensate(data));
      else await step.compensate(data);
      await this.db.query(`UPDATE ${this.table} SET step = $2, updated_at = now() WHERE id = $1`, [id, j]);
    }
    await this.db.query(`UPDATE ${this.table} SET state = 'compensated', updated_at = now() WHERE id = $1`, [id]);
  }
}
