import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type FolderOptions, ImageDataBunch } from './image-data-bunch.js';
import { encodeImageSets } from './image-set-binary.js';

/**
 * Writes the decoded images of a folder data set (as `ImageDataBunch.fromFolder` reads it) to
 * one compact binary file — gzip-compressed when the name ends in `.gz` — for
 * `ImageDataBunch.fromUrl` in a browser. Returns the file and its size in bytes.
 *
 * @example
 * ```ts
 * const path = await untarData(URLs.MNIST_SAMPLE);
 * await packImageFolder(path, 'public/mnist_sample.ocimg.gz'); // ≈ 2 MB
 * ```
 */
export async function packImageFolder(
  path: string,
  file: string,
  options: Omit<FolderOptions, 'validPct'> = {},
): Promise<{ file: string; bytes: number }> {
  const data = await ImageDataBunch.fromFolder(path, options);
  const raw = encodeImageSets({
    classes: data.classes,
    sets: { train: data.train.set, valid: data.valid.set },
    meta: { source: basename(path), packedAt: new Date().toISOString() },
  });
  const out = file.endsWith('.gz') ? gzipSync(raw, { level: 9 }) : raw;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, out);
  return { file, bytes: out.length };
}
