// The linter that fails the build (run by `npm test`). Type-aware rules matter most here: the engine lives on
// promises, and a floating or misused promise is how a write gets lost or an error goes unseen.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'dist-base/**',
      'dist-*/**',
      'e2e/fixtures/generated/**',
      'node_modules/**',
      'public/**',
      'dev-dist/**',
      'test-results/**',
      'playwright-report/**',
      'bench/.cache/**',
      '**/*.wat',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      'no-empty': ['error', { allowEmptyCatch: true }],
      // Parsers and the analyzer match control characters on purpose (binary sniffing, cleaning extracted text).
      'no-control-regex': 'off',
    },
  },
  {
    // Hooks called conditionally or with stale dependencies are how a view shows old data or loops.
    files: ['src/ui/**/*.ts', 'src/ui/**/*.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: {
      globals: {
        module: 'writable',
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
        setTimeout: 'readonly',
        performance: 'readonly',
      },
    },
  },
);
