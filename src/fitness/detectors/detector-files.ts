import fs from 'node:fs';
import path from 'node:path';
import { Project, type SourceFile } from 'ts-morph';

/**
 * Opens, with ts-morph, only the files a detector asks for (those whose text passed the detector's cheap pre-filter),
 * without resolving dependencies or loading lib files.
 */
export class DetectorFiles {
  private project: Project | undefined;
  private readonly texts = new Map<string, string | null>();

  constructor(readonly root: string) {}

  text(rel: string): string | null {
    let t = this.texts.get(rel);
    if (t === undefined) {
      try { t = fs.readFileSync(path.join(this.root, rel), 'utf8'); } catch { t = null; }
      this.texts.set(rel, t);
    }
    return t;
  }

  sourceFile(rel: string): SourceFile | undefined {
    const text = this.text(rel);
    if (text === null) return undefined;
    this.project ??= new Project({
      useInMemoryFileSystem: true,
      skipLoadingLibFiles: true,
      skipFileDependencyResolution: true,
      compilerOptions: { allowJs: true },
    });
    const existing = this.project.getSourceFile(`/${rel}`);
    return existing ?? this.project.createSourceFile(`/${rel}`, text, { overwrite: true });
  }
}
