import { globSync } from 'tinyglobby';

export const DEFAULT_INCLUDE = ['**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}'];
export const DEFAULT_EXCLUDE = ['**/node_modules/**', '**/dist/**', '**/build/**', '**/coverage/**', '**/.git/**', '**/*.d.ts'];

/** Source files of the analysed tree, relative to root with forward slashes, sorted. */
export function discoverSourceFiles(root: string, include?: string[], exclude?: string[]): string[] {
  const files = globSync(include && include.length > 0 ? include : DEFAULT_INCLUDE, {
    cwd: root,
    ignore: [...DEFAULT_EXCLUDE.filter((e) => e !== '**/*.d.ts' || !include?.some((i) => i.endsWith('.d.ts'))), ...(exclude ?? [])],
    dot: false,
    followSymbolicLinks: false,
    expandDirectories: false,
  });
  return files.map((f) => f.replaceAll('\\', '/')).sort();
}
