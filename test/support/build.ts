import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
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

/**
 * Builds the Firefox store package with `wxt zip -b firefox` (the archive an add-on store gets; an .xpi is
 * a zip) and returns its path; throws with WXT's output when that fails.
 */
export function buildFirefoxPackage(): string {
  const { name, version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
  };
  const path = join(ROOT, '.output', `${name}-${version}-firefox.zip`);
  const result = spawnSync('npx', ['wxt', 'zip', '-b', 'firefox'], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0 || !existsSync(path)) {
    throw new Error(`The Firefox package build failed:\n${result.stdout}\n${result.stderr}`);
  }
  return path;
}
