import { readFileSync, statSync } from 'node:fs';
import { setupBackend } from '@onecycle/backends';
import { mnistDataDir } from '@onecycle/mnist';
import { decodeSafetensors } from '@onecycle/models';
import { findIdxFile, loadIdx } from '@onecycle/vision-data/node';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  loadMnist8Body,
  loadMnist8Cnn,
  MNIST8_DIGITS,
  MNIST8_FEATURES,
  mnist8Cnn,
  mnist8WeightsFile,
} from '../src/index.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

/** MNIST's test images of the eight digits, as ImageDataBunch gives them: [n, 28, 28, 3] in [0, 1]. */
function eightDigitTestSet(): { x: tf.Tensor4D; y: Int32Array } {
  const images = loadIdx(findIdxFile(mnistDataDir, 't10k', 'images'));
  const labels = loadIdx(findIdxFile(mnistDataDir, 't10k', 'labels'));
  const keep: number[] = [];
  for (let i = 0; i < labels.data.length; i++) if (MNIST8_DIGITS.includes(labels.data[i]!)) keep.push(i);
  const px = new Float32Array(keep.length * 28 * 28 * 3);
  keep.forEach((i, k) => {
    for (let p = 0; p < 784; p++) {
      const v = images.data[i * 784 + p]! / 255;
      px.set([v, v, v], (k * 784 + p) * 3);
    }
  });
  const y = Int32Array.from(keep, (i) => MNIST8_DIGITS.indexOf(labels.data[i]!));
  return { x: tf.tensor4d(px, [keep.length, 28, 28, 3]), y };
}

describe('the shipped backbone', () => {
  it('is a small safetensors file whose metadata names the digits and the recorded accuracy', () => {
    expect(statSync(mnist8WeightsFile).size).toBeLessThan(1_000_000);
    const file = decodeSafetensors(new Uint8Array(readFileSync(mnist8WeightsFile)));
    expect(file.metadata.digits).toBe('0,1,2,4,5,6,8,9');
    expect(Number(file.metadata.validAccuracy)).toBeGreaterThan(0.97);
  });

  it("reaches the recorded accuracy on MNIST's test images of its eight digits", async () => {
    const model = await loadMnist8Cnn();
    model.eval();
    const { x, y } = eightDigitTestSet();
    const before = tf.memory().numTensors;
    let correct = 0;
    for (let s = 0; s < y.length; s += 1000) {
      const n = Math.min(1000, y.length - s);
      const pred = tf.tidy(() => tf.argMax(model.forward(tf.slice(x, [s, 0, 0, 0], [n, 28, 28, 3])), 1));
      const p = await pred.data();
      pred.dispose();
      for (let k = 0; k < n; k++) if (p[k] === y[s + k]) correct++;
    }
    expect(tf.memory().numTensors).toBe(before);
    const recorded = Number(
      decodeSafetensors(new Uint8Array(readFileSync(mnist8WeightsFile))).metadata.validAccuracy,
    );
    expect((correct / y.length).toFixed(4)).toBe(recorded.toFixed(4));
    x.dispose();
    model.dispose();
  });

  it('the body maps 28×28 images to 2×2×128 features; a fresh net has other weights', async () => {
    const body = await loadMnist8Body();
    expect(body.length).toBe(4);
    const out = tf.tidy(() => body.eval().forward(tf.zeros([2, 28, 28, 3])));
    expect(out.shape).toEqual([2, 2, 2, MNIST8_FEATURES]);
    out.dispose();
    const fresh = mnist8Cnn({ nClasses: 2 });
    expect(fresh.numParameters()).toBeGreaterThan(90_000);
    const a = body.parameters()[0]!.variable.dataSync();
    const b = fresh.parameters()[0]!.variable.dataSync();
    expect(a).not.toEqual(b);
    expect(() => mnist8Cnn({ nClasses: 0 })).toThrow(/nClasses must be an integer ≥ 1, got 0/);
    body.dispose();
    fresh.dispose();
  });
});
