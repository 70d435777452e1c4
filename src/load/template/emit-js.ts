import type { BodyNode, Template, TemplateRef } from './ast.js';

/**
 * The k6 back end of the template language: JavaScript source reading `row` (the data row), `vars` (the VU's
 * captures), `__VU` and `iter`, as the generated k6 script names them.
 */
export function jsReference(ref: TemplateRef): string {
  switch (ref.kind) {
    case 'data':
      return `row[${JSON.stringify(ref.key)}]`;
    case 'vars':
      return `vars[${JSON.stringify(ref.key)}]`;
    case 'vu':
      return '__VU';
    case 'iteration':
      return 'iter';
  }
}

const escapeLiteral = (s: string) => s.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${');

/** A JS template literal equivalent of a parsed template. */
export function emitTemplateLiteral(template: Template): string {
  let out = '`';
  for (const p of template) out += p.kind === 'text' ? escapeLiteral(p.text) : `\${${jsReference(p.ref)}}`;
  return `${out}\``;
}

/** A JS expression building the request body (a lone `${data.x}` keeps the value's type). */
export function emitBodyExpression(node: BodyNode): string {
  switch (node.kind) {
    case 'template':
      return emitTemplateLiteral(node.template);
    case 'value':
      return jsReference(node.ref);
    case 'array':
      return `[${node.items.map(emitBodyExpression).join(', ')}]`;
    case 'object':
      return `{ ${node.entries.map(([k, v]) => `${JSON.stringify(k)}: ${emitBodyExpression(v)}`).join(', ')} }`;
    case 'literal':
      return JSON.stringify(node.value);
  }
}
