import { ConfigError } from '../core/errors.js';

/** What a template can read: the iteration's data row, the VU's captured variables, ids. */
export interface TemplateScope {
  data: Record<string, string | number> | undefined;
  vars: Record<string, unknown>;
  vuId: number;
  iteration: number;
}

type Part = string | ((s: TemplateScope) => string);

/** A compiled `${…}` template: `/api/pitches/${data.pitchId}`, `Bearer ${vars.token}`, `${vu.id}`, `${iteration}`. */
export type CompiledTemplate = (scope: TemplateScope) => string;

const EXPR_RE = /\$\{\s*([^}]*?)\s*\}/g;

function compileExpression(expr: string, keyPath: string): (s: TemplateScope) => string {
  let m: RegExpExecArray | null;
  if ((m = /^data\.([A-Za-z_][\w-]*)$/.exec(expr))) {
    const key = m[1];
    return (s) => {
      const v = s.data?.[key];
      if (v === undefined) throw new TemplateValueMissing(`data.${key}`);
      return String(v);
    };
  }
  if ((m = /^vars\.([A-Za-z_][\w-]*)$/.exec(expr))) {
    const key = m[1];
    return (s) => {
      const v = s.vars[key];
      if (v === undefined) throw new TemplateValueMissing(`vars.${key}`);
      return typeof v === 'string' ? v : JSON.stringify(v);
    };
  }
  if (expr === 'vu.id' || expr === '__VU') return (s) => String(s.vuId);
  if (expr === 'iteration' || expr === '__ITER') return (s) => String(s.iteration);
  throw new ConfigError(`unknown template expression \${${expr}}: use \${data.<column>}, \${vars.<captured>}, \${vu.id} or \${iteration}`, keyPath);
}

/** Thrown at run time when a template reads a value the row or the VU does not have (counted as a failed request). */
export class TemplateValueMissing extends Error {
  constructor(readonly expression: string) {
    super(`template value ${expression} is missing`);
  }
}

export function compileTemplate(text: string, keyPath: string): CompiledTemplate {
  const parts: Part[] = [];
  let last = 0;
  EXPR_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = EXPR_RE.exec(text)) !== null) {
    if (m.index > last) parts.push(text.slice(last, m.index));
    parts.push(compileExpression(m[1], keyPath));
    last = m.index + m[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  if (parts.length === 0) return () => '';
  if (parts.length === 1 && typeof parts[0] === 'string') {
    const constant = parts[0];
    return () => constant;
  }
  return (s) => {
    let out = '';
    for (const p of parts) out += typeof p === 'string' ? p : p(s);
    return out;
  };
}

/** Compiles every string inside a JSON body; non-string leaves are kept. A string that is exactly one `${…}` keeps the value's type. */
export function compileBody(body: unknown, keyPath: string): ((s: TemplateScope) => unknown) | undefined {
  if (body === undefined) return undefined;
  if (typeof body === 'string') {
    const whole = /^\$\{\s*(data|vars)\.([A-Za-z_][\w-]*)\s*\}$/.exec(body);
    if (whole) {
      const [, ns, key] = whole;
      return (s) => {
        const v = ns === 'data' ? s.data?.[key] : s.vars[key];
        if (v === undefined) throw new TemplateValueMissing(`${ns}.${key}`);
        return v;
      };
    }
    const t = compileTemplate(body, keyPath);
    return t;
  }
  if (Array.isArray(body)) {
    const items = body.map((b, i) => compileBody(b, `${keyPath}[${i}]`)!);
    return (s) => items.map((f) => f(s));
  }
  if (body !== null && typeof body === 'object') {
    const entries = Object.entries(body).map(([k, v]) => [k, compileBody(v, `${keyPath}.${k}`)!] as const);
    return (s) => Object.fromEntries(entries.map(([k, f]) => [k, f(s)]));
  }
  return () => body;
}
