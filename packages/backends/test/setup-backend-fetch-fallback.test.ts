import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { SimdConv, setupBackend, wasmHostMemory } from '../src/index.js';

// Its own file: tfjs's WASM backend starts once per process, and this test needs it not started.
it("starts tfjs's WASM backend on its unshared memory when fetch cannot load the shared build", async () => {
  const realFetch = globalThis.fetch;
  globalThis.fetch = (async () => {
    throw new TypeError('fetch failed');
  }) as typeof fetch;
  try {
    const choice = await setupBackend('wasm', { convThreads: 2 });
    expect(choice.backend).toBe('wasm');
    expect(choice.reason).not.toMatch(/shared memory/);
    expect(wasmHostMemory(tf.findBackend('wasm'))!.memory.buffer).toBeInstanceOf(ArrayBuffer);
    // The threads then work in a memory of their own, copying inputs in and results out.
    expect(SimdConv.load()!.threads).toBe(2);
    const y = tf.conv2d(
      tf.ones([1, 6, 6, 4]) as tf.Tensor4D,
      tf.ones([3, 3, 4, 4]) as tf.Tensor4D,
      1,
      'same',
    );
    // Each output channel sums 4 input channels over the taps inside the image: 4 at a corner, 6 on
    // an edge, 9 inside; 4 output channels.
    expect(tf.sum(y).dataSync()[0]).toBe(4 * 4 * (4 * 4 + 4 * 4 * 6 + 9 * 16));
  } finally {
    globalThis.fetch = realFetch;
  }
});
