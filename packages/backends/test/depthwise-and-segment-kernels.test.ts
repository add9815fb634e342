import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../src/index.js';
import { onBackend, randomValues, relativeError } from './helpers.js';

const TOLERANCE = 1e-4;

interface DepthwiseCase {
  batch: number;
  size: number;
  channels: number;
  multiplier: number;
  kernel: number;
  stride: number;
  pad: 'same' | 'valid' | number;
}

function depthwiseCases(): DepthwiseCase[] {
  const out: DepthwiseCase[] = [];
  let i = 0;
  for (const kernel of [1, 3, 5]) {
    for (const stride of [1, 2]) {
      for (const pad of ['same', 'valid', 1] as const) {
        const size = i % 2 === 0 ? 7 : 13;
        out.push({
          batch: i % 3 === 0 ? 1 : 2,
          size,
          channels: 3,
          multiplier: (i % 2) + 1,
          kernel,
          stride,
          pad,
        });
        i++;
      }
    }
  }
  return out;
}

function outSize(n: number, k: number, s: number, pad: DepthwiseCase['pad']): number {
  if (pad === 'same') return Math.ceil(n / s);
  if (pad === 'valid') return Math.ceil((n - k + 1) / s);
  return Math.floor((n + 2 * pad - k) / s) + 1;
}

async function depthwiseGrads(backend: string, c: DepthwiseCase, seed: number): Promise<Float32Array[]> {
  const o = outSize(c.size, c.kernel, c.stride, c.pad);
  const xShape: [number, number, number, number] = [c.batch, c.size, c.size, c.channels];
  const wShape: [number, number, number, number] = [c.kernel, c.kernel, c.channels, c.multiplier];
  const dyShape: [number, number, number, number] = [c.batch, o, o, c.channels * c.multiplier];
  const xv = randomValues(tf.util.sizeFromShape(xShape), seed);
  const wv = randomValues(tf.util.sizeFromShape(wShape), seed + 1);
  const dyv = randomValues(tf.util.sizeFromShape(dyShape), seed + 2);
  return onBackend(backend, () => {
    const f = (x: tf.Tensor, w: tf.Tensor) =>
      tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.stride, c.pad);
    const [dx, dw] = tf.grads(f)(
      [tf.tensor4d(xv, xShape), tf.tensor4d(wv, wShape)],
      tf.tensor4d(dyv, dyShape),
    );
    return [dx!, dw!];
  });
}

describe('WASM depthwise conv gradients match the CPU backend', () => {
  const worst = { dx: 0, dfilter: 0 };
  beforeAll(async () => {
    await setupBackend('wasm');
  });
  afterAll(() => {
    console.info(`depthwise max relative error vs CPU: ${JSON.stringify(worst)}`);
  });

  it.each(depthwiseCases().map((c, i) => [JSON.stringify(c), c, i] as const))('%s', async (_name, c, i) => {
    const [dxCpu, dwCpu] = await depthwiseGrads('cpu', c, 500 + 5 * i);
    const [dxWasm, dwWasm] = await depthwiseGrads('wasm', c, 500 + 5 * i);
    const errors = { dx: relativeError(dxWasm!, dxCpu!), dfilter: relativeError(dwWasm!, dwCpu!) };
    for (const key of ['dx', 'dfilter'] as const) {
      worst[key] = Math.max(worst[key], errors[key]);
      expect(errors[key], key).toBeLessThan(TOLERANCE);
    }
  });
});

describe('WASM UnsortedSegmentSum', () => {
  beforeAll(async () => {
    await setupBackend('wasm');
  });

  it('sums rows by segment like the CPU backend (float32 and int32, repeated and dropped ids)', async () => {
    const ids = [0, 3, 3, 1, -1, 0, 7];
    const xv = randomValues(7 * 4, 42);
    const run = (backend: string) =>
      onBackend(backend, () => {
        const x = tf.tensor2d(xv, [7, 4]);
        const seg = tf.tensor1d(ids, 'int32');
        const ints = tf.tensor2d(
          ids.map((_, i) => [i, 2 * i]),
          [7, 2],
          'int32',
        );
        return [tf.unsortedSegmentSum(x, seg, 5), tf.cast(tf.unsortedSegmentSum(ints, seg, 5), 'float32')];
      });
    const [floatCpu, intCpu] = await run('cpu');
    const [floatWasm, intWasm] = await run('wasm');
    expect(relativeError(floatWasm!, floatCpu!)).toBeLessThan(1e-6);
    expect(Array.from(intWasm!)).toEqual(Array.from(intCpu!));
    // Segment 3 = rows 1 + 2; segment 4 is empty; ids -1 and 7 are dropped.
    expect(Array.from(intWasm!.slice(6, 8))).toEqual([1 + 2, 2 + 4]);
    expect(Array.from(intWasm!.slice(8, 10))).toEqual([0, 0]);
  });

  it('makes the gradient of gather (picking target-class scores) work and match the CPU backend', async () => {
    const logits = randomValues(6 * 10, 7);
    const targets = [3, 0, 9, 3, 3, 1];
    const run = (backend: string) =>
      onBackend(backend, () => {
        const flatIdx = tf.tensor1d(
          targets.map((t, i) => i * 10 + t),
          'int32',
        );
        const g = tf.grad((x: tf.Tensor) => tf.sum(tf.gather(tf.reshape(tf.logSoftmax(x), [-1]), flatIdx)));
        return [g(tf.tensor2d(logits, [6, 10]))];
      });
    const [cpu] = await run('cpu');
    const [wasm] = await run('wasm');
    expect(relativeError(wasm!, cpu!)).toBeLessThan(TOLERANCE);
  });

  it('rejects a bad numSegments naming it', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor2d([[1, 2]]);
    const ids = tf.tensor1d([0], 'int32');
    expect(() =>
      tf.engine().runKernel(tf.UnsortedSegmentSum, { x, segmentIds: ids }, { numSegments: -1 }),
    ).toThrow(/numSegments must be an integer >= 0/);
    tf.dispose([x, ids]);
  });
});
