import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseJsonc, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';

/**
 * One-line messages for config files that cannot be read: they name the user's file, line and column, never a frame
 * inside Node or the TypeScript loader.
 */

function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const line = before.split('\n').length;
  const column = offset - (before.lastIndexOf('\n') + 1) + 1;
  return `line ${line}, column ${column}`;
}

/** Why `text` is not JSON and where, e.g. `Expected ',' or '}' after property value (line 3, column 3)`. */
export function describeJsonError(text: string, error: Error): string {
  const m = /^(.*?) in JSON at position (\d+)/.exec(error.message);
  if (m) return `${m[1]} (${lineColumn(text, Number(m[2]))})`;
  // Without a position V8 quotes the whole input ("Unexpected token 'x', "{…}" is not valid JSON"): locate and name
  // the problem with a JSON parser that reports offsets.
  const errors: ParseError[] = [];
  parseJsonc(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  if (!first) return error.message.split(/, "|\n/)[0];
  const what = printParseErrorCode(first.error)
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
  return `${what} (${lineColumn(text, first.offset)})`;
}

/**
 * The first key written twice in one object of a valid JSON text (JSON.parse silently keeps the last), as
 * `services.user (line 7, column 5)`; undefined when there is none.
 */
export function duplicateJsonKey(text: string): string | undefined {
  const walk = (node: Node, at: string): string | undefined => {
    if (node.type === 'object') {
      const seen = new Set<string>();
      for (const property of node.children ?? []) {
        const [keyNode, valueNode] = property.children ?? [];
        if (!keyNode) continue;
        const key = String(keyNode.value);
        const keyPath = at ? `${at}.${key}` : key;
        if (seen.has(key)) return `${keyPath} (${lineColumn(text, keyNode.offset)})`;
        seen.add(key);
        const inner = valueNode && walk(valueNode, keyPath);
        if (inner) return inner;
      }
    } else if (node.type === 'array') {
      for (const [i, item] of (node.children ?? []).entries()) {
        const inner = walk(item, `${at}[${i}]`);
        if (inner) return inner;
      }
    }
    return undefined;
  };
  const tree = parseTree(text);
  return tree ? walk(tree, '') : undefined;
}

/** `file:line:col` of the first stack frame in the user's code, relative to the config's folder. */
function userFrame(stack: string, configDir: string): string | undefined {
  for (const line of stack.split('\n')) {
    const m = /^\s*at (?:.*\()?((?:file:\/\/)?\/[^()]*?):(\d+):(\d+)\)?\s*$/.exec(line);
    if (!m) continue;
    const file = m[1].startsWith('file://') ? fileURLToPath(m[1]) : m[1];
    if (file.includes(`${path.sep}node_modules${path.sep}`)) continue;
    return `${path.relative(configDir, file) || path.basename(file)}:${m[2]}:${m[3]}`;
  }
  return undefined;
}

/** The message of an error thrown while loading a JS/TS config module, with the user's file:line:col. */
export function describeModuleError(error: unknown, configFile: string): string {
  const configDir = path.dirname(configFile);
  const err = error instanceof Error ? error : new Error(String(error));
  const [first = '', ...rest] = err.message.split('\n');
  // The loader (jiti, Babel's parser) reports syntax errors as "ParseError: <what>\n <file>:<line>:<col>", the column
  // counted from 0.
  const parseError = /^(?:ParseError|SyntaxError): (.*)$/.exec(first.trim());
  const parseWhere = rest.map((l) => /^\s*(\/.*):(\d+):(\d+)\s*$/.exec(l)).find((x) => x);
  if (parseError && parseWhere) {
    const file = path.relative(configDir, parseWhere[1]) || path.basename(parseWhere[1]);
    const where = `${file}:${parseWhere[2]}:${Number(parseWhere[3]) + 1}`;
    return `syntax error: ${parseError[1].trim() || 'unexpected token'} (at ${where})`;
  }
  // A missing import: name the user's file that imports it (the first entry of Node's "Require stack").
  if ((err as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') {
    const importer = rest.map((l) => /^- (\/.*)$/.exec(l.trim())?.[1]).find((x) => x);
    if (!importer) return first.trim();
    return `${first.trim()} (imported from ${path.relative(configDir, importer) || path.basename(importer)})`;
  }
  const message = first.trim() || err.name;
  const where = userFrame(err.stack ?? '', configDir);
  return `${message}${where ? ` (at ${where})` : ''}`;
}
