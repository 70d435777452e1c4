import { buildPlatformApp, type PlatformApp, type PlatformAppOptions } from './gateway/platform-app.js';

export type { PlatformAppOptions } from './gateway/platform-app.js';
export { SERVICE_NAMES } from './gateway/platform-app.js';

export interface StartPlatformOptions extends Partial<PlatformAppOptions> {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
}

export interface RunningPlatform extends PlatformApp {
  url: string;
}

/** Starts the whole platform in this process (gateway mode). Tests use it; `src/` never imports `platform/`. */
export async function startPlatform(opts: StartPlatformOptions = {}): Promise<RunningPlatform> {
  const p = await buildPlatformApp({ dataDir: null, db: 'pglite', ...opts });
  const host = opts.host ?? '127.0.0.1';
  try {
    await p.app.listen({ host, port: opts.port ?? 0 });
  } catch (e) {
    await p.close();
    throw e;
  }
  const addr = p.app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  return { ...p, url: `http://${host}:${port}` };
}
