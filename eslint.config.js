import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['.output/', '.wxt/', 'node_modules/', 'test-artifacts/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-console': ['error', { allow: ['warn', 'error', 'info'] }],
    },
  },
  {
    // The background never imports UI code; UI pages never import engine internals (they use messages).
    files: ['utils/**/*.ts', 'entrypoints/background.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/components/**', '**/entrypoints/**'],
              message: 'The engine must not import UI code.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['components/**/*.{ts,tsx}', 'entrypoints/popup/**', 'entrypoints/options/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '**/utils/engine/**',
                '**/utils/store/**',
                '**/utils/oauth/**',
                '**/utils/background/**',
              ],
              message: 'Pages talk to the worker through utils/messaging only.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['scripts/**', 'test/**'],
    languageOptions: { globals: globals.node },
    rules: { 'no-console': 'off' },
  },
  {
    // A plain MV3 extension used as a test caller: it runs in Chrome, not Node.
    files: ['test/support/caller-extension/**'],
    languageOptions: { globals: { ...globals.serviceworker, chrome: 'readonly' } },
  },
);
