import path from 'node:path';
import { parseArgs } from 'node:util';
import type { RateLimitConfig } from '../lib/rate-limit.js';
import type { ServiceName } from '../lib/service-context.js';

/** A user mistake on the command line: printed as one line, exit code 2. */
export class PlatformUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlatformUsageError';
  }
}

export interface StartOptions {
  host: string;
  port: number;
  dataDir: string;
  db: string;
  replicaUrl?: string;
  /** Replay lag beyond which the replica leaves read rotation (`--replica-max-lag-ms`; default 1000 ms). */
  replicaMaxLagMs?: number;
  /** OTLP/HTTP traces endpoint (`--otlp-endpoint`); the standard OTEL_EXPORTER_OTLP_* variables apply without it. */
  otlpEndpoint?: string;
  workers: number;
  /** Run the primary + worker cluster even for one worker, so N = 1 has the shape of N > 1 (scaling sweeps). */
  cluster: boolean;
  seed: boolean;
  users: number;
  pitches: number;
  rateLimit: Partial<RateLimitConfig>;
  serviceRateLimits: Partial<Record<ServiceName, Partial<RateLimitConfig>>>;
  mode: 'gateway' | 'services';
  /** Rate-limit buckets in this Redis, shared by every process (`--redis-url`); in-process when absent. */
  redisUrl?: string;
}

export interface SeedOptions {
  dataDir: string;
  db: string;
  users: number;
  pitches: number;
}

const SERVICES: readonly ServiceName[] = ['user', 'pitch', 'nda', 'notification', 'media'];

function parse(argv: string[], options: NonNullable<NonNullable<Parameters<typeof parseArgs>[0]>['options']>) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values as Record<
      string,
      string | boolean | undefined
    >;
  } catch (e) {
    throw new PlatformUsageError((e as Error).message.split('\n')[0]);
  }
}

function int(v: string | boolean | undefined, flag: string, dflt: number, min: number, max: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'string' || !/^\d+$/.test(v))
    throw new PlatformUsageError(`--${flag} must be an integer, got ${String(v)}`);
  const n = Number(v);
  if (n < min || n > max) throw new PlatformUsageError(`--${flag} must be between ${min} and ${max}, got ${n}`);
  return n;
}

function dbSpec(v: string | boolean | undefined, flag = 'db'): string {
  const s = typeof v === 'string' ? v : 'pglite';
  if (s !== 'pglite' && !/^postgres(ql)?:\/\/\S+$/.test(s))
    throw new PlatformUsageError(`--${flag} must be pglite or a postgres:// URL, got ${s}`);
  return s;
}

const dataDirOf = (v: string | boolean | undefined) =>
  path.resolve(typeof v === 'string' ? v : path.join('.pitchey-fit', 'platform'));

export function parseStart(argv: string[]): StartOptions {
  const v = parse(argv, {
    host: { type: 'string' },
    port: { type: 'string' },
    'data-dir': { type: 'string' },
    db: { type: 'string' },
    'replica-url': { type: 'string' },
    'replica-max-lag-ms': { type: 'string' },
    'otlp-endpoint': { type: 'string' },
    workers: { type: 'string' },
    seed: { type: 'boolean' },
    users: { type: 'string' },
    pitches: { type: 'string' },
    'rate-limit': { type: 'string' },
    'rate-limit-per-min': { type: 'string' },
    'rate-limit-auth-per-min': { type: 'string' },
    'rate-limit-nda-per-min': { type: 'string' },
    'service-rate-limit': { type: 'string' },
    mode: { type: 'string' },
    'redis-url': { type: 'string' },
    cluster: { type: 'boolean' },
  });
  const rl = v['rate-limit'] ?? 'on';
  if (rl !== 'on' && rl !== 'off') throw new PlatformUsageError(`--rate-limit must be on or off, got ${String(rl)}`);
  const mode = v.mode ?? 'gateway';
  if (mode !== 'gateway' && mode !== 'services')
    throw new PlatformUsageError(`--mode must be gateway or services, got ${String(mode)}`);
  if ((v.users !== undefined || v.pitches !== undefined) && !v.seed)
    throw new PlatformUsageError('--users and --pitches need --seed');
  if (mode === 'services' && v.workers !== undefined && v.workers !== '1')
    throw new PlatformUsageError('--workers applies to --mode gateway only');
  const rateLimit: Partial<RateLimitConfig> = { enabled: rl === 'on' };
  if (v['rate-limit-per-min'] !== undefined)
    rateLimit.perMinute = int(v['rate-limit-per-min'], 'rate-limit-per-min', 0, 1, 1e9);
  if (v['rate-limit-auth-per-min'] !== undefined)
    rateLimit.authPerMinute = int(v['rate-limit-auth-per-min'], 'rate-limit-auth-per-min', 0, 1, 1e9);
  if (v['rate-limit-nda-per-min'] !== undefined)
    rateLimit.ndaPerMinute = int(v['rate-limit-nda-per-min'], 'rate-limit-nda-per-min', 0, 1, 1e9);
  const redisUrl = v['redis-url'];
  if (redisUrl !== undefined && (typeof redisUrl !== 'string' || !/^rediss?:\/\/\S+$/.test(redisUrl))) {
    throw new PlatformUsageError(`--redis-url must be a redis:// or rediss:// URL, got ${String(redisUrl)}`);
  }
  if (v['replica-max-lag-ms'] !== undefined && v['replica-url'] === undefined)
    throw new PlatformUsageError('--replica-max-lag-ms needs --replica-url');
  const otlp = v['otlp-endpoint'];
  if (otlp !== undefined && (typeof otlp !== 'string' || !/^https?:\/\/\S+$/.test(otlp))) {
    throw new PlatformUsageError(`--otlp-endpoint must be an http:// or https:// URL, got ${String(otlp)}`);
  }
  const serviceRateLimits: StartOptions['serviceRateLimits'] = {};
  if (typeof v['service-rate-limit'] === 'string') {
    for (const part of v['service-rate-limit'].split(',')) {
      const m = /^([a-z]+)=(\d+)$/.exec(part.trim());
      if (!m || !SERVICES.includes(m[1] as ServiceName)) {
        throw new PlatformUsageError(
          `--service-rate-limit expects name=perMinute[,name=perMinute] with names ${SERVICES.join('|')}, got ${part}`,
        );
      }
      serviceRateLimits[m[1] as ServiceName] = { perMinute: Number(m[2]) };
    }
  }
  return {
    host: typeof v.host === 'string' ? v.host : '127.0.0.1',
    port: int(v.port, 'port', 4600, 0, 65535),
    dataDir: dataDirOf(v['data-dir']),
    db: dbSpec(v.db),
    replicaUrl: typeof v['replica-url'] === 'string' ? dbSpec(v['replica-url'], 'replica-url') : undefined,
    ...(v['replica-max-lag-ms'] !== undefined
      ? { replicaMaxLagMs: int(v['replica-max-lag-ms'], 'replica-max-lag-ms', 1000, 1, 3_600_000) }
      : {}),
    ...(typeof otlp === 'string' ? { otlpEndpoint: otlp } : {}),
    workers: int(v.workers, 'workers', 1, 1, 64),
    cluster: v.cluster === true,
    seed: v.seed === true,
    users: int(v.users, 'users', 200, 1, 1_000_000),
    pitches: int(v.pitches, 'pitches', 500, 0, 5_000_000),
    rateLimit,
    serviceRateLimits,
    mode,
    ...(typeof redisUrl === 'string' ? { redisUrl } : {}),
  };
}

export function parseSeed(argv: string[]): SeedOptions {
  const v = parse(argv, {
    'data-dir': { type: 'string' },
    db: { type: 'string' },
    users: { type: 'string' },
    pitches: { type: 'string' },
  });
  return {
    dataDir: dataDirOf(v['data-dir']),
    db: dbSpec(v.db),
    users: int(v.users, 'users', 200, 1, 1_000_000),
    pitches: int(v.pitches, 'pitches', 500, 0, 5_000_000),
  };
}

export function parseStop(argv: string[]): { dataDir: string } {
  const v = parse(argv, { 'data-dir': { type: 'string' } });
  return { dataDir: dataDirOf(v['data-dir']) };
}
