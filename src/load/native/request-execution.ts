import type { HttpClient, HttpResponse, ResponseSink } from '../http-client.js';
import { jsonEquals, readJsonPath } from '../json-path.js';
import type { Tags } from '../sample-sink.js';
import { TemplateValueMissing, type TemplateScope } from '../template/interpret.js';
import type { CompiledRequest } from './compiled-request.js';
import type { RunState } from './run-state.js';

/** What executing a request needs from the segment: where to send, where samples go. */
export interface RequestEnv {
  readonly state: RunState;
  readonly client: HttpClient;
  /** Path prefix of the base URL (`/api` of `http://host/api`), without a trailing slash. */
  readonly basePath: string;
  readonly scenarioName: string;
}

export type Phase = 'main' | 'setup';

/** Error code of requests cut by an interrupt (Ctrl-C, or still running when gracefulStop ran out). */
export const INTERRUPTED = 'interrupted';
export const TOO_MANY_REDIRECTS = 'too many redirects';

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

interface Outgoing {
  method: string;
  origin: string;
  path: string;
  headers: Record<string, string> | undefined;
  body: string | undefined;
}

function render(env: RequestEnv, req: CompiledRequest, scope: TemplateScope): Outgoing {
  const path = env.basePath + req.path(scope);
  let headers: Record<string, string> | undefined;
  if (req.headers.length) {
    headers = {};
    for (const [k, t] of req.headers) headers[k] = t(scope);
  }
  let body: string | undefined;
  if (req.body) {
    const b = req.body(scope);
    body = typeof b === 'string' ? b : JSON.stringify(b);
  }
  return { method: req.method, origin: env.client.origin, path, headers, body };
}

/** The next request of a redirect chain, as browsers and k6 do: 303 (and 301/302 after a POST) become a GET. */
function follow(out: Outgoing, status: number, location: string): Outgoing {
  const next = new URL(location, `${out.origin}${out.path}`);
  const toGet = status === 303 || ((status === 301 || status === 302) && out.method === 'POST');
  return {
    method: toGet ? 'GET' : out.method,
    origin: next.origin,
    path: `${next.pathname}${next.search}`,
    headers: out.headers,
    body: toGet ? undefined : out.body,
  };
}

function tagsFor(env: RequestEnv, req: CompiledRequest, status: number, ok: boolean): Tags {
  const key = ok ? status : -1 - status;
  let tags = req.tagCache.get(key);
  if (!tags) {
    tags = {
      scenario: env.scenarioName,
      group: req.group,
      name: req.name,
      method: req.method,
      status: String(status),
      expected_response: String(ok),
      ...req.tags,
    };
    req.tagCache.set(key, tags);
  }
  return tags;
}

function record(
  env: RequestEnv,
  res: HttpResponse,
  tags: Tags,
  sentAt: number,
  start: number,
  ok: boolean,
  phase: Phase,
) {
  const { state } = env;
  if (phase === 'setup') {
    state.store.add('setup_req_duration', res.endAt - sentAt, tags);
    state.store.add('setup_req_failed', ok ? 0 : 1, tags);
    return;
  }
  const sink = state.sink;
  state.requests++;
  if (!ok) state.failures++;
  sink.sample('http_reqs', 1, tags, res.endAt);
  sink.sample('http_req_duration', res.endAt - start, tags, res.endAt);
  if (res.status !== 0) {
    sink.sample('http_req_waiting', res.headersAt - sentAt, tags, res.endAt);
    sink.sample('http_req_receiving', res.endAt - res.headersAt, tags, res.endAt);
  }
  sink.sample('http_req_failed', ok ? 0 : 1, tags, res.endAt);
}

function runChecks(
  env: RequestEnv,
  req: CompiledRequest,
  res: HttpResponse,
  tags: Tags,
  scope: TemplateScope,
  phase: Phase,
) {
  let parsed: unknown;
  let parsedOk: boolean | null = null;
  const json = (): unknown => {
    if (parsedOk === null) {
      try {
        parsed = JSON.parse(res.text ?? '');
        parsedOk = true;
      } catch {
        parsedOk = false;
      }
    }
    return parsedOk ? parsed : undefined;
  };
  let all = true;
  for (let ci = 0; ci < req.checks.length; ci++) {
    const c = req.checks[ci];
    let pass = true;
    if (c.status !== undefined)
      pass &&= Array.isArray(c.status) ? c.status.includes(res.status) : res.status === c.status;
    if (c.jsonPath !== undefined) {
      const v = readJsonPath(json(), c.jsonPath);
      pass &&= c.equals === undefined ? v !== undefined && v !== null : jsonEquals(v, c.equals);
    }
    if (c.contains !== undefined) pass &&= (res.text ?? '').includes(c.contains);
    all &&= pass;
    if (phase === 'main') {
      let perCheck = req.checkTagCache.get(tags);
      if (!perCheck) req.checkTagCache.set(tags, (perCheck = []));
      const checkTags = (perCheck[ci] ??= { ...tags, check: c.name });
      env.state.sink.sample('checks', pass ? 1 : 0, checkTags, res.endAt);
    }
  }
  for (const [variable, jsonPath] of req.capture) {
    const v = readJsonPath(json(), jsonPath);
    if (v !== undefined) scope.vars[variable] = v;
  }
  return all;
}

/** Told once when a request (with its redirect hops) is done: whether it succeeded and its checks passed. */
export interface RequestDone {
  requestDone(ok: boolean, error?: Error): void;
}

/** A thrown value as an Error (the engine's own faults are Errors; anything else is wrapped). */
export function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error('non-Error thrown', { cause: e });
}

/**
 * One request of an iteration through its redirect hops (k6 follows them; each hop is a sample of its own): records
 * its samples, runs its checks and captures. Open model: the first hop's latency counts from the intended time.
 * Callback-driven, one small object per request: the generator's hot path has no async frame or promise per request.
 */
class RequestExchange implements ResponseSink {
  private hop = 0;
  private sentAt = 0;

  constructor(
    private readonly env: RequestEnv,
    private readonly req: CompiledRequest,
    private readonly scope: TemplateScope,
    private readonly lane: number,
    private readonly intendedAt: number | null,
    private readonly phase: Phase,
    private out: Outgoing,
    private readonly done: RequestDone,
  ) {}

  send(): void {
    const out = this.out;
    this.sentAt = performance.now();
    this.env.client.request(
      out.method,
      out.path,
      out.headers,
      out.body,
      this.req.needBody,
      this.lane,
      out.origin,
      this,
    );
  }

  onResponse(res: HttpResponse): void {
    let ok: boolean;
    try {
      const { env, req, hop } = this;
      const { state } = env;
      if (res.status === 0 && state.interrupted) res.error = INTERRUPTED;
      if (res.answered) state.responses++;
      const redirect = res.location !== undefined && REDIRECT_STATUSES.has(res.status) && req.maxRedirects > 0;
      const followNext = redirect && hop < req.maxRedirects;
      ok = req.expected(res.status);
      if (redirect && !followNext) {
        ok = false;
        res.error = TOO_MANY_REDIRECTS;
      }
      if (res.error !== undefined) state.countNetworkError(res.error);
      const tags = tagsFor(env, req, res.status, ok);
      const start = hop === 0 ? (this.intendedAt ?? this.sentAt) : this.sentAt;
      record(env, res, tags, this.sentAt, start, ok, this.phase);
      if (followNext && !state.interrupted) {
        this.out = follow(this.out, res.status, res.location!);
        this.hop++;
        this.send();
        return;
      }
      ok = runChecks(env, req, res, tags, this.scope, this.phase) && ok;
    } catch (e) {
      this.done.requestDone(false, asError(e));
      return;
    }
    this.done.requestDone(ok);
  }
}

/**
 * Starts one request of an iteration; `done` is called once, when it (with its redirects) is over. A template value
 * that is missing sends nothing and counts as a failed request; any other error reaches `done` as its error.
 */
export function startRequest(
  env: RequestEnv,
  req: CompiledRequest,
  scope: TemplateScope,
  lane: number,
  intendedAt: number | null,
  phase: Phase,
  done: RequestDone,
): void {
  let out: Outgoing;
  try {
    out = render(env, req, scope);
  } catch (e) {
    if (e instanceof TemplateValueMissing) {
      env.state.countTemplateError(e.expression);
      done.requestDone(false);
    } else done.requestDone(false, asError(e));
    return;
  }
  new RequestExchange(env, req, scope, lane, intendedAt, phase, out, done).send();
}

/** startRequest as a promise: true when the request succeeded and all its checks passed. */
export function executeRequest(
  env: RequestEnv,
  req: CompiledRequest,
  scope: TemplateScope,
  lane: number,
  intendedAt: number | null,
  phase: Phase,
): Promise<boolean> {
  return new Promise((resolve, reject) =>
    startRequest(env, req, scope, lane, intendedAt, phase, {
      requestDone: (ok, error) => (error === undefined ? resolve(ok) : reject(error)),
    }),
  );
}
