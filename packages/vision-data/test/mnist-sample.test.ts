// The "done when": untarData(URLs.MNIST_SAMPLE) + fromFolder on a fresh data directory,
// with no network — 12,396 training and 2,038 validation images in classes ['3', '7'].
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ImageDataBunch, URLs, untarData } from '../src/node.js';
import { cleanupTmp, tmpDir, useCpu } from './helpers.js';

beforeAll(useCpu);
afterAll(() => {
  vi.unstubAllGlobals();
  cleanupTmp();
});

describe('MNIST_SAMPLE, offline', () => {
  let path = '';
  const notices: string[] = [];

  it('untarData uses the shipped archive without any request', async () => {
    const fetchSpy = vi.fn(() => Promise.reject(new Error('network used')));
    vi.stubGlobal('fetch', fetchSpy);
    const dest = tmpDir();
    path = await untarData(URLs.MNIST_SAMPLE, { dest, onNotice: (m) => notices.push(m) });
    expect(path).toBe(join(dest, 'mnist_sample'));
    expect(fetchSpy).not.toHaveBeenCalled();
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/shipped with the project/);
    // The second call finds the folder: no extraction, no notice, no request.
    expect(await untarData(URLs.MNIST_SAMPLE, { dest, onNotice: (m) => notices.push(m) })).toBe(path);
    expect(notices).toHaveLength(1);
    expect(fetchSpy).not.toHaveBeenCalled();
    vi.unstubAllGlobals();
  });

  it('fromFolder gives 12,396 training and 2,038 validation images in classes 3 and 7', async () => {
    const data = await ImageDataBunch.fromFolder(path, { bs: 64 });
    expect(data.classes).toEqual(['3', '7']);
    expect(data.c).toBe(2);
    expect(data.train.size).toBe(12396);
    expect(data.valid.size).toBe(2038);
    expect(data.train.length).toBe(Math.floor(12396 / 64));
    expect(data.valid.length).toBe(Math.ceil(2038 / 64));
    expect(data.train.set.channels).toBe(1); // stored compactly, expanded per batch
    const before = tf.memory().numTensors;
    const { x, y } = data.train.oneBatch(0);
    expect(x.shape).toEqual([64, 28, 28, 3]);
    const v = x.dataSync();
    let lo = 1;
    let hi = 0;
    for (const a of v) {
      lo = Math.min(lo, a);
      hi = Math.max(hi, a);
    }
    expect([lo, hi]).toEqual([0, 1]);
    expect(new Set(y.dataSync()).size).toBe(2);
    tf.dispose([x, y]);
    expect(tf.memory().numTensors).toBe(before);
    // The last validation batch is partial and kept.
    let last = 0;
    for (const b of data.valid.batches()) {
      last = b.x.shape[0];
      tf.dispose([b.x, b.y]);
    }
    expect(last).toBe(2038 % 64);
    // Second load comes from the decode cache.
    const warm = await ImageDataBunch.fromFolder(path);
    expect(warm.loadInfo?.fromCache).toBe(true);
    expect(warm.train.size).toBe(12396);
    // labels.csv (train images only, label 0 = '3', 1 = '7').
    const csv = await ImageDataBunch.fromCsv(path, { validPct: 0.2, cache: false });
    expect(csv.classes).toEqual(['0', '1']);
    expect(csv.train.size + csv.valid.size).toBe(12396);
  });
});
