import type { RequestConfig } from '../../config/types.js';
import { ConfigError } from '../../core/errors.js';
import type { Tags } from '../sample-sink.js';
import { headerNameProblem, headerValueProblem, pathProblem } from '../http1/request-head.js';
import { parseBody, parseTemplate, type BodyNode, type Template } from '../template/ast.js';
import { interpretBody, interpretTemplate, type CompiledTemplate, type TemplateScope } from '../template/interpret.js';

/** k6 follows up to 10 redirects by default (`maxRedirects`). */
export const DEFAULT_MAX_REDIRECTS = 10;

/** A request of a scenario, compiled once: templates interpreted, tags and status rules ready for the hot path. */
export interface CompiledRequest {
  name: string;
  group: string;
  method: string;
  path: CompiledTemplate;
  headers: Array<[string, CompiledTemplate]>;
  body?: (s: TemplateScope) => unknown;
  checks: NonNullable<RequestConfig['checks']>;
  capture: Array<[string, string]>;
  needBody: boolean;
  tags: Tags;
  weight: number;
  expected: (status: number) => boolean;
  /** Redirects followed before the request fails (0: a 3xx is the response). */
  maxRedirects: number;
  /** A template of the request reads `${vu.id}`: its result differs per VU. */
  usesVuId: boolean;
  /**
   * Sample tags per response status (key: the status, or -1 - status when unexpected) and, per those tags, of each
   * check: built once, so the hot path allocates no tag objects or keys.
   */
  tagCache: Map<number, Tags>;
  checkTagCache: Map<Tags, Tags[]>;
}

/** `redirects`: on a request or a scenario, the most redirects to follow (k6 `maxRedirects`). */
export type RedirectsOption = { redirects?: number };

export function redirectLimit(value: unknown, keyPath: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 100) {
    throw new ConfigError(`redirects must be an integer from 0 to 100, got ${JSON.stringify(value)}`, keyPath);
  }
  return value;
}

export function compileRequest(
  r: RequestConfig & RedirectsOption,
  keyPath: string,
  scenarioRedirects?: number,
): CompiledRequest {
  const method = (r.method ?? 'GET').toUpperCase();
  const hasBody = r.body !== undefined;
  const headers = Object.entries(r.headers ?? {});
  if (hasBody && typeof r.body !== 'string' && !headers.some(([k]) => k.toLowerCase() === 'content-type')) {
    headers.push(['content-type', 'application/json']);
  }
  const checks = r.checks ?? [];
  const capture = Object.entries(r.capture ?? {});
  const path = parseTemplate(r.path, `${keyPath}.path`);
  const headerTemplates = headers.map(([k, v]) => [k, parseTemplate(String(v), `${keyPath}.headers.${k}`)] as const);
  // what the client would refuse to write on every iteration is a config error before any traffic
  refuse(fixedTextProblem(path, pathProblem), `${keyPath}.path`);
  for (const [k, t] of headerTemplates) {
    refuse(headerNameProblem(k), `${keyPath}.headers`);
    refuse(fixedTextProblem(t, headerValueProblem), `${keyPath}.headers.${k}`);
  }
  const body = r.body === undefined ? undefined : parseBody(r.body, `${keyPath}.body`);
  const usesVuId =
    [path, ...headerTemplates.map(([, t]) => t)].some(readsVu) || (body !== undefined && bodyReadsVu(body));
  return {
    name: r.name ?? r.path,
    group: r.group ? `::${r.group}` : '',
    method,
    path: interpretTemplate(path),
    headers: headerTemplates.map(([k, t]) => [k, interpretTemplate(t)]),
    body: body === undefined ? undefined : interpretBody(body),
    checks,
    capture,
    needBody: capture.length > 0 || checks.some((c) => c.jsonPath !== undefined || c.contains !== undefined),
    tags: r.tags ?? {},
    weight: r.weight ?? 1,
    expected: expectedStatuses(r.expectedStatuses),
    usesVuId,
    maxRedirects: redirectLimit(r.redirects, `${keyPath}.redirects`) ?? scenarioRedirects ?? DEFAULT_MAX_REDIRECTS,
    tagCache: new Map(),
    checkTagCache: new Map(),
  };
}

function refuse(problem: string | null, keyPath: string): void {
  if (problem !== null) throw new ConfigError(problem, keyPath);
}

/** The first problem of a template's fixed text (values filled in at run time are checked when sent). */
function fixedTextProblem(t: Template, problem: (text: string) => string | null): string | null {
  for (const part of t) {
    const found = part.kind === 'text' ? problem(part.text) : null;
    if (found !== null) return found;
  }
  return null;
}

/** k6's default: 200–399 are expected; `expectedStatuses` replaces that list. */
function expectedStatuses(list: RequestConfig['expectedStatuses']): (status: number) => boolean {
  if (!list || list.length === 0) return (status) => status >= 200 && status < 400;
  const ranges = list.map((e) => (typeof e === 'number' ? { min: e, max: e } : e));
  return (status) => ranges.some((r) => status >= r.min && status <= r.max);
}

const readsVu = (t: Template) => t.some((p) => p.kind === 'ref' && p.ref.kind === 'vu');

function bodyReadsVu(b: BodyNode): boolean {
  switch (b.kind) {
    case 'template':
      return readsVu(b.template);
    case 'array':
      return b.items.some(bodyReadsVu);
    case 'object':
      return b.entries.some(([, v]) => bodyReadsVu(v));
    default:
      return false;
  }
}
