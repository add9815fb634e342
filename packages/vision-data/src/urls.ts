import type { Checksum } from './checksum.js';

/**
 * A downloadable data set: where it lives, the checksum its archive must have, the folder the
 * archive extracts to and, optionally, the archive shipped with the project that can stand in for
 * the download offline.
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
  /** Expected checksum of the archive downloaded from `url`. */
  readonly checksum: Checksum;
  /** Name of the folder `untarData` returns, inside the data directory. */
  readonly folder: string;
  /** The shipped archive that can replace the download offline, when there is one. */
  readonly shipped?: ShippedArchive;
}

/**
 * An archive shipped with the project (today MNIST_SAMPLE's, in the optional package
 * `@onecycle/mnist-sample`) that stands in for a {@link DataSource}'s download, named by its
 * SHA-256. It may be a different file from the one at the URL (a rebuilt archive): `untarData`
 * verifies the shipped copy against this SHA-256 and a download against `DataSource.checksum`.
 *
 * @example
 * ```ts
 * const src: DataSource = { name: 'MY_DATA', url: 'http://127.0.0.1:8080/my_data.tgz',
 *   checksum: { size: 3214948, md5FirstMiB: '…' }, folder: 'my_data',
 *   shipped: { sha256: '…' } };
 * ```
 */
export interface ShippedArchive {
  /** SHA-256 (hex) of the shipped archive. */
  readonly sha256: string;
}

/**
 * Data sets of fastai's walk-throughs (`URLs` in fastai). Each `checksum` is fastai's published
 * check of the archive at the URL (size plus MD5 of the first MiB, from fastai's `checks.txt`).
 *
 * - `MNIST_SAMPLE`: the 3s and 7s of MNIST. The project also ships a rebuilt archive of it
 *   (`@onecycle/mnist-sample`, named by `shipped.sha256`); `untarData` uses that copy without
 *   touching the network when the package is installed (see `untarData`), and otherwise downloads
 *   fastai's original file, verified with fastai's checksum.
 * - `MNIST_TINY` (a few hundred 3s and 7s) and `MNIST` (all 70,000 PNGs, `training/` and
 *   `testing/`): fastai's archives.
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
    checksum: { size: 3214948, md5FirstMiB: '2dbc7ec6f9259b583af0072c55816a88' },
    folder: 'mnist_sample',
    shipped: { sha256: '049e611668083f05a0cb4d775e9bc18448b364a9ae8b1de391f4b7f90de4277c' },
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
