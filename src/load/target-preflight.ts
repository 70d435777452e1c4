import { connect } from 'node:net';
import { TargetUnreachableError, UsageError } from '../core/errors.js';

/** Opens (and closes) one TCP connection to the target so an unreachable target fails in seconds, not after the run. */
export async function assertReachable(baseUrl: string, timeoutMs = 5000): Promise<void> {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new UsageError(`invalid base URL ${JSON.stringify(baseUrl)}: expected e.g. http://127.0.0.1:8080`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`unsupported URL scheme ${url.protocol} in ${baseUrl}: use http or https`);
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const host = url.hostname.replace(/^\[|\]$/g, '');
  await new Promise<void>((resolve, reject) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new TargetUnreachableError(`target ${url.origin} did not accept a connection within ${timeoutMs}ms`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.end();
      resolve();
    });
    socket.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new TargetUnreachableError(`target ${url.origin} is unreachable: ${e.code ?? e.message}`));
    });
  });
}
