import { defineConfig } from 'vitest/config';
import { WxtVitest } from 'wxt/testing/vitest-plugin';

// Unit and integration tests: WXT's fake browser, fake-indexeddb, real oidc-provider on loopback.
export default defineConfig({
  plugins: [WxtVitest()],
  test: {
    include: ['test/unit/**/*.test.{ts,tsx}', 'test/integration/**/*.test.ts'],
    setupFiles: ['test/support/setup.ts'],
    testTimeout: 20_000,
    // The fault simulator aborts IndexedDB transactions on purpose; a request or `tx.done` of one that
    // nobody awaits then rejects unhandled, which a browser only logs. Those, and only those, are ignored.
    onUnhandledError(error) {
      const text = `${error.name ?? ''} ${error.message ?? ''} ${error.stack ?? ''}`;
      return !/scripts\/sim\/|Injected fault/.test(text);
    },
  },
});
