import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '.kite/**', 'coverage/**', '**/*.mjs', '**/*.js', 'vitest.config.ts'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { project: './tsconfig.check.json', tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver': { node: true },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'import-x/no-cycle': 'error',
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^@kite/[^/]+/(src|dist)(/|$)',
              message: 'Import another kite package by its name, not from its src/ or dist/.',
            },
            {
              regex: '^(\\.\\./)+(packages|services|proto)/',
              message: 'Import another kite package by its name, not by a relative path into it.',
            },
          ],
        },
      ],
    },
  },
  {
    // Tests and benchmarks handle etcd responses of many shapes; typing each would not catch more bugs.
    files: ['test/**/*.ts', '**/*.test.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
