// Section 4: what the built extension weighs — the service worker, and each page with every script, shared
// chunk and stylesheet it loads — raw and gzip-compressed.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

/** One entry point's files and their sizes. */
export interface BundleSize {
  name: string;
  files: string[];
  rawBytes: number;
  /** Each file gzip-compressed on its own (level 9) and summed, as a browser or store would fetch them. */
  gzipBytes: number;
}

/** Sizes of the service worker, the popup and the options page of a Chrome build at `buildDir`. */
export function measureFootprint(buildDir: string): BundleSize[] {
  const manifest = JSON.parse(readFileSync(join(buildDir, 'manifest.json'), 'utf8')) as {
    background?: { service_worker?: string };
  };
  const worker = manifest.background?.service_worker ?? 'background.js';
  return [
    bundle('service worker', buildDir, [worker]),
    bundle('popup', buildDir, ['popup.html']),
    bundle('options page', buildDir, ['options.html']),
  ];
}

function bundle(name: string, buildDir: string, entries: string[]): BundleSize {
  const files = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file) || !existsSync(join(buildDir, file))) return;
    files.add(file);
    for (const next of referencedFiles(buildDir, file)) visit(next);
  };
  entries.forEach(visit);
  let rawBytes = 0;
  let gzipBytes = 0;
  for (const file of files) {
    const content = readFileSync(join(buildDir, file));
    rawBytes += content.length;
    gzipBytes += gzipSync(content, { level: 9 }).length;
  }
  return { name, files: [...files].sort(), rawBytes, gzipBytes };
}

/** Files an HTML page or a script loads: `src`/`href` attributes and static `import` specifiers. */
export function referencedFiles(buildDir: string, file: string): string[] {
  const text = readFileSync(join(buildDir, file), 'utf8');
  const patterns = file.endsWith('.html')
    ? [/\b(?:src|href)="([^"]+\.(?:js|css))"/g]
    : file.endsWith('.js')
      ? [
          /\bimport\s*(?:[\w*{}\s,$]+from\s*)?["']([^"']+\.js)["']/g,
          /\bimport\(\s*["']([^"']+\.js)["']\s*\)/g,
        ]
      : [];
  const found: string[] = [];
  for (const pattern of patterns) {
    for (const match of text.matchAll(pattern)) {
      const target = match[1]!;
      if (/^[a-z]+:/i.test(target)) continue;
      const resolved = target.startsWith('/')
        ? normalize(target.slice(1))
        : relative(buildDir, join(buildDir, dirname(file), target));
      found.push(resolved);
    }
  }
  return found;
}
