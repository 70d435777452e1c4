// Distributed tracing across real processes (`platform start --mode services`): every process exports its spans over
// OTLP/HTTP to a receiver in this test, which then reassembles whole traces.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, registerAndSignIn, waitFor, type Created } from './api-client.js';
import { startPlatformCli, stopPlatformClis, type CliPlatform } from './platform-cli-process.js';

interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
}

type AnyValue = { stringValue?: string };
type OtlpJson = {
  resourceSpans?: Array<{
    resource?: { attributes?: Array<{ key: string; value: AnyValue }> };
    scopeSpans?: Array<{ spans?: Array<{ traceId: string; spanId: string; parentSpanId?: string; name: string }> }>;
  }>;
};

// OTLP/JSON carries ids as hex (the spec) or base64 (protobuf-style JSON): normalise to hex.
const hex = (id: string | undefined) =>
  !id ? '' : /^[0-9a-f]+$/.test(id) ? id : Buffer.from(id, 'base64').toString('hex');

describe('OpenTelemetry traces across gateway → services → events (--mode services)', () => {
  const spans: ReceivedSpan[] = [];
  let receiver: http.Server;
  let cli: CliPlatform;
  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        if (req.url === '/v1/traces' && String(req.headers['content-type']).includes('json')) {
          const msg = JSON.parse(body) as OtlpJson;
          for (const rs of msg.resourceSpans ?? []) {
            const service = rs.resource?.attributes?.find((a) => a.key === 'service.name')?.value.stringValue ?? '?';
            for (const ss of rs.scopeSpans ?? []) {
              for (const s of ss.spans ?? []) {
                spans.push({
                  service,
                  traceId: hex(s.traceId),
                  spanId: hex(s.spanId),
                  parentSpanId: hex(s.parentSpanId),
                  name: s.name,
                });
              }
            }
          }
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const port = (receiver.address() as AddressInfo).port;
    process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT = `http://127.0.0.1:${port}/v1/traces`;
    process.env.OTEL_BSP_SCHEDULE_DELAY = '100';
    try {
      cli = await startPlatformCli(['--mode', 'services']);
    } finally {
      delete process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
      delete process.env.OTEL_BSP_SCHEDULE_DELAY;
    }
  });
  afterAll(async () => {
    await stopPlatformClis();
    await new Promise((r) => receiver?.close(r));
  });

  /** A trace is whole when every span's parent is in it (or is the client's own span that started it). */
  function assertWhole(traceId: string, clientSpanId: string): ReceivedSpan[] {
    const t = spans.filter((s) => s.traceId === traceId);
    const ids = new Set([clientSpanId, ...t.map((s) => s.spanId)]);
    expect(t.filter((s) => !ids.has(s.parentSpanId)).map((s) => `${s.service}: ${s.name}`)).toEqual([]);
    return t;
  }

  function traceparent(): { header: string; traceId: string; spanId: string } {
    const traceId = randomBytes(16).toString('hex');
    const spanId = randomBytes(8).toString('hex');
    return { header: `00-${traceId}-${spanId}-01`, traceId, spanId };
  }

  it('one pitch-creation saga is one trace: gateway, pitch (saga and steps), nda and notification', async () => {
    const api = apiClient(cli.url);
    const creator = await registerAndSignIn(api, {
      email: 'trace@example.com',
      password: 'correct horse 1',
      displayName: 'T',
      role: 'creator',
    });
    const tp = traceparent();
    const created = await api('POST', '/api/pitches', {
      token: creator.token,
      headers: { traceparent: tp.header },
      body: { title: 'Traced', logline: 'Follow me', genre: 'drama', requiresNda: true, ndaTerms: 'Keep it quiet.' },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const need = ['saga pitch-creation', 'POST /internal/nda-templates', 'POST /internal/notifications'];
    await waitFor(() => {
      const names = spans.filter((s) => s.traceId === tp.traceId).map((s) => s.name);
      return need.every((n) => names.some((x) => x.startsWith(n)));
    }, 10_000);
    await new Promise((r) => setTimeout(r, 400)); // the parents end after their children: let the last batch arrive
    const t = assertWhole(tp.traceId, tp.spanId);
    const services = new Set(t.map((s) => s.service));
    for (const s of ['pitchey-gateway', 'pitchey-pitch', 'pitchey-nda', 'pitchey-notification'])
      expect(services).toContain(s);
    const names = t.map((s) => s.name);
    for (const step of ['CreateDraft', 'ProcessMedia', 'GenerateNDA', 'NotifyCreation']) {
      expect(names).toContain(`saga pitch-creation ${step}`);
    }
    // The gateway's server span is the child of the client's span; the pitch service's is the child of the gateway's.
    const gw = t.find((s) => s.service === 'pitchey-gateway' && s.name.startsWith('POST'))!;
    expect(gw.parentSpanId).toBe(tp.spanId);
    const pitchServer = t.find((s) => s.service === 'pitchey-pitch' && s.name === 'POST /api/pitches')!;
    expect(pitchServer.parentSpanId).toBe(gw.spanId);
  });

  it('an event continues the trace of the request that appended it, in the consuming process', async () => {
    const api = apiClient(cli.url);
    const creator = await registerAndSignIn(api, {
      email: 'trace2@example.com',
      password: 'correct horse 1',
      displayName: 'T2',
      role: 'creator',
    });
    const created = await api<Created>('POST', '/api/pitches', {
      token: creator.token,
      body: { title: 'Evented', logline: 'L', genre: 'drama' },
    });
    const tp = traceparent();
    const pub = await api('POST', `/api/pitches/${created.body.data.id}/publish`, {
      token: creator.token,
      headers: { traceparent: tp.header },
    });
    expect(pub.status).toBe(200);
    await waitFor(
      () => spans.some((s) => s.traceId === tp.traceId && s.name === 'deliver PitchPublished to notification.feed'),
      10_000,
    );
    await new Promise((r) => setTimeout(r, 400));
    const t = assertWhole(tp.traceId, tp.spanId);
    const delivery = t.find((s) => s.name === 'deliver PitchPublished to notification.feed')!;
    expect(delivery.service).toBe('pitchey-notification');
    // Its parent is a span of the pitch service (the publish request that appended the event).
    expect(t.find((s) => s.spanId === delivery.parentSpanId)?.service).toBe('pitchey-pitch');
  });
});
