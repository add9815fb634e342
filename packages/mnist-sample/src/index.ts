/**
 * fastai's MNIST_SAMPLE data set (handwritten 3s and 7s) shipped inside the package, so that
 * `untarData(URLs.MNIST_SAMPLE)` works offline on a fresh clone.
 *
 * @packageDocumentation
 */
import { fileURLToPath } from 'node:url';

/**
 * Absolute path of the shipped `mnist_sample.tgz` archive (gzip-compressed tar, 4.3 MB).
 *
 * @example
 * ```ts
 * import { mnistSampleArchive } from '@onecycle/mnist-sample';
 * import { statSync } from 'node:fs';
 * console.log(statSync(mnistSampleArchive).size); // 4.3 MB
 * ```
 */
export const mnistSampleArchive: string = fileURLToPath(new URL('../data/mnist_sample.tgz', import.meta.url));

/**
 * SHA-256 (lower-case hex) of the shipped archive. `untarData` compares it with the `shipped.sha256`
 * a URL entry names before using the shipped copy.
 *
 * @example
 * ```ts
 * import { mnistSampleArchive, mnistSampleSha256 } from '@onecycle/mnist-sample';
 * import { createHash } from 'node:crypto';
 * import { readFileSync } from 'node:fs';
 * const ok = createHash('sha256').update(readFileSync(mnistSampleArchive)).digest('hex') === mnistSampleSha256;
 * ```
 */
export const mnistSampleSha256 = '049e611668083f05a0cb4d775e9bc18448b364a9ae8b1de391f4b7f90de4277c';

/**
 * Size of the shipped archive in bytes.
 *
 * @example
 * ```ts
 * import { mnistSampleBytes } from '@onecycle/mnist-sample';
 * console.log(`${(mnistSampleBytes / 1e6).toFixed(1)} MB`);
 * ```
 */
export const mnistSampleBytes = 4286525;

/**
 * What the archive holds: the folder it unpacks to, its splits and image counts per class.
 *
 * @example
 * ```ts
 * import { mnistSampleLayout } from '@onecycle/mnist-sample';
 * console.log(mnistSampleLayout.classes); // ['3', '7']
 * ```
 */
export const mnistSampleLayout = {
  /** Top-level folder created by extracting the archive. */
  folder: 'mnist_sample',
  /** Class folder names, sorted. */
  classes: ['3', '7'],
  /** Images per split and class. */
  counts: { train: { '3': 6131, '7': 6265 }, valid: { '3': 1010, '7': 1028 } },
  /** Image size (height, width); 8-bit grayscale PNG. */
  imageSize: [28, 28],
  /** Licence of the data. */
  license: 'CC BY-SA 3.0',
} as const;
