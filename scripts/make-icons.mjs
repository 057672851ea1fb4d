// Draws the toolbar and store icons (a white key on a blue rounded square) as PNGs in
// public/icon/, where WXT picks them up. Plain Node and zlib, so no image tool is needed.
// Run: node scripts/make-icons.mjs

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const SIZES = [16, 32, 48, 128];
const BACKGROUND = [36, 88, 198]; // the pages' accent blue
const GLYPH = [255, 255, 255];
// Supersampling per axis: edges get anti-aliased coverage instead of jagged steps.
const SAMPLES = 8;

const outDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'public', 'icon');

/** Whether (x, y) in the unit square lies inside a rounded square with corner radius r. */
function inRoundedSquare(x, y, r) {
  const cx = Math.min(Math.max(x, r), 1 - r);
  const cy = Math.min(Math.max(y, r), 1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

function inRect(x, y, left, top, right, bottom) {
  return x >= left && x <= right && y >= top && y <= bottom;
}

/** Whether (x, y) lies on the key: a ring (the bow), a shaft and two teeth. */
function inKey(x, y) {
  const d = Math.hypot(x - 0.33, y - 0.5);
  const bow = d <= 0.19 && d >= 0.085;
  const shaft = inRect(x, y, 0.5, 0.445, 0.84, 0.555);
  const tooth1 = inRect(x, y, 0.66, 0.555, 0.73, 0.68);
  const tooth2 = inRect(x, y, 0.77, 0.555, 0.84, 0.65);
  return bow || shaft || tooth1 || tooth2;
}

/** RGBA pixels for one size, each pixel's colour and alpha from its sample coverage. */
function draw(size) {
  const pixels = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let inside = 0;
      let glyph = 0;
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const x = (px + (sx + 0.5) / SAMPLES) / size;
          const y = (py + (sy + 0.5) / SAMPLES) / size;
          if (!inRoundedSquare(x, y, 0.22)) continue;
          inside++;
          if (inKey(x, y)) glyph++;
        }
      }
      const offset = (py * size + px) * 4;
      const mix = inside === 0 ? 0 : glyph / inside;
      for (let c = 0; c < 3; c++) {
        pixels[offset + c] = Math.round(BACKGROUND[c] * (1 - mix) + GLYPH[c] * mix);
      }
      pixels[offset + 3] = Math.round((255 * inside) / (SAMPLES * SAMPLES));
    }
  }
  return pixels;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buffer) {
  let crc = 0xffffffff;
  for (const byte of buffer) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A PNG file for RGBA pixels: 8-bit colour type 6, every row with filter 0 (none). */
function encodePng(size, pixels) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  const rowLength = size * 4;
  const raw = Buffer.alloc((rowLength + 1) * size);
  for (let y = 0; y < size; y++) {
    pixels.copy(raw, y * (rowLength + 1) + 1, y * rowLength, (y + 1) * rowLength);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

mkdirSync(outDir, { recursive: true });
for (const size of SIZES) {
  const file = join(outDir, `${size}.png`);
  writeFileSync(file, encodePng(size, draw(size)));
  console.log(`wrote ${file}`);
}
