import { setupBackend } from '@onecycle/backends';
import type { Callback, CallbackEvent } from '@onecycle/callbacks';
import { CALLBACK_EVENTS } from '@onecycle/callbacks';
import { type Sequential, simpleCnn } from '@onecycle/models';
import type { ImageDataBunch } from '@onecycle/vision-data/node';
import { mnistSubset } from './mnist-subset.js';

let data: ImageDataBunch | undefined;

/** The WASM backend and the shared MNIST_SAMPLE subset (512 train = 8 batches, 256 valid = 4 batches). */
export async function setup(): Promise<ImageDataBunch> {
  await setupBackend('wasm');
  data ??= await mnistSubset({ train: 256, valid: 128 }, { bs: 64, seed: 0 });
  return data;
}

/** The seed's model: simple_cnn((3,16,16,2)), seeded. */
export function seedModel(seed = 0, bn = false): Sequential {
  return simpleCnn([3, 16, 16, 2], undefined, undefined, bn, { seed });
}

/** A callback that logs every event it sees as `event` or `event:iteration`. */
export function eventLog(): { cb: Callback; events: string[] } {
  const events: string[] = [];
  const cb: Callback = Object.fromEntries(
    CALLBACK_EVENTS.map((e: CallbackEvent) => [e, () => void events.push(e)]),
  ) as Callback;
  return { cb, events };
}
