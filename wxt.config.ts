import { resolve } from 'node:path';
import type { Plugin } from 'vite';
import { defineConfig } from 'wxt';

/**
 * Public half of the development signing key. Pinning it fixes the extension id
 * (iobfhdcojaekbokcoleldnljjlppjlne) and so the redirect URI a provider must allow:
 * https://iobfhdcojaekbokcoleldnljjlppjlne.chromiumapp.org/ — see docs/providers.md for store builds.
 */
const DEV_KEY =
  'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA1hMyexLagwbAWG20KS4CBXUqwTUZ/wvYSXuM91poqkkaOa9dxoEpGI81bqJbxoyHogBnsD9JpVwa0/Gs4NMKnN7mgZUybv39GOjo5RfD10In6xLfZbq0vz7K2iAkUNgkpSE4x9zRHDW1j1pFWIPhez2u3o5ramFPYlJwc30O12ELoXr401347aglVvglGmYzFCBEP9fpcQYfg93Ux6le0KtaXZd//duVB27ijtSSK62B3ogfH/G1vFMCd+16utXSJPS47TS0kyVlDNyoI6pywooyklayVsF3tnKT0TUvq3v8X7TelV4RfuKo2OhyJKigHJ4uyBlAkPEvbmiv4LdqwwIDAQAB';

/**
 * Firefox's id for this add-on, fixed so `identity.getRedirectURL()` never changes:
 * https://<sha-1 of the id>.extensions.allizom.org/ — see docs/providers.md.
 */
const GECKO_ID = 'token-keeper@token-keeper.dev';

/**
 * WXT gives every page a module script for its runtime plugins. Token Keeper has none, so that script is
 * an empty file, and the popup would fetch it on the way to its first frame (docs/architecture.md#page-start):
 * the tag goes when the file it loads is empty.
 */
function withoutEmptyPluginScript(): Plugin {
  return {
    name: 'token-keeper:without-empty-plugin-script',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, context) {
        return html.replace(
          /\s*<script type="module" crossorigin src="\/([^"]*wxt-html-plugins[^"]*)"><\/script>/,
          (tag, file: string) => {
            const chunk = context.bundle?.[file];
            return chunk?.type === 'chunk' && chunk.code.trim() === '' ? '' : tag;
          },
        );
      },
    },
  };
}

export default defineConfig({
  modules: ['@wxt-dev/webextension-polyfill'],
  outDir: '.output',
  // Firefox too gets Manifest V3 (WXT's default there is 2); its background becomes an event page.
  manifestVersion: 3,
  // The sources archive addons.mozilla.org asks for: what builds the add-on, not the pictures or test output.
  zip: { excludeSources: ['docs/screenshots/**', 'test-artifacts/**'] },
  // Explicit imports everywhere: a reader sees where each name comes from.
  imports: false,
  vite: () => ({
    esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
    resolve: {
      alias: [
        {
          find: /^webextension-polyfill$/,
          replacement: resolve(import.meta.dirname, 'utils/polyfill/index.ts'),
        },
      ],
    },
    plugins: [withoutEmptyPluginScript()],
    // Every browser Token Keeper supports preloads modules itself.
    build: { modulePreload: { polyfill: false } },
  }),
  manifest: ({ browser }) => ({
    // Every user-visible string is in public/_locales (English complete), read through i18n.
    name: '__MSG_extName__',
    description: '__MSG_extDescription__',
    default_locale: 'en',
    // Least privilege: no `tabs`, no content scripts. `storage` only for the organisation's managed
    // configuration (read-only `storage.managed`, docs/admin.md) and `storage.session` (the unlocked key,
    // in memory); `idle` only for the auto-lock; everything else lives in IndexedDB.
    permissions: ['alarms', 'identity', 'notifications', 'storage', 'idle'],
    storage: { managed_schema: 'managed_schema.json' },
    // Only the extension's own bundled scripts may run on its pages: no remote code, no eval.
    content_security_policy: {
      extension_pages:
        "script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    },
    // Loopback for local/demo authorization servers (development builds only: a store build has no
    // business with this machine's ports), and exactly the hosts the built-in providers' token,
    // site-list, revocation and userinfo requests go to; other origins are asked for at connect time.
    host_permissions: [
      ...(process.env.TK_STORE_BUILD ? [] : ['http://127.0.0.1/*', 'http://localhost/*']),
      'https://auth.atlassian.com/*',
      'https://api.atlassian.com/*',
      'https://oauth2.googleapis.com/*',
      'https://openidconnect.googleapis.com/*',
    ],
    optional_host_permissions: ['https://*/*'],
    action: { default_title: '__MSG_extName__' },
    ...(browser === 'firefox'
      ? {
          browser_specific_settings: {
            // 140: the ESR with `data_collection_permissions`; optional host permissions need 128.
            gecko: {
              id: GECKO_ID,
              strict_min_version: '140.0',
              data_collection_permissions: { required: ['none'] },
            },
          },
        }
      : // Chromium store builds get their id from the store; only development builds pin it.
        process.env.TK_STORE_BUILD
        ? {}
        : { key: DEV_KEY }),
  }),
});
