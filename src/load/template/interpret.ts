import { parseBody, parseTemplate, referenceText, type BodyNode, type Template, type TemplateRef } from './ast.js';

/** What a template can read: the iteration's data row, the VU's captured variables, ids. */
export interface TemplateScope {
  data: Record<string, string | number> | undefined;
  vars: Record<string, unknown>;
  vuId: number;
  iteration: number;
}

/** A compiled `${…}` template: `/api/pitches/${data.pitchId}`, `Bearer ${vars.token}`, `${vu.id}`, `${iteration}`. */
export type CompiledTemplate = (scope: TemplateScope) => string;

/** Thrown at run time when a template reads a value the row or the VU does not have (counted, request not sent). */
export class TemplateValueMissing extends Error {
  constructor(readonly expression: string) {
    super(`template value ${expression} is missing`);
  }
}

function readValue(ref: Extract<TemplateRef, { kind: 'data' | 'vars' }>, s: TemplateScope): unknown {
  const v = ref.kind === 'data' ? s.data?.[ref.key] : s.vars[ref.key];
  if (v === undefined) throw new TemplateValueMissing(referenceText(ref));
  return v;
}

function readText(ref: TemplateRef, s: TemplateScope): string {
  switch (ref.kind) {
    case 'data':
      return String(readValue(ref, s));
    case 'vars': {
      const v = readValue(ref, s);
      return typeof v === 'string' ? v : JSON.stringify(v);
    }
    case 'vu':
      return String(s.vuId);
    case 'iteration':
      return String(s.iteration);
  }
}

/** The interpreter of a parsed template: constant text needs no work per request. */
export function interpretTemplate(template: Template): CompiledTemplate {
  if (template.length === 0) return () => '';
  if (template.every((p) => p.kind === 'text')) {
    const constant = template.map((p) => p.text).join('');
    return () => constant;
  }
  return (s) => {
    let out = '';
    for (const p of template) out += p.kind === 'text' ? p.text : readText(p.ref, s);
    return out;
  };
}

export function interpretBody(node: BodyNode): (s: TemplateScope) => unknown {
  switch (node.kind) {
    case 'template':
      return interpretTemplate(node.template);
    case 'value':
      return (s) => readValue(node.ref, s);
    case 'array': {
      const items = node.items.map(interpretBody);
      return (s) => items.map((f) => f(s));
    }
    case 'object': {
      const entries = node.entries.map(([k, v]) => [k, interpretBody(v)] as const);
      return (s) => Object.fromEntries(entries.map(([k, f]) => [k, f(s)]));
    }
    case 'literal': {
      const value = node.value;
      return () => value;
    }
  }
}

export function compileTemplate(text: string, keyPath: string): CompiledTemplate {
  return interpretTemplate(parseTemplate(text, keyPath));
}

/** Compiles every string inside a JSON body; non-string leaves are kept. */
export function compileBody(body: unknown, keyPath: string): ((s: TemplateScope) => unknown) | undefined {
  return body === undefined ? undefined : interpretBody(parseBody(body, keyPath));
}
