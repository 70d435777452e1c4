import { globSync } from 'tinyglobby';

export const DEFAULT_INCLUDE = ['**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}'];
export const DEFAULT_EXCLUDE = [
  '**/node_modules/**',
  '**/dist/**',
  '**/build/**',
  '**/coverage/**',
  '**/.git/**',
  '**/*.d.ts',
  // Our own config file is not part of the analysed application.
  'pitchey-fit*.config.{ts,mts,cts,js,mjs,cjs}',
];
/** Files that change how imports resolve (a resolution cache is valid only while they are unchanged). */
const RESOLUTION_CONFIG_GLOB =
  '**/{tsconfig*.json,jsconfig.json,package.json,pnpm-workspace.yaml,package-lock.json,pnpm-lock.yaml,yarn.lock}';

const SOURCE_FILE_RE = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;

export interface DiscoveredFiles {
  /** Source files relative to root with forward slashes, sorted. */
  sources: string[];
  /** tsconfig / package.json / workspace / lock files, sorted. */
  resolutionConfigs: string[];
}

/** Source files of the analysed tree (and, in the same crawl, the files that steer module resolution). */
export function discoverFiles(root: string, include?: string[], exclude?: string[]): DiscoveredFiles {
  const includes = include && include.length > 0 ? include : DEFAULT_INCLUDE;
  const files = globSync([...includes, RESOLUTION_CONFIG_GLOB], {
    cwd: root,
    ignore: [
      ...DEFAULT_EXCLUDE.filter((e) => e !== '**/*.d.ts' || !includes.some((i) => i.endsWith('.d.ts'))),
      ...(exclude ?? []),
    ],
    dot: false,
    followSymbolicLinks: false,
    expandDirectories: false,
  })
    .map((f) => f.replaceAll('\\', '/'))
    .sort();
  const isConfig = (f: string) =>
    /(^|\/)(tsconfig[^/]*\.json|jsconfig\.json|package\.json|pnpm-workspace\.yaml|package-lock\.json|pnpm-lock\.yaml|yarn\.lock)$/.test(
      f,
    );
  // `include` may be a folder glob like 'platform/**': only script files are sources.
  return {
    sources: files.filter((f) => SOURCE_FILE_RE.test(f) && !isConfig(f)),
    resolutionConfigs: files.filter(isConfig),
  };
}

export function discoverSourceFiles(root: string, include?: string[], exclude?: string[]): string[] {
  return discoverFiles(root, include, exclude).sources;
}
