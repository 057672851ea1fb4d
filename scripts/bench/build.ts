import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../test/support/build';

/** Where the benchmark's own production build goes (see wxt.bench.config.ts). */
export const BENCH_BUILD_DIR = join(ROOT, '.output', 'bench', 'chrome-mv3');

/**
 * An extension page with nothing to load: the baseline the page timings are measured over (opening any
 * extension page costs a process, a navigation and a parse before a line of ours runs).
 */
export const EMPTY_PAGE = 'bench-empty.html';

/** The same page with its one element drawn by a module script: context only, the budgets do not use it. */
export const SCRIPTED_EMPTY_PAGE = 'bench-empty-scripted.html';

/** Builds the Chrome extension for the benchmark; throws with WXT's output when the build fails. */
export function buildForBench(): string {
  const result = spawnSync('npx', ['wxt', 'build', '-c', 'scripts/bench/wxt.bench.config.ts'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (result.status !== 0 || !existsSync(join(BENCH_BUILD_DIR, 'manifest.json'))) {
    throw new Error(`The extension build failed:\n${result.stdout}\n${result.stderr}`);
  }
  // Added to the benchmark's copy only; the footprint counts the manifest's entry points, not this.
  writeFileSync(
    join(BENCH_BUILD_DIR, EMPTY_PAGE),
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Empty</title></head>' +
      '<body><div id="app"><p>Empty</p></div></body></html>\n',
  );
  writeFileSync(
    join(BENCH_BUILD_DIR, SCRIPTED_EMPTY_PAGE),
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Empty</title>' +
      '<script type="module" src="/bench-empty.js"></script></head><body><div id="app"></div></body></html>\n',
  );
  writeFileSync(
    join(BENCH_BUILD_DIR, 'bench-empty.js'),
    "document.getElementById('app').append(Object.assign(document.createElement('p'), { textContent: 'Empty' }));\n",
  );
  return BENCH_BUILD_DIR;
}
