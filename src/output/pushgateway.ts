import { Pushgateway } from 'prom-client';
import type { Result } from '../core/result.js';
import { buildRegistry } from '../report/prometheus.js';
import { parsePushgatewayUrl } from './output-targets.js';

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN']);

/**
 * PUTs the Result's metrics to a Prometheus Pushgateway, replacing the group `job/<job>/subject/<subject>`.
 * Resolves to undefined on success, else to the one-line reason (unreachable, timed out, rejected): a push is a
 * side channel, so its failure is the caller's warning, never the run's verdict.
 */
export async function pushToGateway(
  url: string,
  result: Result,
  job = 'pitchey-fit',
  opts: { timeoutMs?: number } = {},
): Promise<string | undefined> {
  const parsed = parsePushgatewayUrl(url);
  const timeout = opts.timeoutMs ?? 10_000;
  const gateway = new Pushgateway(parsed.href.replace(/\/$/, ''), { timeout }, buildRegistry(result));
  try {
    await gateway.push({ jobName: job, groupings: { subject: result.subject.name } });
    return undefined;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code && UNREACHABLE.has(err.code)) return `pushgateway ${url} unreachable: ${err.code}`;
    if (/timed out/i.test(err.message)) return `pushgateway ${url} did not answer within ${timeout / 1000} s`;
    return `pushgateway ${url} rejected the push: ${err.message.split('\n')[0]}`;
  }
}
