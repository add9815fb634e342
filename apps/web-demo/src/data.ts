/**
 * Loads MNIST_SAMPLE from the app's static asset (a compact binary written at build time by
 * scripts/make-data.mjs) and builds the data bunches the steps train on.
 */
import { BaseImageDataBunch, decodeImageSets } from '@onecycle/vision-data';
import { randomSubset } from './image-subset.js';
import type { DemoSettings } from './settings.js';

/** Where the build puts the data set, relative to the page. */
export const DATA_URL = 'data/mnist_sample.ocimg';

/** The data of the demo. */
export interface DemoData {
  /** What steps 1 and 3 train on: all of MNIST_SAMPLE, or a labelled subset of its training images. */
  readonly bunch: BaseImageDataBunch;
  /** All of MNIST_SAMPLE (for timing one full epoch). */
  readonly full: BaseImageDataBunch;
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
  const res = await fetch(url);
  if (!res.ok) {
    throw new Error(
      `the data set ${url} answered HTTP ${res.status}: build the app with 'pnpm build' to create it`,
    );
  }
  const { classes, sets } = decodeImageSets(new Uint8Array(await res.arrayBuffer()));
  const train = sets.train;
  const valid = sets.valid;
  if (!train || !valid) throw new Error(`the data set ${url} must hold the sets 'train' and 'valid'`);
  const options = { bs: settings.batchSize, seed: 0, channels: 3 as const };
  const full = BaseImageDataBunch.fromImageSets(train, valid, classes, options, url);
  const subset =
    settings.trainSubset !== null && settings.trainSubset < train.n ? settings.trainSubset : null;
  const bunch =
    subset === null
      ? full
      : BaseImageDataBunch.fromImageSets(randomSubset(train, subset, 0), valid, classes, options, url);
  const trainText =
    subset === null
      ? `all ${fmt(train.n)} training images`
      : `a subset of ${fmt(subset)} of the ${fmt(train.n)} training images${settings.testMode ? ' (test mode)' : ''}`;
  const label = `MNIST_SAMPLE (${classes.join(' vs ')}): ${trainText}, ${fmt(valid.n)} validation images, batch size ${settings.batchSize}`;
  return { bunch, full, classes, label };
}
