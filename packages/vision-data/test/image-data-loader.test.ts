import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { BaseImageDataBunch, ImageDataLoader, type ImageSet, mnistStats } from '../src/index.js';
import { ImageDataBunch } from '../src/node.js';
import { useCpu } from './helpers.js';

beforeAll(useCpu);

/** n gray 2×2 images; image i has all pixels = i (mod 256); label i % classes. */
function toySet(n: number, classes = 2): ImageSet {
  const pixels = new Uint8Array(n * 4);
  for (let i = 0; i < n; i++) pixels.fill(i % 256, i * 4, i * 4 + 4);
  return {
    n,
    height: 2,
    width: 2,
    channels: 1,
    pixels,
    labels: Int32Array.from({ length: n }, (_, i) => i % classes),
  };
}

function collect(
  dl: ImageDataLoader,
  epoch?: number,
): { ids: number[][]; labels: number[][]; shapes: number[][] } {
  const ids: number[][] = [];
  const labels: number[][] = [];
  const shapes: number[][] = [];
  for (const { x, y } of dl.batches(epoch)) {
    shapes.push(x.shape);
    const v = x.dataSync();
    const per = x.shape[1] * x.shape[2] * x.shape[3];
    ids.push(Array.from({ length: x.shape[0] }, (_, k) => Math.round(v[k * per]! * 255)));
    labels.push(Array.from(y.dataSync()));
    expect(y.dtype).toBe('int32');
    expect(x.dtype).toBe('float32');
    x.dispose();
    y.dispose();
  }
  return { ids, labels, shapes };
}

describe('ImageDataLoader', () => {
  it('training: shuffled by (seed, epoch), last partial batch dropped, each item at most once', () => {
    const dl = new ImageDataLoader(toySet(10), { batchSize: 4, shuffle: true, dropLast: true, seed: 7 });
    expect(dl.size).toBe(10);
    expect(dl.length).toBe(2);
    const a = collect(dl, 0);
    expect(a.shapes).toEqual([
      [4, 2, 2, 3],
      [4, 2, 2, 3],
    ]);
    const flat = a.ids.flat();
    expect(new Set(flat).size).toBe(8);
    expect(flat).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    // Labels travel with their images.
    expect(a.labels.flat()).toEqual(flat.map((i) => i % 2));
    // Same (seed, epoch) → same batches, from a fresh loader too (a resumed run).
    const again = new ImageDataLoader(toySet(10), { batchSize: 4, shuffle: true, dropLast: true, seed: 7 });
    expect(collect(again, 0).ids).toEqual(a.ids);
    // Another epoch or another seed → another order.
    expect(collect(dl, 1).ids).not.toEqual(a.ids);
    const other = new ImageDataLoader(toySet(10), { batchSize: 4, shuffle: true, dropLast: true, seed: 8 });
    expect(collect(other, 0).ids).not.toEqual(a.ids);
  });

  it('validation: in order, last partial batch kept', () => {
    const dl = new ImageDataLoader(toySet(10), { batchSize: 4, shuffle: false, dropLast: false });
    expect(dl.length).toBe(3);
    const v = collect(dl);
    expect(v.ids).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
    expect(v.shapes.map((s) => s[0])).toEqual([4, 4, 2]);
  });

  it('batches() without an epoch walks epochs 0, 1, 2, …', () => {
    const dl = new ImageDataLoader(toySet(12), { batchSize: 3, shuffle: true, dropLast: true, seed: 1 });
    const e0 = collect(dl, 0).ids;
    const e1 = collect(dl, 1).ids;
    const fresh = new ImageDataLoader(toySet(12), { batchSize: 3, shuffle: true, dropLast: true, seed: 1 });
    expect(collect(fresh).ids).toEqual(e0);
    expect(collect(fresh).ids).toEqual(e1);
  });

  it('grayscale becomes 3 equal channels in [0, 1]; channels: 1 keeps one', () => {
    const set: ImageSet = {
      n: 1,
      height: 1,
      width: 2,
      channels: 1,
      pixels: new Uint8Array([0, 255]),
      labels: new Int32Array([0]),
    };
    const three = new ImageDataLoader(set, { batchSize: 1, shuffle: false, dropLast: false });
    const b = three.oneBatch();
    expect(Array.from(b.x.dataSync())).toEqual([0, 0, 0, 1, 1, 1]);
    tf.dispose([b.x, b.y]);
    const one = new ImageDataLoader(set, { batchSize: 1, shuffle: false, dropLast: false, channels: 1 });
    const c = one.oneBatch();
    expect(c.x.shape).toEqual([1, 1, 2, 1]);
    expect(Array.from(c.x.dataSync())).toEqual([0, 1]);
    tf.dispose([c.x, c.y]);
  });

  it('RGB to 1 channel uses luma; float32 pixels are used as they are', () => {
    const rgb: ImageSet = {
      n: 1,
      height: 1,
      width: 1,
      channels: 3,
      pixels: new Uint8Array([255, 0, 0]),
      labels: new Int32Array([0]),
    };
    const dl = new ImageDataLoader(rgb, { batchSize: 1, shuffle: false, dropLast: false, channels: 1 });
    // Luma rounded to a byte, as PIL's convert('L').
    expect(dl.fill(new Int32Array([0])).data[0]).toBeCloseTo(Math.round(0.299 * 255) / 255, 6);
    const f: ImageSet = {
      n: 1,
      height: 1,
      width: 1,
      channels: 1,
      pixels: new Float32Array([0.25]),
      labels: new Int32Array([0]),
    };
    const fl = new ImageDataLoader(f, { batchSize: 1, shuffle: false, dropLast: false });
    expect(Array.from(fl.fill(new Int32Array([0])).data)).toEqual([0.25, 0.25, 0.25]);
    fl.normalization = { mean: [0.25], std: [0.5] };
    expect(Array.from(fl.fill(new Int32Array([0])).data)).toEqual([0, 0, 0]);
  });

  it('normalisation is applied per channel', () => {
    const dl = new ImageDataLoader(toySet(2), { batchSize: 2, shuffle: false, dropLast: false });
    dl.normalization = { mean: [0.1, 0.2, 0.3], std: [0.5, 0.25, 1] };
    const { data } = dl.fill(new Int32Array([1]));
    const v = 1 / 255;
    expect(data[0]).toBeCloseTo((v - 0.1) / 0.5, 6);
    expect(data[1]).toBeCloseTo((v - 0.2) / 0.25, 6);
    expect(data[2]).toBeCloseTo(v - 0.3, 6);
    expect(() => {
      dl.normalization = { mean: [0, 0], std: [1, 1] };
    }).toThrow(/1 or 3 values/);
    expect(() => {
      dl.normalization = { mean: [0], std: [0] };
    }).toThrow(/std must be > 0/);
  });

  it('the byte tables follow every change of the statistics between batches', () => {
    const dl = new ImageDataLoader(toySet(4), { batchSize: 2, shuffle: false, dropLast: false });
    const v = 3 / 255;
    const at = (i: number) => dl.fill(new Int32Array([3])).data[i]!;
    expect([at(0), at(1), at(2)]).toEqual([v, v, v].map((x) => Math.fround(x)));
    dl.normalization = { mean: [0.5], std: [0.25] }; // one value: the same for all three channels
    expect(at(0)).toBeCloseTo((v - 0.5) / 0.25, 6);
    expect(at(2)).toBeCloseTo((v - 0.5) / 0.25, 6);
    dl.normalization = { mean: [0.1, 0.1, 0.3], std: [0.5, 0.5, 1] }; // two channels alike, one not
    expect(at(0)).toBeCloseTo((v - 0.1) / 0.5, 6);
    expect(at(1)).toBeCloseTo((v - 0.1) / 0.5, 6);
    expect(at(2)).toBeCloseTo(v - 0.3, 6);
    // Edited in place through the getter (the stats are plain arrays): the next batch uses the edit.
    (dl.normalization!.mean as number[])[1] = 0.2;
    expect(at(1)).toBeCloseTo((v - 0.2) / 0.5, 6);
    expect(at(0)).toBeCloseTo((v - 0.1) / 0.5, 6);
    dl.normalization = null;
    expect(at(1)).toBe(Math.fround(v));
  });

  it('creates no tensor it does not hand out', () => {
    const dl = new ImageDataLoader(toySet(50), { batchSize: 8, shuffle: true, dropLast: true });
    const before = tf.memory().numTensors;
    for (const { x, y } of dl.batches(0)) {
      x.dispose();
      y.dispose();
    }
    // Abandoning a pass midway leaves nothing behind either.
    for (const { x, y } of dl.batches(1)) {
      x.dispose();
      y.dispose();
      break;
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects bad options with errors naming them', () => {
    expect(() => new ImageDataLoader(toySet(4), { batchSize: 0, shuffle: true, dropLast: true })).toThrow(
      /bs/,
    );
    expect(() => new ImageDataLoader(toySet(4), { batchSize: 2.5, shuffle: true, dropLast: true })).toThrow(
      /bs/,
    );
    expect(
      () => new ImageDataLoader(toySet(4), { batchSize: 2, shuffle: true, dropLast: true, channels: 2 as 1 }),
    ).toThrow(/channels/);
    const dl = new ImageDataLoader(toySet(4), { batchSize: 2, shuffle: true, dropLast: true });
    expect(() => dl.batches(-1)).toThrow(/epoch/);
  });
});

describe('fromArrays', () => {
  it('splits a seeded validPct and implements the DataBunch contract', () => {
    const x = new Uint8Array(100 * 4 * 4).map((_, i) => i % 256);
    const labels = Array.from({ length: 100 }, (_, i) => i % 3);
    const data = ImageDataBunch.fromArrays(x, labels, [100, 4, 4, 1], ['a', 'b', 'c'], {
      validPct: 0.2,
      bs: 16,
    });
    expect(data).toBeInstanceOf(ImageDataBunch);
    expect(data.c).toBe(3);
    expect(data.classes).toEqual(['a', 'b', 'c']);
    expect(data.train.size).toBe(80);
    expect(data.valid.size).toBe(20);
    expect(data.train.length).toBe(5);
    expect(data.valid.length).toBe(2);
    const all = new Set([...data.train.indices, ...data.valid.indices]);
    expect(all.size).toBe(100);
    const same = ImageDataBunch.fromArrays(x, labels, [100, 4, 4, 1], ['a', 'b', 'c'], { validPct: 0.2 });
    expect(Array.from(same.valid.indices)).toEqual(Array.from(data.valid.indices));
  });

  it('takes an explicit validation set, and normalize: true computes training stats', () => {
    const x = new Float32Array(10 * 2 * 2).fill(0.5);
    x.fill(0.7, 0, 20);
    const data = BaseImageDataBunch.fromArrays(x, new Array(10).fill(0), [10, 2, 2, 1], ['only'], {
      valid: { x: new Float32Array(8).fill(0.1), labels: [0, 0] },
      normalize: true,
    });
    expect(data.valid.size).toBe(2);
    const s = data.train.normalization!;
    expect(s.mean).toHaveLength(3);
    expect(s.mean[0]).toBeCloseTo(0.6, 6);
    expect(s.std[0]).toBeCloseTo(0.1, 6);
    data.normalize(mnistStats);
    expect(data.valid.normalization!.mean).toEqual(mnistStats.mean);
  });

  it('rejects inconsistent arrays', () => {
    const x = new Uint8Array(16);
    expect(() => ImageDataBunch.fromArrays(x, [0, 1, 0, 1], [4, 2, 2, 2 as 1], ['a', 'b'])).toThrow(
      /channels/,
    );
    expect(() => ImageDataBunch.fromArrays(x, [0, 1, 0], [4, 2, 2, 1], ['a', 'b'])).toThrow(/labels has 3/);
    expect(() => ImageDataBunch.fromArrays(x, [0, 1, 0, 2], [4, 2, 2, 1], ['a', 'b'])).toThrow(
      /outside \[0, 1\]/,
    );
    expect(() => ImageDataBunch.fromArrays(x, [0, 1, 0, 1], [5, 2, 2, 1], ['a', 'b'])).toThrow(
      /pixels has 16/,
    );
    expect(() => ImageDataBunch.fromArrays(x, [0, 1, 0, 1], [4, 2, 2, 1], [])).toThrow(/classes/);
    expect(() =>
      ImageDataBunch.fromArrays(x, [0, 1, 0, 1], [4, 2, 2, 1], ['a', 'b'], { validPct: 1 }),
    ).toThrow(/validPct/);
    expect(() =>
      ImageDataBunch.fromArrays([1, 2] as unknown as Uint8Array, [0], [1, 1, 2, 1], ['a']),
    ).toThrow(TypeError);
  });
});
