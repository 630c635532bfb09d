// ESLint flat config: typescript-eslint's recommended rules and import-x's cycle check (the
// TypeScript resolver follows the .ts import paths). `npm run lint`; `npm test` runs it too.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

// no-undef only matters in the plain .js/.mjs scripts (TypeScript checks the rest): the globals they
// use, listed here rather than through the 'globals' package, which is not a dependency of ours.
const NODE_AND_BROWSER = Object.fromEntries(
  [
    'process',
    'console',
    'Buffer',
    'URL',
    'URLSearchParams',
    'setTimeout',
    'clearTimeout',
    'setInterval',
    'clearInterval',
    'setImmediate',
    'queueMicrotask',
    'fetch',
    'AbortController',
    'TextEncoder',
    'TextDecoder',
    'structuredClone',
    'performance',
    'AbortSignal',
    'Request',
    'Response',
    'Headers',
    'KeyboardEvent',
    'globalThis',
    'window',
    'document',
    'navigator',
  ].map((name) => [name, 'readonly']),
);

export default tseslint.config(
  {
    ignores: ['node_modules/', 'out/', 'dist/', 'test-results/', '.pw-data/', 'scripts/bench/.tmp/', '**/*.d.ts'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,js,mjs,cjs}'],
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: NODE_AND_BROWSER,
    },
    plugins: { 'import-x': importX },
    settings: {
      // import-x reads only modules with these extensions when it follows imports for no-cycle.
      'import-x/extensions': importX.flatConfigs.typescript.settings['import-x/extensions'],
      'import-x/parsers': importX.flatConfigs.typescript.settings['import-x/parsers'],
      'import-x/resolver-next': [
        createTypeScriptImportResolver({ project: ['tsconfig.node.json', 'tsconfig.web.json', 'tsconfig.test.json'], noWarnOnMultipleProjects: true }),
      ],
    },
    rules: {
      // Type-only imports count: a cycle of types still couples the modules (scripts/check-cycles.mjs agrees).
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      // `_`-prefixed names are deliberately unused (callback positions, destructuring to omit a field).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      // Empty catch blocks each carry a comment saying why the failure is ignored; the rule cannot read it.
      'no-empty': ['error', { allowEmptyCatch: true }],
      // Control characters are matched on purpose: scanned codes and file names are cleaned of them.
      'no-control-regex': 'off',
    },
  },
  {
    // Test doubles stand in for Electron's untyped surfaces and read untyped JSON replies; the app has no any.
    files: ['test/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // CommonJS files (electron-builder's hook, the Electron stub for shell tests) load modules with require.
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
