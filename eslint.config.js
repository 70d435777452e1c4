// ESLint flat config: typescript-eslint's type-aware recommended rules over our TypeScript; formatting is Prettier's.
import js from '@eslint/js';
import stylistic from '@stylistic/eslint-plugin';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      '.pitchey-fit/**',
      'node_modules/**',
      'fixtures/**',
      'test-output/**',
      'pitchey-fit-report/**',
      '**/*.d.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        // Root config files sit outside tsconfig's include; the default project type-checks them.
        projectService: { allowDefaultProject: ['pitchey-fit.self.config.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { '@stylistic': stylistic },
    rules: {
      // Lines stay within 120 characters (Prettier's printWidth). Prettier never splits a string, and a message or URL
      // kept whole is one grep away: long string/template literals, URLs and regular expressions are allowed.
      '@stylistic/max-len': [
        'error',
        {
          code: 120,
          ignoreStrings: true,
          ignoreTemplateLiterals: true,
          ignoreUrls: true,
          ignoreRegExpLiterals: true,
        },
      ],
      // `_`-prefixed names are deliberately unused (commander action arguments, destructuring to omit a key).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
      // Numbers and booleans read fine in messages; objects still must not be stringified by accident.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
    },
  },
  {
    // Plain JavaScript (scripts/*.mjs, this file) is outside the TypeScript project: syntax rules only.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly' } },
  },
);
