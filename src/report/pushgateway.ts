import { Pushgateway } from 'prom-client';
import { InputError, TargetUnreachableError } from '../core/errors.js';
import type { Result } from '../core/result.js';
import { buildRegistry } from './prometheus.js';

/**
 * PUTs the Result's metrics to a Prometheus Pushgateway, replacing the group `job/<job>/subject/<subject>`.
 * Throws InputError for a bad URL or a rejected push, TargetUnreachableError when the gateway cannot be reached.
 */
export async function pushToGateway(url: string, result: Result, job = 'pitchey-fit'): Promise<void> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InputError(`--pushgateway: not a URL: ${JSON.stringify(url)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new InputError(`--pushgateway: expected an http(s) URL, got ${url}`);
  const gateway = new Pushgateway(parsed.href.replace(/\/$/, ''), { timeout: 10_000 }, buildRegistry(result));
  try {
    await gateway.push({ jobName: job, groupings: { subject: result.subject.name } });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code && ['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN'].includes(err.code)) {
      throw new TargetUnreachableError(`pushgateway ${url} unreachable: ${err.code}`);
    }
    if (/timed out/.test(err.message)) throw new TargetUnreachableError(`pushgateway ${url} did not answer within 10 s`);
    throw new InputError(`pushgateway ${url} rejected the push: ${err.message.split('\n')[0]}`);
  }
}
