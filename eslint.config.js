import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

// The layers of shared/DESIGN.md, each with the layers its source files may import (tests may
// import anything): core <- policies <- manager <- {http, observability, adapters, distributed,
// adaptive, tuner, chaos, scenarios, report} <- {dashboard, proxy} <- demo <- cli. `testing`
// (ManualClock and friends) is for tests, and for the tuner, chaos and the scenarios that drive
// policies on a manual clock.
const SIBLINGS = [
  'http',
  'observability',
  'adapters',
  'distributed',
  'adaptive',
  'tuner',
  'chaos',
  'scenarios',
  'report',
];
const BASE = ['core', 'policies', 'manager'];
const TOP = [...BASE, ...SIBLINGS, 'dashboard', 'proxy'];
/** @type {Record<string, string[]>} layer -> the layers it may import besides itself */
const LAYERS = {
  core: [],
  testing: ['core'],
  policies: ['core'],
  manager: ['core', 'policies'],
  ...Object.fromEntries(SIBLINGS.map((layer) => [layer, BASE])),
  scenarios: [...BASE, 'testing'],
  // The adaptive controls are evaluated on the shared scenario library (bench and tests).
  adaptive: [...BASE, 'scenarios', 'testing'],
  tuner: [...BASE, 'scenarios', 'report', 'testing'],
  chaos: [...BASE, 'scenarios', 'report', 'testing'],
  dashboard: [...BASE, ...SIBLINGS],
  proxy: [...BASE, ...SIBLINGS],
  // The terminal demo draws its traffic from testing's seeded random numbers.
  demo: [...TOP, 'testing'],
  cli: [...TOP, 'demo', 'testing'],
};
// Packages that pull I/O or a backend into what must stay pure and lazy.
const BACKENDS = [
  'node:http',
  'node:net',
  'pg',
  'amqplib',
  'ioredis',
  'redis',
  'prom-client',
  '@opentelemetry/api',
  'undici',
];

/** One config object per layer: importing a layer it may not is an error naming both. */
function layerRules() {
  const all = Object.keys(LAYERS);
  return all.map((layer) => {
    const allowed = LAYERS[layer] ?? [];
    const banned = all.filter((other) => other !== layer && !allowed.includes(other));
    const pure = layer === 'core' || layer === 'policies';
    return {
      files: [`src/${layer}/**/*.ts`],
      ignores: ['src/**/*.test.ts'],
      rules: {
        'no-restricted-imports': [
          'error',
          {
            ...(pure ? { paths: BACKENDS } : {}),
            patterns: [
              {
                regex: `^(\\.\\./)+(${banned.join('|')})(/|$)`,
                message: `${layer}/ may import only ${allowed.length ? allowed.join(', ') : 'itself'} (shared/DESIGN.md layers; see eslint.config.js).`,
              },
            ],
          },
        ],
      },
    };
  });
}

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
  ...layerRules(),
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
