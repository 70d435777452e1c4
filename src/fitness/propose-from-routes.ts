import fs from 'node:fs';
import path from 'node:path';
import type * as TS from 'typescript';
import { findEntryPoints } from './entry-points.js';
import { extractFile } from './import-extraction.js';
import { ModuleResolver } from './module-resolver.js';
import { discoverSourceFiles } from './source-files.js';
import ts from './typescript-api.js';
import { discoverWorkspacePackages } from './workspace-packages.js';

export interface RouteProposal {
  /** Domain -> the files (repo-relative) only its routes reach. */
  services: Record<string, string[]>;
  /** Files the routes of several domains reach: shared code. */
  shared: string[];
  /** Domain -> number of routes the entry registers for it (domains without a file of their own included). */
  routes: Record<string, number>;
}

/** Path segments that name no domain: `/api/v2/users/:id` -> `users`. */
const NO_DOMAIN_SEGMENT_RE = /^(api|rest|graphql|v\d+(\.\d+)?|public|internal|admin)$|^[:{*]|[*?(]/i;
const VALID_NAME_RE = /^[A-Za-z][\w.-]*$/;
/** Files that stay shared even when one domain alone reaches them: the folder says it is shared code. */
const SHARED_PATH_RE =
  /(^|\/)(shared|common|lib|libs|utils?|helpers?|core|kernel|contracts?|types|db|database|infra|middlewares?)\//i;

/** `pitches` -> `pitch`, `categories` -> `category`, `ndas` -> `nda`; `status`, `access`, `media` stay. */
export function singular(word: string): string {
  if (/ies$/i.test(word)) return word.slice(0, -3) + 'y';
  if (/(ch|sh|x|z|ss)es$/i.test(word)) return word.slice(0, -2);
  if (/(ss|us|is)$/i.test(word) || !/s$/i.test(word)) return word;
  return word.slice(0, -1);
}

/** The domain a route path names: its first segment that is not `api`, a version or a parameter. */
export function domainOfRoute(route: string): string | undefined {
  const segment = route
    .split(/[/?#]/)
    .filter((s) => s.length > 0)
    .find((s) => !NO_DOMAIN_SEGMENT_RE.test(s));
  if (!segment) return undefined;
  const name = singular(segment.toLowerCase().replace(/[^\w.-]+/g, '-'));
  return VALID_NAME_RE.test(name) ? name : undefined;
}

interface EntryRoutes {
  /** Domain -> identifiers (imports or local functions / methods) its handlers refer to. */
  handlerNames: Map<string, Set<string>>;
  routes: Map<string, number>;
}

/** Method names that register a route (`this.register`, `router.get`, `app.use`, `hono.on`, `r.addRoute`, ...). */
const ROUTE_METHOD_RE = new RegExp(
  '^(register|registerRoute|route|add|addRoute|on|handle|use|mount|all|any|' +
    'get|post|put|patch|delete|del|head|options)$',
  'i',
);

/**
 * A route registration: a call of a route method whose first argument (or second, after a method string) is a string
 * literal path (`'/api/users/:id'`); returns the path and the arguments after it. `path.join('/tmp', x)` is not one.
 */
function routeCall(call: TS.CallExpression): { route: string; handlers: TS.Expression[] } | undefined {
  const callee = call.expression;
  const name = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : '';
  if (!ROUTE_METHOD_RE.test(name)) return undefined;
  const i = call.arguments.findIndex((a) => ts.isStringLiteralLike(a) && a.text.startsWith('/'));
  if (i < 0 || i > 1 || i === call.arguments.length - 1) return undefined;
  if (i === 1 && !ts.isStringLiteralLike(call.arguments[0])) return undefined;
  return { route: (call.arguments[i] as TS.StringLiteralLike).text, handlers: call.arguments.slice(i + 1) };
}

/** Names referenced in a handler expression: identifiers, `ns.fn` (ns), `this.method` (method). */
function referencedNames(node: TS.Node, out: Set<string>): void {
  if (ts.isIdentifier(node)) out.add(node.text);
  else if (ts.isPropertyAccessExpression(node) && node.expression.kind === ts.SyntaxKind.ThisKeyword) {
    out.add(node.name.text);
    return;
  } else if (ts.isPropertyAccessExpression(node)) {
    referencedNames(node.expression, out);
    return;
  }
  ts.forEachChild(node, (c) => referencedNames(c, out));
}

/** Every `x.register('GET', '/api/…', handler)` / `app.get('/api/…', handler)`-shaped call of the entry file. */
function entryRoutes(sf: TS.SourceFile): EntryRoutes {
  const handlerNames = new Map<string, Set<string>>();
  const routes = new Map<string, number>();
  const visit = (node: TS.Node): void => {
    if (ts.isCallExpression(node)) {
      const rc = routeCall(node);
      const domain = rc && domainOfRoute(rc.route);
      if (rc && domain) {
        routes.set(domain, (routes.get(domain) ?? 0) + 1);
        let names = handlerNames.get(domain);
        if (!names) handlerNames.set(domain, (names = new Set()));
        for (const h of rc.handlers) referencedNames(h, names);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return { handlerNames, routes };
}

/** Local functions and class methods of the entry by name, so a handler `this.currentUser` is followed into. */
function localBodies(sf: TS.SourceFile): Map<string, TS.Node> {
  const out = new Map<string, TS.Node>();
  const visit = (node: TS.Node): void => {
    if ((ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node)) && node.name && node.body) {
      if (ts.isIdentifier(node.name)) out.set(node.name.text, node.body);
    } else if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer) {
      if (ts.isArrowFunction(node.initializer) || ts.isFunctionExpression(node.initializer))
        out.set(node.name.text, node.initializer.body);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** Local name -> module specifier, for every import binding of the file. */
function importBindings(sf: TS.SourceFile): Map<string, string> {
  const out = new Map<string, string>();
  for (const st of sf.statements) {
    if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier) || !st.importClause) continue;
    const spec = st.moduleSpecifier.text;
    const clause = st.importClause;
    if (clause.name) out.set(clause.name.text, spec);
    const nb = clause.namedBindings;
    if (nb && ts.isNamespaceImport(nb)) out.set(nb.name.text, spec);
    else if (nb) for (const e of nb.elements) out.set(e.name.text, spec);
  }
  return out;
}

/**
 * Services for a repo whose code is one big entry file: the domains of the routes the entry registers (`/api/users…`
 * -> user), each owning the modules its handlers import and what only those modules reach; modules the routes of
 * several domains reach are shared. Empty when the entry registers routes for fewer than two domains.
 */
export function proposeFromRoutes(root: string): RouteProposal {
  const empty: RouteProposal = { services: {}, shared: [], routes: {} };
  const files = discoverSourceFiles(root);
  const packages = discoverWorkspacePackages(root);
  const entries = findEntryPoints(root, files, packages, undefined);
  const rel = (abs: string) => path.relative(root, abs).split(path.sep).join('/');
  const known = new Set(files);
  const resolver = new ModuleResolver(root, packages);
  const resolve = (spec: string, fromAbs: string): string | undefined => {
    const r = resolver.resolve(spec, fromAbs, 'import');
    return r.type === 'file' && known.has(rel(r.file)) ? rel(r.file) : undefined;
  };

  const seeds = new Map<string, Set<string>>();
  const routes: Record<string, number> = {};
  const entryFiles = new Set(entries.map((e) => e.file));
  for (const entry of entryFiles) {
    const abs = path.join(root, entry);
    const sf = ts.createSourceFile(abs, fs.readFileSync(abs, 'utf8'), ts.ScriptTarget.Latest, true);
    const found = entryRoutes(sf);
    const bodies = localBodies(sf);
    const imports = importBindings(sf);
    for (const [domain, names] of found.handlerNames) {
      routes[domain] = (routes[domain] ?? 0) + (found.routes.get(domain) ?? 0);
      // Follow local functions and methods (`this.currentUser`) to the imports they use.
      const queue = [...names];
      const seen = new Set(queue);
      for (let i = 0; i < queue.length; i++) {
        const body = bodies.get(queue[i]);
        if (!body) continue;
        const inner = new Set<string>();
        referencedNames(body, inner);
        for (const n of inner) {
          if (seen.has(n)) continue;
          seen.add(n);
          queue.push(n);
        }
      }
      let set = seeds.get(domain);
      if (!set) seeds.set(domain, (set = new Set()));
      for (const n of seen) {
        const spec = imports.get(n);
        const file = spec === undefined ? undefined : resolve(spec, abs);
        if (file && !entryFiles.has(file)) set.add(file);
      }
    }
  }
  if ([...seeds.values()].filter((s) => s.size > 0).length < 2) return { ...empty, routes };

  // Which domains reach each module (through any import, types included), never walking back into an entry.
  const importsOf = new Map<string, string[]>();
  const localImports = (file: string): string[] => {
    let out = importsOf.get(file);
    if (out) return out;
    const abs = path.join(root, file);
    const { imports } = extractFile(abs, fs.readFileSync(abs, 'utf8'));
    out = imports.map((i) => resolve(i.specifier, abs)).filter((f): f is string => !!f && !entryFiles.has(f));
    importsOf.set(file, out);
    return out;
  };
  const reachedBy = new Map<string, Set<string>>();
  for (const [domain, start] of seeds) {
    const queue = [...start];
    const seen = new Set(queue);
    for (let i = 0; i < queue.length; i++) {
      for (const f of localImports(queue[i])) {
        if (seen.has(f)) continue;
        seen.add(f);
        queue.push(f);
      }
    }
    for (const f of seen) {
      let s = reachedBy.get(f);
      if (!s) reachedBy.set(f, (s = new Set()));
      s.add(domain);
    }
  }
  const services: Record<string, string[]> = {};
  const shared: string[] = [];
  for (const [file, domains] of [...reachedBy].sort(([a], [b]) => a.localeCompare(b))) {
    if (domains.size > 1 || SHARED_PATH_RE.test(file)) {
      shared.push(file);
      continue;
    }
    const [domain] = domains;
    (services[domain] ??= []).push(file);
  }
  const sorted = Object.fromEntries(Object.entries(services).sort(([a], [b]) => a.localeCompare(b)));
  return Object.keys(sorted).length >= 2 ? { services: sorted, shared, routes } : { ...empty, routes };
}
