import type * as TS from 'typescript';
import ts from '../typescript-api.js';

/** What the detectors need from one file; computed once per file content and cached (see detector-cache.ts). */
export interface FileFacts {
  /** Calls whose callee matches a client pattern and that no wrapper call encloses. */
  unprotectedCalls: Array<{ callee: string; line: number }>;
  /** The file creates a server/app or registers routes (also through a method call: `this.register('GET', '/x')`). */
  httpEntry: boolean;
  /** Names of rate-limiting middleware the file mentions. */
  rateLimitMentions: boolean;
  /** First path segments of the `/api/<segment>` routes the file names, lower case, sorted, distinct. */
  routeSegments: string[];
}

export interface FactOptions {
  clients: RegExp[];
  /** Cheap text test: could the file call a client at all? Files that fail it and have no SQL are not parsed. */
  clientPrefilter: RegExp;
  wrappers: RegExp[];
  rateLimitNames: string[];
}

const HTTP_ENTRY_RE = new RegExp(
  [
    String.raw`\b(?:fastify|express|Fastify|new\s+Hono|new\s+Koa|createServer|Router)\s*\(`,
    String.raw`\.(?:get|post|put|patch|delete|route)\s*(?:<[^()]*?>)?\s*\(\s*['"\x60]\/`,
    // Route registration through a method call with the HTTP method as its first argument.
    String.raw`\.\s*(?:register|route|add|on|handle|addRoute)\s*\(\s*['"\x60](?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|ALL)['"\x60]\s*,\s*['"\x60]\/`,
  ].join('|'),
);

const ROUTE_RE = /['"`]\/api\/([a-z][\w-]*)/gi;

/** `a.b.c` for an identifier / `this` / property-access chain; undefined for anything else (a call result, …). */
export function calleeName(expr: TS.Expression): string | undefined {
  if (ts.isIdentifier(expr)) return expr.text;
  if (expr.kind === ts.SyntaxKind.ThisKeyword) return 'this';
  if (ts.isPropertyAccessExpression(expr) && ts.isIdentifier(expr.name)) {
    const left = calleeName(expr.expression);
    if (left === undefined) return undefined;
    return left === 'this' ? expr.name.text : `${left}.${expr.name.text}`;
  }
  return undefined;
}

/** Patterns match the whole callee or any dotted suffix of it: `this.redis.get` matches `redis.*` and `redis.get`. */
export function calleeMatches(patterns: RegExp[], callee: string): boolean {
  const parts = callee.split('.');
  for (let i = 0; i < parts.length; i++) {
    const suffix = parts.slice(i).join('.');
    if (patterns.some((r) => r.test(suffix))) return true;
  }
  return false;
}

function scriptKindOf(fileName: string): TS.ScriptKind {
  if (fileName.endsWith('.tsx')) return ts.ScriptKind.TSX;
  if (fileName.endsWith('.jsx')) return ts.ScriptKind.JSX;
  if (/\.[cm]?js$/.test(fileName)) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

/** One pass over the file's syntax tree (TypeScript's parser, no type checker). */
export function fileFacts(fileName: string, text: string, options: FactOptions): FileFacts {
  const facts: FileFacts = {
    unprotectedCalls: [],
    httpEntry: HTTP_ENTRY_RE.test(text),
    rateLimitMentions: options.rateLimitNames.some((n) => text.includes(n)),
    routeSegments: [...new Set([...text.matchAll(ROUTE_RE)].map((m) => m[1].toLowerCase()))].sort(),
  };
  const clientWords = options.clients.length > 0 && options.clientPrefilter.test(text);
  if (!clientWords) return facts;
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, scriptKindOf(fileName));
  const lineOf = (n: TS.Node) => sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
  const visit = (node: TS.Node, wrapped: boolean): void => {
    let inside = wrapped;
    if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
      const callee = calleeName(node.expression);
      if (callee !== undefined && calleeMatches(options.wrappers, callee)) inside = true;
      if (ts.isCallExpression(node)) {
        if (callee !== undefined && !wrapped && calleeMatches(options.clients, callee)) {
          facts.unprotectedCalls.push({ callee, line: lineOf(node) });
        }
      }
    }
    ts.forEachChild(node, (c) => visit(c, inside));
  };
  visit(sf, false);
  return facts;
}
