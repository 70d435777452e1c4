import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { parseBody, parseTemplate } from '../../src/load/template/ast.js';
import { emitBodyExpression, emitTemplateLiteral } from '../../src/load/template/emit-js.js';
import { interpretBody, interpretTemplate, TemplateValueMissing } from '../../src/load/template/interpret.js';

const key = fc.stringMatching(/^[A-Za-z_][\w-]{0,6}$/);
// literal text, including characters a JS template literal must escape
const text = fc.stringMatching(/^[a-z/?=&`\\$ {}.-]{0,8}$/).filter((t) => !/\$\{/.test(t) && !t.endsWith('$'));
const ref = fc.oneof(
  key.map((k) => `\${data.${k}}`),
  key.map((k) => `\${ vars.${k} }`),
  fc.constantFrom('${vu.id}', '${__VU}', '${iteration}', '${__ITER}'),
);
const template = fc.array(fc.oneof(text, ref), { maxLength: 6 }).map((parts) => parts.join(''));

/** Evaluates the k6 back end's JavaScript with the names the generated script gives its values. */
function runEmitted(js: string, row: Record<string, unknown>, vars: Record<string, unknown>, vu: number, iter: number) {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- evaluates the k6 back end's output, as k6 would
  const fn = new Function('row', 'vars', '__VU', 'iter', `return ${js};`) as (...a: unknown[]) => unknown;
  return fn(row, vars, vu, iter);
}

describe('one template language, two back ends', () => {
  it('the native interpreter and the emitted k6 JavaScript give the same text for any template and scope', () => {
    let cases = 0;
    fc.assert(
      fc.property(template, fc.integer({ min: 1, max: 99 }), fc.nat(999), (t, vu, iter) => {
        cases++;
        const ast = parseTemplate(t, 'k');
        // every referenced value exists: strings in rows, strings or numbers in vars
        const row: Record<string, string> = {};
        const vars: Record<string, unknown> = {};
        for (const p of ast) {
          if (p.kind === 'ref' && p.ref.kind === 'data') row[p.ref.key] = `r-${p.ref.key}`;
          if (p.kind === 'ref' && p.ref.kind === 'vars') vars[p.ref.key] = `v-${p.ref.key}`;
        }
        const native = interpretTemplate(ast)({ data: row, vars, vuId: vu, iteration: iter });
        expect(runEmitted(emitTemplateLiteral(ast), row, vars, vu, iter)).toBe(native);
      }),
      { numRuns: 300 },
    );
    console.log(`template back ends agreed on ${cases} generated templates`);
    expect(cases).toBe(300);
  });

  it('a body keeps a lone ${data.x} typed, templates strings elsewhere, in both back ends', () => {
    const body = { id: '${data.n}', q: 'a-${vars.t}', list: [1, '${iteration}'], flag: true };
    const ast = parseBody(body, 'b');
    const row = { n: 42 };
    const vars = { t: 'x' };
    const native = interpretBody(ast)({ data: row, vars, vuId: 3, iteration: 7 });
    expect(native).toEqual({ id: 42, q: 'a-x', list: [1, '7'], flag: true });
    expect(runEmitted(emitBodyExpression(ast), row, vars, 3, 7)).toEqual(native);
  });

  it('errors are the same one line for both: unknown expression at parse time, missing value at run time', () => {
    expect(() => parseTemplate('/x/${foo}', 'load.scenarios.s.requests[0].path')).toThrow(ConfigError);
    expect(() => parseTemplate('/x/${foo}', 'load.scenarios.s.requests[0].path')).toThrow(
      'config load.scenarios.s.requests[0].path: unknown template expression ${foo}: use ${data.<column>}, ' +
        '${vars.<captured>}, ${vu.id} or ${iteration}',
    );
    const run = interpretTemplate(parseTemplate('Bearer ${vars.token}', 'h'));
    expect(() => run({ data: undefined, vars: {}, vuId: 1, iteration: 0 })).toThrow(TemplateValueMissing);
    expect(() => run({ data: undefined, vars: {}, vuId: 1, iteration: 0 })).toThrow(
      'template value vars.token is missing',
    );
  });
});
