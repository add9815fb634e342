import { fileURLToPath } from 'node:url';

/**
 * One of the four gzip-compressed idx files of MNIST shipped in the package's `data/` folder.
 *
 * @example
 * ```ts
 * import { type MnistFile, mnistFiles } from '@onecycle/mnist';
 * const file: MnistFile = mnistFiles.trainLabels;
 * console.log(file.path, file.sha256, file.bytes);
 * ```
 */
export interface MnistFile {
  /** Absolute path of the `.gz` file (resolved from `import.meta.url`). */
  readonly path: string;
  /** SHA-256 (lower-case hex) of the `.gz` file as shipped. */
  readonly sha256: string;
  /** Size of the `.gz` file in bytes. */
  readonly bytes: number;
  /** idx magic number of the decompressed file: 2051 (0x803, images) or 2049 (0x801, labels). */
  readonly magic: 2051 | 2049;
  /** Dimensions stored in the idx header: `[count, 28, 28]` for images, `[count]` for labels. */
  readonly shape: readonly number[];
}

const inData = (name: string): string => fileURLToPath(new URL(`../data/${name}`, import.meta.url));

/**
 * Absolute path of the package's `data/` folder, which holds the four idx files under their
 * original names (`train-images-idx3-ubyte.gz`, `train-labels-idx1-ubyte.gz`,
 * `t10k-images-idx3-ubyte.gz`, `t10k-labels-idx1-ubyte.gz`).
 *
 * @example
 * ```ts
 * import { mnistDataDir } from '@onecycle/mnist';
 * import { readdirSync } from 'node:fs';
 * console.log(readdirSync(mnistDataDir)); // the four .gz files
 * ```
 */
export const mnistDataDir: string = fileURLToPath(new URL('../data/', import.meta.url));

/**
 * The four idx files of MNIST (60,000 training and 10,000 test images of 28×28 8-bit gray levels,
 * with their labels 0–9), in their original order: path, SHA-256, size and idx header of each.
 *
 * @example
 * ```ts
 * import { mnistFiles } from '@onecycle/mnist';
 * import { readFileSync } from 'node:fs';
 * import { gunzipSync } from 'node:zlib';
 * const labels = gunzipSync(readFileSync(mnistFiles.trainLabels.path)).subarray(8);
 * console.log(labels.subarray(0, 5)); // 5 0 4 1 9
 * ```
 */
export const mnistFiles: {
  readonly trainImages: MnistFile;
  readonly trainLabels: MnistFile;
  readonly testImages: MnistFile;
  readonly testLabels: MnistFile;
} = {
  trainImages: {
    path: inData('train-images-idx3-ubyte.gz'),
    sha256: '838ffade3128767681af8bb00830be30ec659fa42fac80398452ba779a717008',
    bytes: 9460306,
    magic: 2051,
    shape: [60000, 28, 28],
  },
  trainLabels: {
    path: inData('train-labels-idx1-ubyte.gz'),
    sha256: 'be721fe6ac3baa2ae3801384651cfc56e3aafc06919588feed8881ce5088e7ce',
    bytes: 28246,
    magic: 2049,
    shape: [60000],
  },
  testImages: {
    path: inData('t10k-images-idx3-ubyte.gz'),
    sha256: '1e647ccc8b94a6cdb583e939f8f4b22a7523561b7ee0ec28e645d5585b4d1542',
    bytes: 1573204,
    magic: 2051,
    shape: [10000, 28, 28],
  },
  testLabels: {
    path: inData('t10k-labels-idx1-ubyte.gz'),
    sha256: 'f1a7a98b7d5958b6b80feb1613aa94b6033779a88d413e36256cd39821c01cf4',
    bytes: 4210,
    magic: 2049,
    shape: [10000],
  },
};

/**
 * Licence of the shipped data (the package's code is MIT).
 *
 * @example
 * ```ts
 * import { mnistLicense } from '@onecycle/mnist';
 * console.log(mnistLicense); // 'CC BY-SA 3.0'
 * ```
 */
export const mnistLicense = 'CC BY-SA 3.0';
