// Lint: typescript-eslint's type-aware rules, plus import boundaries that keep
// the architecture honest (see ../shared/DESIGN.md and docs/architecture.md):
// translate and model are pure (no node:*, no I/O), the data plane never sees
// Kubernetes types, and nothing imports the command line.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = { group: ['node:*'], message: 'translate/model/ir are pure: no Node.js modules (no I/O, no clock).' };

export default tseslint.config(
  { ignores: ['node_modules/**', 'bench/results/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { console: 'readonly', process: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', setImmediate: 'readonly', queueMicrotask: 'readonly', URL: 'readonly', AbortController: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly', structuredClone: 'readonly', performance: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-floating-promises': ['error', { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] }] }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      'no-restricted-syntax': ['error', { selector: 'TSEnumDeclaration', message: 'Use union types: enums are not erasable syntax.' }],
    },
  },
  {
    files: ['src/translate/**', 'src/model/**', 'src/ir/**'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [nodeBuiltins, { group: ['**/dataplane/**', '**/providers/**', '**/control/**', '**/admin/**', '**/cli/**', '**/telemetry/**'], message: 'translate/model/ir depend only on model, ir and lib.' }],
      }],
      'no-restricted-globals': ['error', { name: 'Date', message: 'translate is pure: take the time as an input.' }, { name: 'setTimeout', message: 'translate is pure.' }, { name: 'process', message: 'translate is pure.' }],
    },
  },
  {
    // Tests of translate may use the test runner and read their fixture files;
    // the boundary on other layers still holds.
    files: ['src/translate/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['**/dataplane/**', '**/providers/**', '**/control/**', '**/admin/**', '**/cli/**', '**/telemetry/**'], message: 'translate/model/ir depend only on model, ir and lib.' }],
      }],
      'no-restricted-globals': 'off',
    },
  },
  {
    files: ['src/dataplane/**'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['**/model/**', '**/translate/**', '**/load/**', '**/providers/**', '**/control/**', '**/cli/**'], message: 'The data plane reads only the IR (src/ir), telemetry and lib.' }],
      }],
    },
  },
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);
