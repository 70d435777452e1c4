import { ConfigError } from '../../core/errors.js';

/**
 * The `${…}` template language of scenarios, parsed once into this small AST. Two back ends read it: the native
 * engine's interpreter (interpret.ts) and the k6 script emitter (emit-js.ts).
 */
export type TemplateRef =
  { kind: 'data'; key: string } | { kind: 'vars'; key: string } | { kind: 'vu' } | { kind: 'iteration' };

export type TemplatePart = { kind: 'text'; text: string } | { kind: 'ref'; ref: TemplateRef };

/** A string template: literal text and references, in order. */
export type Template = TemplatePart[];

/** A request body: JSON whose strings are templates; a string that is exactly one `${data.x}`/`${vars.x}` keeps
 * the value's type. */
export type BodyNode =
  | { kind: 'template'; template: Template }
  | { kind: 'value'; ref: Extract<TemplateRef, { kind: 'data' | 'vars' }> }
  | { kind: 'array'; items: BodyNode[] }
  | { kind: 'object'; entries: Array<[string, BodyNode]> }
  | { kind: 'literal'; value: unknown };

const EXPR_RE = /\$\{\s*([^}]*?)\s*\}/g;
const KEY = '[A-Za-z_][\\w-]*';
const DATA_RE = new RegExp(`^data\\.(${KEY})$`);
const VARS_RE = new RegExp(`^vars\\.(${KEY})$`);
const WHOLE_VALUE_RE = new RegExp(`^\\$\\{\\s*(data|vars)\\.(${KEY})\\s*\\}$`);

function parseReference(expr: string, keyPath: string): TemplateRef {
  let m: RegExpExecArray | null;
  if ((m = DATA_RE.exec(expr))) return { kind: 'data', key: m[1] };
  if ((m = VARS_RE.exec(expr))) return { kind: 'vars', key: m[1] };
  if (expr === 'vu.id' || expr === '__VU') return { kind: 'vu' };
  if (expr === 'iteration' || expr === '__ITER') return { kind: 'iteration' };
  throw new ConfigError(
    `unknown template expression \${${expr}}: use \${data.<column>}, \${vars.<captured>}, \${vu.id} or \${iteration}`,
    keyPath,
  );
}

/** Parses `/api/pitches/${data.pitchId}`; throws ConfigError at `keyPath` for an unknown expression. */
export function parseTemplate(text: string, keyPath: string): Template {
  const parts: Template = [];
  let last = 0;
  for (const m of text.matchAll(EXPR_RE)) {
    if (m.index > last) parts.push({ kind: 'text', text: text.slice(last, m.index) });
    parts.push({ kind: 'ref', ref: parseReference(m[1], keyPath) });
    last = m.index + m[0].length;
  }
  if (last < text.length) parts.push({ kind: 'text', text: text.slice(last) });
  return parts;
}

export function parseBody(body: unknown, keyPath: string): BodyNode {
  if (typeof body === 'string') {
    const whole = WHOLE_VALUE_RE.exec(body);
    if (whole) return { kind: 'value', ref: { kind: whole[1] as 'data' | 'vars', key: whole[2] } };
    return { kind: 'template', template: parseTemplate(body, keyPath) };
  }
  if (Array.isArray(body)) return { kind: 'array', items: body.map((b, i) => parseBody(b, `${keyPath}[${i}]`)) };
  if (body !== null && typeof body === 'object') {
    return { kind: 'object', entries: Object.entries(body).map(([k, v]) => [k, parseBody(v, `${keyPath}.${k}`)]) };
  }
  return { kind: 'literal', value: body };
}

/** The expression text of a reference, as users write it (`data.pitchId`): the key of missing-value counts. */
export function referenceText(ref: TemplateRef): string {
  if (ref.kind === 'data' || ref.kind === 'vars') return `${ref.kind}.${ref.key}`;
  return ref.kind === 'vu' ? 'vu.id' : 'iteration';
}

export function hasReferences(template: Template): boolean {
  return template.some((p) => p.kind === 'ref');
}
