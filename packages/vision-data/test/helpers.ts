// Test helpers: temporary folders and small generated image fixtures (real PNG/JPEG files).
import '@tensorflow/tfjs-backend-cpu';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { encode as encodePng } from 'fast-png';
import jpeg from 'jpeg-js';

export async function useCpu(): Promise<void> {
  await tf.setBackend('cpu');
  await tf.ready();
}

const made: string[] = [];

/** A fresh temporary folder, removed by `cleanupTmp`. */
export function tmpDir(prefix = 'vision-data-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  made.push(d);
  return d;
}

export function cleanupTmp(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** A deterministic gray image: value depends on (seed, x, y). */
export function grayPixels(w: number, h: number, seed: number): Uint8Array {
  const px = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) px[y * w + x] = (seed * 37 + x * 11 + y * 23) % 256;
  return px;
}

export function writePng(file: string, w: number, h: number, data: Uint8Array, channels = 1): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, encodePng({ width: w, height: h, data, channels, depth: 8 }));
}

export function writeJpeg(file: string, w: number, h: number, rgba: Uint8Array, quality = 95): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, jpeg.encode({ width: w, height: h, data: rgba }, quality).data);
}

/**
 * An image folder: `<root>/<split>/<class>/<i>.png`, gray 8×6 images whose first pixel encodes
 * (split, class, index) so tests can check which image landed where.
 */
export function makeImageFolder(
  root: string,
  counts: Record<string, Record<string, number>>,
  size: [number, number] = [8, 6],
): void {
  const [w, h] = size;
  let s = 0;
  for (const [split, classes] of Object.entries(counts)) {
    for (const [cls, n] of Object.entries(classes)) {
      mkdirSync(join(root, split, cls), { recursive: true });
      for (let i = 0; i < n; i++) {
        const px = grayPixels(w, h, s++);
        writePng(join(root, split, cls, `${i}.png`), w, h, px);
      }
    }
  }
}
