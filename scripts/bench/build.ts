import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../test/support/build';

/** Where the benchmark's own production build goes (see wxt.bench.config.ts). */
export const BENCH_BUILD_DIR = join(ROOT, '.output', 'bench', 'chrome-mv3');

/** Builds the Chrome extension for the benchmark; throws with WXT's output when the build fails. */
export function buildForBench(): string {
  const result = spawnSync('npx', ['wxt', 'build', '-c', 'scripts/bench/wxt.bench.config.ts'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (result.status !== 0 || !existsSync(join(BENCH_BUILD_DIR, 'manifest.json'))) {
    throw new Error(`The extension build failed:\n${result.stdout}\n${result.stderr}`);
  }
  return BENCH_BUILD_DIR;
}
