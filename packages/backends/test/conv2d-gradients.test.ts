import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../src/index.js';
import { onBackend, randomValues, relativeError } from './helpers.js';

type Pad = 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
interface Case {
  batch: number;
  size: [number, number];
  inC: number;
  outC: number;
  kernel: [number, number];
  stride: [number, number];
  pad: Pad;
}

const TOLERANCE = 1e-4;

function outSize(n: number, k: number, s: number, pad: Pad, axis = 1): number {
  if (pad === 'same') return Math.ceil(n / s);
  if (pad === 'valid') return Math.ceil((n - k + 1) / s);
  const [before, after] = typeof pad === 'number' ? [pad, pad] : pad[axis]!;
  return Math.floor((n + before + after - k) / s) + 1;
}

function cases(): Case[] {
  const out: Case[] = [];
  const pads: Pad[] = ['same', 'valid', 0, 1, 2];
  let i = 0;
  for (const k of [1, 3, 5]) {
    for (const s of [1, 2]) {
      for (const pad of pads) {
        for (const h of [7, 13]) {
          const batch = i++ % 2 === 0 ? 1 : 3;
          if (outSize(h, k, s, pad) < 1) continue;
          out.push({ batch, size: [h, h], inC: 3, outC: 4, kernel: [k, k], stride: [s, s], pad });
        }
      }
    }
  }
  // The models' shapes: 28×28 MNIST-like inputs, 7×7 stems, non-square cases, single channels.
  out.push({ batch: 4, size: [28, 28], inC: 3, outC: 16, kernel: [3, 3], stride: [2, 2], pad: 1 });
  out.push({ batch: 2, size: [28, 28], inC: 16, outC: 16, kernel: [3, 3], stride: [2, 2], pad: 'same' });
  out.push({ batch: 2, size: [28, 28], inC: 3, outC: 8, kernel: [7, 7], stride: [2, 2], pad: 3 });
  out.push({ batch: 2, size: [13, 13], inC: 4, outC: 6, kernel: [7, 7], stride: [1, 1], pad: 'same' });
  out.push({ batch: 1, size: [7, 7], inC: 2, outC: 3, kernel: [7, 7], stride: [2, 2], pad: 'valid' });
  out.push({ batch: 3, size: [13, 8], inC: 2, outC: 5, kernel: [3, 1], stride: [2, 1], pad: 'same' });
  // (A single number pads non-square kernels wrongly in tfjs itself; explicit pads say what they mean.)
  const explicit: tf.backend_util.ExplicitPadding = [
    [0, 0],
    [2, 1],
    [0, 2],
    [0, 0],
  ];
  out.push({ batch: 2, size: [9, 12], inC: 1, outC: 1, kernel: [5, 3], stride: [1, 2], pad: explicit });
  out.push({ batch: 1, size: [8, 8], inC: 2, outC: 3, kernel: [3, 3], stride: [2, 2], pad: explicit });
  out.push({ batch: 2, size: [28, 28], inC: 8, outC: 4, kernel: [1, 1], stride: [2, 2], pad: 'valid' });
  return out;
}

function describeCase(c: Case): string {
  return `n${c.batch} ${c.size.join('x')}x${c.inC}→${c.outC} k${c.kernel.join('x')} s${c.stride.join('x')} pad ${JSON.stringify(c.pad)}`;
}

async function gradients(backend: string, c: Case, seed: number): Promise<Float32Array[]> {
  const [h, w] = c.size;
  const oh = outSize(h, c.kernel[0], c.stride[0], c.pad);
  const ow = outSize(w, c.kernel[1], c.stride[1], c.pad, 2);
  const xShape: [number, number, number, number] = [c.batch, h, w, c.inC];
  const wShape: [number, number, number, number] = [c.kernel[0], c.kernel[1], c.inC, c.outC];
  const dyShape: [number, number, number, number] = [c.batch, oh, ow, c.outC];
  const xv = randomValues(
    xShape.reduce((a, b) => a * b),
    seed,
  );
  const wv = randomValues(
    wShape.reduce((a, b) => a * b),
    seed + 1,
  );
  const dyv = randomValues(
    dyShape.reduce((a, b) => a * b),
    seed + 2,
  );
  return onBackend(backend, () => {
    const x = tf.tensor4d(xv, xShape);
    const filter = tf.tensor4d(wv, wShape);
    const dy = tf.tensor4d(dyv, dyShape);
    const f = (a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad);
    const y = f(x, filter);
    expect(y.shape).toEqual(dyShape);
    const [dx, dw] = tf.grads(f)([x, filter], dy);
    return [y, dx!, dw!];
  });
}

describe('WASM conv2d gradients match the CPU backend', () => {
  const worst = { y: 0, dx: 0, dfilter: 0 };
  beforeAll(async () => {
    await setupBackend('wasm');
  });
  afterAll(() => {
    console.info(`max relative error vs CPU: ${JSON.stringify(worst)}`);
  });

  it.each(cases().map((c, i) => [describeCase(c), c, i] as const))('%s', async (_name, c, i) => {
    const [yCpu, dxCpu, dwCpu] = await gradients('cpu', c, 100 + 7 * i);
    const [yWasm, dxWasm, dwWasm] = await gradients('wasm', c, 100 + 7 * i);
    const errors = {
      y: relativeError(yWasm!, yCpu!),
      dx: relativeError(dxWasm!, dxCpu!),
      dfilter: relativeError(dwWasm!, dwCpu!),
    };
    for (const key of ['y', 'dx', 'dfilter'] as const) {
      worst[key] = Math.max(worst[key], errors[key]);
      expect(errors[key], key).toBeLessThan(TOLERANCE);
    }
  });
});
