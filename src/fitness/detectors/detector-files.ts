import fs from 'node:fs';
import path from 'node:path';
import type * as Morph from 'ts-morph';

/**
 * File texts for the detectors (reusing the texts the graph engine already read), and ts-morph source files for only
 * the files that pass a detector's cheap pre-filter. ts-morph itself is loaded only when some file needs it.
 */
export class DetectorFiles {
  private mod: typeof Morph | undefined;
  private project: Morph.Project | undefined;
  private readonly texts: Map<string, string | null>;

  constructor(readonly root: string, knownTexts?: Map<string, string>) {
    this.texts = new Map(knownTexts ?? []);
  }

  text(rel: string): string | null {
    let t = this.texts.get(rel);
    if (t === undefined) {
      try { t = fs.readFileSync(path.join(this.root, rel), 'utf8'); } catch { t = null; }
      this.texts.set(rel, t);
    }
    return t;
  }

  async loadMorph(): Promise<void> {
    this.mod ??= await import('ts-morph');
  }

  get morph(): typeof Morph {
    if (!this.mod) throw new Error('ts-morph not loaded: call loadMorph() first');
    return this.mod;
  }

  sourceFile(rel: string): Morph.SourceFile | undefined {
    const text = this.text(rel);
    if (text === null) return undefined;
    this.project ??= new this.morph.Project({
      useInMemoryFileSystem: true,
      skipLoadingLibFiles: true,
      skipFileDependencyResolution: true,
      compilerOptions: { allowJs: true },
    });
    return this.project.getSourceFile(`/${rel}`) ?? this.project.createSourceFile(`/${rel}`, text, { overwrite: true });
  }
}
