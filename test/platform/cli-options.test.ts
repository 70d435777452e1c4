// `platform start` flags that reach deep options: the replica lag bound and OTLP export. Parsing rules here; the
// lag bound end to end is in replica.test.ts (real primary + replica), OTLP end to end below (a real receiver).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { parseStart } from '../../platform/gateway/cli-options.js';
import { startPlatformCli, stopPlatformClis } from './platform-cli-process.js';

describe('platform start: --replica-max-lag-ms and --otlp-endpoint parsing', () => {
  it('accepts a bound with a replica and an http(s) OTLP endpoint', () => {
    const o = parseStart([
      '--db',
      'postgres://u@127.0.0.1/db',
      '--replica-url',
      'postgres://u@127.0.0.1:5433/db',
      '--replica-max-lag-ms',
      '250',
      '--otlp-endpoint',
      'http://127.0.0.1:4318/v1/traces',
    ]);
    expect(o.replicaMaxLagMs).toBe(250);
    expect(o.otlpEndpoint).toBe('http://127.0.0.1:4318/v1/traces');
    expect(parseStart([])).not.toHaveProperty('replicaMaxLagMs');
    expect(parseStart([])).not.toHaveProperty('otlpEndpoint');
  });

  it.each([
    [['--replica-max-lag-ms', '250'], '--replica-max-lag-ms needs --replica-url'],
    [
      ['--replica-url', 'postgres://u@h/db', '--replica-max-lag-ms', '1.5'],
      '--replica-max-lag-ms must be an integer, got 1.5',
    ],
    [
      ['--replica-url', 'postgres://u@h/db', '--replica-max-lag-ms', '0'],
      '--replica-max-lag-ms must be between 1 and 3600000, got 0',
    ],
    [['--otlp-endpoint', 'grpc://h:4317'], '--otlp-endpoint must be an http:// or https:// URL, got grpc://h:4317'],
  ])('%j → "%s"', (argv, message) => {
    expect(() => parseStart(argv)).toThrow(message);
  });
});

describe('platform start --otlp-endpoint exports spans to that endpoint', () => {
  afterAll(async () => {
    await stopPlatformClis();
  });

  it('a request to the gateway arrives at the receiver as spans of service pitchey-platform', async () => {
    const services: string[] = [];
    const receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        if (req.url === '/v1/traces') {
          const msg = JSON.parse(body) as {
            resourceSpans?: Array<{
              resource?: { attributes?: Array<{ key: string; value: { stringValue?: string } }> };
            }>;
          };
          for (const rs of msg.resourceSpans ?? []) {
            services.push(rs.resource?.attributes?.find((a) => a.key === 'service.name')?.value.stringValue ?? '?');
          }
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    try {
      const port = (receiver.address() as AddressInfo).port;
      process.env.OTEL_BSP_SCHEDULE_DELAY = '100';
      let cli;
      try {
        cli = await startPlatformCli(['--otlp-endpoint', `http://127.0.0.1:${port}/v1/traces`]);
      } finally {
        delete process.env.OTEL_BSP_SCHEDULE_DELAY;
      }
      expect((await fetch(`${cli.url}/api/search?q=film`)).status).toBe(200);
      const deadline = Date.now() + 10_000;
      while (services.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(services).toContain('pitchey-platform');
    } finally {
      await new Promise((r) => receiver.close(r));
    }
  });
});
