// @ts-check
// ESLint over src/, test/, bench/, scripts/ and the root config files (`npm run lint`).
// typescript-eslint's recommended set, plus the type-aware rules that catch async mistakes the
// compiler lets through (the immich server's choice: floating and misused promises, switches that
// miss a case). Formatting is Prettier's job: eslint-config-prettier, near the end, turns off
// every rule that would fight it.
import { defineConfig } from 'eslint/config';
import js from '@eslint/js';
import prettier from 'eslint-config-prettier/flat';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    // generated (openapi/sdk by `npm run sdk`, checked by test/e2e/sdk.test.ts), built, or runtime data
    ignores: ['dist/', 'openapi/sdk/', 'var/', 'node_modules/'],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: {
        // type information from tsconfig.json (src, test, bench, ormconfig.ts); the .mjs files
        // outside it get a default project
        projectService: { allowDefaultProject: ['*.mjs', 'scripts/*.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // A promise nobody awaits loses its rejection (an unhandled rejection ends the process) and
      // its ordering. Fire-and-forget is written `void promise`.
      // node:test's describe() and test() return promises the runner itself tracks.
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'suite', 'test', 'it'] }] },
      ],
      // An async function where a void callback is expected (an event handler, forEach, a setter):
      // its rejection goes nowhere. Attributes are left alone: `{ onX: async () => … }` objects
      // are typed by their libraries.
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      // A switch over a union must name every member or have a default.
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      // `== null` is the house idiom for "null or undefined"; everything else is strict.
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      '@typescript-eslint/no-unused-vars': [
        'warn',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    rules: {
      // The only control-character regexes here are the ones that reject control characters
      // (agent-protocol/safe-values.ts, common/domains.ts): deliberate, which is all this rule flags.
      'no-control-regex': 'off',
    },
  },
  {
    // Tests and the benchmark read loosely typed HTTP bodies (`CallResult.body: any`).
    files: ['test/**', 'bench/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Overrides ThrottlerGuard.getTracker(req: Record<string, any>) with its own signature.
    files: ['src/platform/http/rate-limit/token-throttler.guard.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  prettier,
  {
    // After eslint-config-prettier, which turns curly off: braces may be left out only when the
    // statement stays on the `if`'s line (the house style: `if (!row) return null;`). Where
    // Prettier wraps such a line, `eslint --fix` adds the braces.
    rules: { curly: ['error', 'multi-line'] },
  },
);
