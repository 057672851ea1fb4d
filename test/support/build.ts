import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The repository root. */
export const ROOT = resolve(import.meta.dirname, '../..');

/** Where `wxt build` puts the Chrome build. */
export const CHROME_BUILD_DIR = join(ROOT, '.output', 'chrome-mv3');

/** Builds the Chrome extension with WXT; throws with WXT's output when the build fails. */
export function buildExtension(): string {
  const result = spawnSync('npx', ['wxt', 'build'], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0 || !existsSync(join(CHROME_BUILD_DIR, 'manifest.json'))) {
    throw new Error(`The extension build failed:\n${result.stdout}\n${result.stderr}`);
  }
  return CHROME_BUILD_DIR;
}
