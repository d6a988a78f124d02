import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  globalIgnores(['dist/', 'coverage/', 'node_modules/', 'test/artifacts/']),
  js.configs.recommended,
  tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // node:test's test()/describe() return promises the runner awaits itself.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite'] },
          ],
        },
      ],
      // AbortSignal#reason is typed `any`; rejecting with it is the platform convention.
      '@typescript-eslint/prefer-promise-reject-errors': [
        'error',
        { allowThrowingAny: true, allowThrowingUnknown: true },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true },
      ],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            'node:http',
            'node:net',
            'pg',
            'amqplib',
            'ioredis',
            'redis',
            'prom-client',
            '@opentelemetry/api',
            'undici',
          ],
          patterns: [
            {
              group: [
                '**/policies/**',
                '**/manager/**',
                '**/http/**',
                '**/adapters/**',
                '**/observability/**',
                '**/dashboard/**',
                '**/cli/**',
              ],
              message: 'core is pure: nothing outside core/ may be imported here.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      // Tests and benches drive promises and callbacks on purpose.
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['**/*.js'],
    ignores: ['src/dashboard/page/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
    // Plain scripts run on Node; TypeScript files get these from @types/node instead.
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
      },
    },
  },
  {
    // The dashboard's browser script: type-checked (// @ts-check, DOM types) like the TypeScript.
    files: ['src/dashboard/page/*.js'],
    rules: {
      // The type checker knows the DOM globals (no-undef cannot) and checks every name.
      'no-undef': 'off',
      // Plain string building, as browser scripts without a bundler write it.
      '@typescript-eslint/restrict-plus-operands': ['error', { allowNumberAndString: true }],
    },
  },
);
