import fs from 'node:fs';
import path from 'node:path';
import { isBuiltin } from 'node:module';
import type * as TS from 'typescript';
import ts from './typescript-api.js';
import { ConfigError } from '../core/errors.js';
import type { EdgeKind } from '../core/result-static.js';
import { WorkspaceResolver, type WorkspacePackage } from './workspace-packages.js';

export type Resolution = { type: 'file'; file: string } | { type: 'external'; name: string } | { type: 'unresolved' };

function fallbackOptions(): TS.CompilerOptions {
  return {
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    allowJs: true,
    resolveJsonModule: true,
    allowImportingTsExtensions: true,
  };
}

interface ConfigEntry {
  options: TS.CompilerOptions;
  /** Passed as the "redirect" so the one shared cache keeps a separate map per distinct option set. */
  reference: TS.ResolvedProjectReference;
}

/** The package name of a bare specifier (`@scope/name/sub` -> `@scope/name`). */
export function packageNameOf(specifier: string): string {
  const parts = specifier.replace(/^node:/, '').split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/**
 * Resolves module specifiers the way TypeScript does, with the nearest tsconfig of each file (`extends`, `paths`)
 * and ONE shared ModuleResolutionCache; workspace packages resolve to their source files.
 */
export class ModuleResolver {
  private readonly existsCache = new Map<string, boolean>();
  private readonly dirExistsCache = new Map<string, boolean>();
  private readonly configByDir = new Map<string, ConfigEntry>();
  private readonly configByFile = new Map<string, ConfigEntry>();
  private readonly formatByFile = new Map<string, TS.ResolutionMode>();
  private readonly extendedConfigCache = new Map<string, TS.ExtendedConfigCacheEntry>();
  private cacheInstance: TS.ModuleResolutionCache | undefined;
  private readonly host: TS.ModuleResolutionHost;
  private fallbackEntry: ConfigEntry | undefined;
  readonly workspace: WorkspaceResolver;
  readonly tsconfigsUsed = new Set<string>();

  constructor(
    readonly root: string,
    packages: WorkspacePackage[],
    defaultTsconfig?: string,
  ) {
    this.host = {
      fileExists: (f) => this.fileExists(f),
      readFile: (f) => {
        try {
          return fs.readFileSync(f, 'utf8');
        } catch {
          return undefined;
        }
      },
      directoryExists: (d) => this.directoryExists(d),
      realpath: (p) => {
        try {
          return fs.realpathSync.native(p);
        } catch {
          return p;
        }
      },
      getCurrentDirectory: () => root,
    };
    if (defaultTsconfig && !fs.existsSync(defaultTsconfig)) {
      throw new ConfigError(`tsconfig ${defaultTsconfig} does not exist`, 'static.tsconfig');
    }
    this.defaultTsconfig = defaultTsconfig;
    this.workspace = new WorkspaceResolver(packages, (f) => this.fileExists(f));
  }

  private readonly defaultTsconfig: string | undefined;

  // Created on the first resolution only: a warm run that reuses every cached resolution never loads TypeScript.
  private get cache(): TS.ModuleResolutionCache {
    this.cacheInstance ??= ts.createModuleResolutionCache(this.root, (s) => s, fallbackOptions());
    return this.cacheInstance;
  }

  private get fallback(): ConfigEntry {
    this.fallbackEntry ??= this.defaultTsconfig
      ? this.loadConfig(this.defaultTsconfig, 'static.tsconfig')
      : this.entryFor(fallbackOptions(), path.join(this.root, '(default)'));
    return this.fallbackEntry;
  }

  fileExists(f: string): boolean {
    let v = this.existsCache.get(f);
    if (v === undefined) {
      try {
        v = fs.statSync(f).isFile();
      } catch {
        v = false;
      }
      this.existsCache.set(f, v);
    }
    return v;
  }

  private directoryExists(d: string): boolean {
    let v = this.dirExistsCache.get(d);
    if (v === undefined) {
      try {
        v = fs.statSync(d).isDirectory();
      } catch {
        v = false;
      }
      this.dirExistsCache.set(d, v);
    }
    return v;
  }

  private entryFor(options: TS.CompilerOptions, configFile: string): ConfigEntry {
    const opts = { ...options, allowJs: true, resolveJsonModule: true };
    const commandLine: TS.ParsedCommandLine = { options: opts, fileNames: [], errors: [] };
    const sourceFile = { fileName: configFile, path: configFile } as unknown as TS.SourceFile;
    return { options: opts, reference: { commandLine, sourceFile } };
  }

  private loadConfig(file: string, keyPath?: string): ConfigEntry {
    const cached = this.configByFile.get(file);
    if (cached) return cached;
    let failure: string | undefined;
    const parsed = ts.getParsedCommandLineOfConfigFile(
      file,
      {},
      {
        ...ts.sys,
        fileExists: (f) => this.fileExists(f),
        readDirectory: () => [],
        onUnRecoverableConfigFileDiagnostic: (d) => {
          failure = ts.flattenDiagnosticMessageText(d.messageText, ' ');
        },
      },
      this.extendedConfigCache,
    );
    if (!parsed || failure) {
      const rel = path.relative(this.root, file) || file;
      if (keyPath) throw new ConfigError(`cannot read tsconfig ${rel}: ${failure ?? 'unreadable'}`, keyPath);
      throw new ConfigError(`cannot read tsconfig ${rel}: ${failure ?? 'unreadable'}`);
    }
    const entry = this.entryFor(parsed.options, file);
    this.configByFile.set(file, entry);
    this.tsconfigsUsed.add(file);
    return entry;
  }

  /** The nearest tsconfig.json at or above `dir`, not looking above the analysed root. */
  private configForDir(dir: string): ConfigEntry {
    const hit = this.configByDir.get(dir);
    if (hit) return hit;
    let entry: ConfigEntry;
    const candidate = path.join(dir, 'tsconfig.json');
    if (this.fileExists(candidate)) entry = this.loadConfig(candidate);
    else {
      const parent = path.dirname(dir);
      const insideRoot = dir !== this.root && (parent === this.root || parent.startsWith(this.root + path.sep));
      entry = insideRoot ? this.configForDir(parent) : this.fallback;
    }
    this.configByDir.set(dir, entry);
    return entry;
  }

  resolve(specifier: string, containingFile: string, kind: EdgeKind): Resolution {
    if (kind === 'triple-slash') {
      const f = path.resolve(path.dirname(containingFile), specifier);
      return this.fileExists(f) ? { type: 'file', file: f } : { type: 'unresolved' };
    }
    if (isBuiltin(specifier)) return { type: 'external', name: specifier.replace(/^node:/, '') };
    const ws = this.workspace.resolve(specifier);
    if (ws) return { type: 'file', file: ws };
    const cfg = this.configForDir(path.dirname(containingFile));
    const mode = this.resolutionMode(containingFile, kind, cfg);
    const r = ts.resolveModuleName(specifier, containingFile, cfg.options, this.host, this.cache, cfg.reference, mode);
    const rm = r.resolvedModule;
    if (rm) {
      if (rm.isExternalLibraryImport || rm.resolvedFileName.includes(`${path.sep}node_modules${path.sep}`)) {
        return { type: 'external', name: packageNameOf(specifier) };
      }
      return { type: 'file', file: rm.resolvedFileName };
    }
    return { type: 'unresolved' };
  }

  private resolutionMode(file: string, kind: EdgeKind, cfg: ConfigEntry): TS.ResolutionMode {
    const mr = cfg.options.moduleResolution;
    if (mr !== ts.ModuleResolutionKind.Node16 && mr !== ts.ModuleResolutionKind.NodeNext) return undefined;
    if (kind === 'require') return ts.ModuleKind.CommonJS;
    if (kind === 'dynamic-import') return ts.ModuleKind.ESNext;
    let mode = this.formatByFile.get(file);
    if (mode === undefined) {
      const implied = ts.getImpliedNodeFormatForFile(
        file,
        this.cache.getPackageJsonInfoCache(),
        this.host,
        cfg.options,
      );
      mode = implied === ts.ModuleKind.CommonJS ? ts.ModuleKind.CommonJS : ts.ModuleKind.ESNext;
      this.formatByFile.set(file, mode);
    }
    return mode;
  }
}
