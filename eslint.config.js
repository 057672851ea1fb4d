import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const NO_UI = {
  group: ['**/components/**', '**/entrypoints/**'],
  message: 'The engine must not import UI code.',
};
const NO_PROTOCOL = {
  group: ['**/messaging', '**/messaging.ts', '**/messaging/**'],
  message: 'The engine must not import the message protocol; shared types live in utils/model.ts.',
};

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
    rules: { 'no-restricted-imports': ['error', { patterns: [NO_UI] }] },
  },
  {
    // The engine knows no messages: only the worker's wiring (utils/background) speaks the protocol.
    files: ['utils/engine/**', 'utils/store/**', 'utils/oauth/**', 'utils/managed/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [NO_UI, NO_PROTOCOL] }] },
  },
  {
    files: [
      'components/**/*.{ts,tsx}',
      'entrypoints/popup/**',
      'entrypoints/popup-app.tsx',
      'entrypoints/options/**',
    ],
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
    // The polyfill's CommonJS holder (utils/polyfill/index.ts says why it exists).
    files: ['utils/polyfill/holder.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: globals.commonjs },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // A plain MV3 extension used as a test caller: it runs in Chrome, not Node.
    files: ['test/support/caller-extension/**'],
    languageOptions: { globals: { ...globals.serviceworker, chrome: 'readonly' } },
  },
);
