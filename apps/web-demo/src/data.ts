/**
 * Loads MNIST_SAMPLE from the app's static asset (a compact gzip-compressed binary written at build
 * time by scripts/make-data.mjs) with `ImageDataBunch.fromUrl` and builds the data bunches the steps
 * train on.
 */
import { ImageDataBunch } from '@onecycle/vision-data';
import { randomSubset } from './image-subset.js';
import type { DemoSettings } from './settings.js';

/**
 * Where the build puts the data set, relative to the page.
 *
 * @example
 * ```ts
 * const data = await ImageDataBunch.fromUrl(DATA_URL);
 * ```
 */
export const DATA_URL = 'data/mnist_sample.ocimg.gz';

/**
 * The data of the demo.
 *
 * @example
 * ```ts
 * const { bunch, full, label } = await loadDemoData(settings);
 * ```
 */
export interface DemoData {
  /** What steps 1 and 3 train on: all of MNIST_SAMPLE, or a labelled subset of its training images. */
  readonly bunch: ImageDataBunch;
  /** All of MNIST_SAMPLE (for timing one full epoch). */
  readonly full: ImageDataBunch;
  /** Class names ('3', '7'). */
  readonly classes: string[];
  /** A sentence for the page saying what is used. */
  readonly label: string;
}

const fmt = (n: number): string => n.toLocaleString('en-US');

/**
 * Fetches and decodes the data set, then builds the bunches (seeded: the same batches every run).
 * Throws an Error naming the URL when the asset is missing.
 *
 * @example
 * ```ts
 * const { bunch, label } = await loadDemoData(readDemoSettings(location.search));
 * ```
 */
export async function loadDemoData(settings: DemoSettings, url: string = DATA_URL): Promise<DemoData> {
  const options = { bs: settings.batchSize, seed: 0, channels: 3 as const };
  let full: ImageDataBunch;
  try {
    full = await ImageDataBunch.fromUrl(url, options);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`could not load the data set (${message}); build the app with 'pnpm build' to create it`);
  }
  const classes = full.classes;
  // Loaders built from the binary serve whole sets: the training loader's set is the training split.
  const train = full.train.set;
  const valid = full.valid.set;
  const subset =
    settings.trainSubset !== null && settings.trainSubset < train.n ? settings.trainSubset : null;
  const bunch =
    subset === null
      ? full
      : ImageDataBunch.fromImageSets(randomSubset(train, subset, 0), valid, classes, options, url);
  const trainText =
    subset === null
      ? `all ${fmt(train.n)} training images`
      : `a subset of ${fmt(subset)} of the ${fmt(train.n)} training images${settings.testMode ? ' (test mode)' : ''}`;
  const label = `MNIST_SAMPLE (${classes.join(' vs ')}): ${trainText}, ${fmt(valid.n)} validation images, batch size ${settings.batchSize}`;
  return { bunch, full, classes, label };
}
