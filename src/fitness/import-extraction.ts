import type * as TS from 'typescript';
import ts from './typescript-api.js';
import type { EdgeKind } from '../core/result-static.js';

/** One module reference found in a source file, before resolution. */
export interface RawImport {
  specifier: string;
  kind: EdgeKind;
  line: number;
}

/** Exported declaration counts, for abstractness (A = abstract / total). */
export interface ExportedDeclarations {
  abstract: number;
  total: number;
}

export interface FileExtraction {
  imports: RawImport[];
  exported: ExportedDeclarations;
  /** Set when the parser reported syntax errors; the imports found are still returned. */
  parseError?: string;
}

const DYNAMIC_REFERENCE_RE = /\b(?:import|require)\s*\(/;

function scriptKindOf(fileName: string): TS.ScriptKind {
  if (fileName.endsWith('.tsx')) return ts.ScriptKind.TSX;
  if (fileName.endsWith('.jsx')) return ts.ScriptKind.JSX;
  if (/\.[cm]?js$/.test(fileName)) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

function hasExportModifier(node: TS.Node): boolean {
  const mods = ts.canHaveModifiers(node) ? ts.getModifiers(node) : undefined;
  return !!mods?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
}

function hasAbstractModifier(node: TS.Node): boolean {
  const mods = ts.canHaveModifiers(node) ? ts.getModifiers(node) : undefined;
  return !!mods?.some((m) => m.kind === ts.SyntaxKind.AbstractKeyword);
}

function isTypeOnlyImportClause(clause: TS.ImportClause): boolean {
  if (clause.phaseModifier === ts.SyntaxKind.TypeKeyword) return true;
  // `import { type A, type B } from` — every specifier is a type and there is no default import.
  if (clause.name) return false;
  const nb = clause.namedBindings;
  return !!nb && ts.isNamedImports(nb) && nb.elements.length > 0 && nb.elements.every((e) => e.isTypeOnly);
}

function isTypeOnlyExport(decl: TS.ExportDeclaration): boolean {
  if (decl.isTypeOnly) return true;
  const ec = decl.exportClause;
  return !!ec && ts.isNamedExports(ec) && ec.elements.length > 0 && ec.elements.every((e) => e.isTypeOnly);
}

/**
 * Parses one file with the TypeScript parser (no type checker, no parent pointers) and returns every module
 * reference with its edge kind, plus exported declaration counts.
 */
export function extractFile(fileName: string, text: string): FileExtraction {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, scriptKindOf(fileName));
  const imports: RawImport[] = [];
  const lineOf = (pos: number) => sf.getLineAndCharacterOfPosition(pos).line + 1;
  const add = (lit: TS.Expression | undefined, kind: EdgeKind) => {
    if (lit && ts.isStringLiteralLike(lit)) imports.push({ specifier: lit.text, kind, line: lineOf(lit.getStart(sf)) });
  };
  const exported: ExportedDeclarations = { abstract: 0, total: 0 };

  for (const ref of sf.referencedFiles) {
    imports.push({ specifier: ref.fileName, kind: 'triple-slash', line: lineOf(ref.pos) });
  }

  for (const st of sf.statements) {
    if (ts.isImportDeclaration(st)) {
      const typeOnly = !!st.importClause && isTypeOnlyImportClause(st.importClause);
      add(st.moduleSpecifier, typeOnly ? 'import-type' : 'import');
    } else if (ts.isExportDeclaration(st)) {
      if (st.moduleSpecifier) add(st.moduleSpecifier, isTypeOnlyExport(st) ? 'export-type' : 'export-from');
      else if (st.exportClause && ts.isNamedExports(st.exportClause)) {
        for (const e of st.exportClause.elements) {
          exported.total++;
          if (e.isTypeOnly || st.isTypeOnly) exported.abstract++;
        }
      }
    } else if (ts.isImportEqualsDeclaration(st) && ts.isExternalModuleReference(st.moduleReference)) {
      add(st.moduleReference.expression, st.isTypeOnly ? 'import-type' : 'require');
    } else if (hasExportModifier(st)) {
      countExported(st, exported);
    }
  }

  if (DYNAMIC_REFERENCE_RE.test(text)) collectNested(sf, add);

  const diags = (sf as unknown as { parseDiagnostics?: readonly TS.Diagnostic[] }).parseDiagnostics;
  let parseError: string | undefined;
  if (diags && diags.length > 0) {
    const d = diags[0];
    const line = d.start !== undefined ? lineOf(d.start) : 0;
    parseError = `line ${line}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
  }
  return { imports, exported, ...(parseError ? { parseError } : {}) };
}

function countExported(st: TS.Statement, exported: ExportedDeclarations): void {
  if (ts.isInterfaceDeclaration(st) || ts.isTypeAliasDeclaration(st)) {
    exported.total++;
    exported.abstract++;
  } else if (ts.isClassDeclaration(st)) {
    exported.total++;
    if (hasAbstractModifier(st)) exported.abstract++;
  } else if (ts.isVariableStatement(st)) {
    exported.total += st.declarationList.declarations.length;
  } else if (ts.isFunctionDeclaration(st) || ts.isEnumDeclaration(st) || ts.isModuleDeclaration(st)) {
    exported.total++;
  }
}

/** Finds `import()` calls, `require()` calls and `import('x')` types anywhere in the file. */
function collectNested(sf: TS.SourceFile, add: (lit: TS.Expression | undefined, kind: EdgeKind) => void): void {
  const stack: TS.Node[] = [sf];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (ts.isCallExpression(node)) {
      if (node.expression.kind === ts.SyntaxKind.ImportKeyword) add(node.arguments[0], 'dynamic-import');
      else if (ts.isIdentifier(node.expression) && node.expression.text === 'require' && node.arguments.length === 1) {
        add(node.arguments[0], 'require');
      }
    } else if (ts.isImportTypeNode(node)) {
      const arg = node.argument;
      if (ts.isLiteralTypeNode(arg)) add(arg.literal, 'typeof-import');
    }
    // Children in reverse so the walk visits them in source order.
    const children: TS.Node[] = [];
    ts.forEachChild(node, (c) => {
      children.push(c);
    });
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
  }
}
