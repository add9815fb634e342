import type { Checksum } from './checksum.js';

/**
 * A downloadable data set: where it lives, the checksum its archive must have and the folder the
 * archive extracts to.
 *
 * @example
 * ```ts
 * const src: DataSource = { name: 'MY_DATA', url: 'http://127.0.0.1:8080/my_data.tgz',
 *   checksum: { sha256: '…' }, folder: 'my_data' };
 * await untarData(src);
 * ```
 */
export interface DataSource {
  /** Short name, for messages. */
  readonly name: string;
  /** HTTP(S) address of the archive (`.tgz`/`.tar.gz`/`.tar`). */
  readonly url: string;
  /** Expected checksum of the archive. */
  readonly checksum: Checksum;
  /** Name of the folder `untarData` returns, inside the data directory. */
  readonly folder: string;
}

/**
 * Data sets of fastai's walk-throughs (`URLs` in fastai), each with the checksum of the archive
 * we expect.
 *
 * - `MNIST_SAMPLE`: the 3s and 7s of MNIST. The project ships this archive
 *   (`@onecycle/mnist-sample`) and `untarData` uses the shipped copy without touching the network
 *   when its checksum matches (see `untarData`). Its checksum is the SHA-256 of that archive, which
 *   was rebuilt and so differs from fastai's original file.
 * - `MNIST_TINY` (a few hundred 3s and 7s) and `MNIST` (all 70,000 PNGs, `training/` and
 *   `testing/`): fastai's archives, checked with fastai's published size and MD5 of the first MiB.
 *
 * @example
 * ```ts
 * const path = await untarData(URLs.MNIST_SAMPLE);
 * ```
 */
export const URLs = {
  MNIST_SAMPLE: {
    name: 'MNIST_SAMPLE',
    url: 'http://files.fast.ai/data/examples/mnist_sample.tgz',
    checksum: { sha256: '049e611668083f05a0cb4d775e9bc18448b364a9ae8b1de391f4b7f90de4277c' },
    folder: 'mnist_sample',
  },
  MNIST_TINY: {
    name: 'MNIST_TINY',
    url: 'http://files.fast.ai/data/examples/mnist_tiny.tgz',
    checksum: { size: 342207, md5FirstMiB: '56143e8f24db90d925d82a5a74141875' },
    folder: 'mnist_tiny',
  },
  MNIST: {
    name: 'MNIST',
    url: 'https://s3.amazonaws.com/fast-ai-imageclas/mnist_png.tgz',
    checksum: { size: 15683414, md5FirstMiB: '03639f83c4e3d19e0a3a53a8a997c487' },
    folder: 'mnist_png',
  },
} as const satisfies Record<string, DataSource>;
