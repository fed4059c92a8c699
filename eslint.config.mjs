// Lint rules for every project. Module boundaries: apps never import apps; libs import only
// shared libs; e2e tests may use anything shared. Tests (apps/*/test, libs/*/test, tests/e2e)
// and the plain-Node scripts under tools/ are linted too.
import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default [
  { ignores: ['**/dist/**', '**/node_modules/**', '.millrace/**', '**/target/**', '**/jest.config.cjs', 'charts/**/*.cjs', 'test-output/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
          ],
        },
      ],
    },
  },
  // Plain Node.js scripts (tools/, test helpers): ES modules or CommonJS, no build step.
  {
    files: ['**/*.mjs', '**/*.cjs', '**/*.js'],
    ...js.configs.recommended,
    languageOptions: { ecmaVersion: 2024, globals: { ...globals.node } },
    rules: {
      ...js.configs.recommended.rules,
      'no-unused-vars': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  { files: ['**/*.mjs'], languageOptions: { sourceType: 'module' } },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  // Jest tests of the tools are ES modules run by Jest: its globals are there.
  { files: ['tools/**/test/**/*.mjs'], languageOptions: { globals: { ...globals.jest } } },
];
