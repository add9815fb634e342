import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImageSets, encodeImageSets, ImageDataBunch, type ImageSet } from '../src/index.js';
import { packImageFolder } from '../src/node.js';
import { cleanupTmp, makeImageFolder, tmpDir, useCpu } from './helpers.js';

beforeAll(useCpu);
afterAll(cleanupTmp);

const set = (n: number, fill: number): ImageSet => ({
  n,
  height: 3,
  width: 2,
  channels: 1,
  pixels: new Uint8Array(n * 6).fill(fill),
  labels: Int32Array.from({ length: n }, (_, i) => i % 2),
  files: Array.from({ length: n }, (_, i) => `f${i}.png`),
});

describe('image-set binary', () => {
  it('round-trips uint8 and float32 sets, with file names only when asked', () => {
    const f32: ImageSet = { ...set(2, 0), pixels: new Float32Array(12).fill(0.5) };
    const bytes = encodeImageSets({
      classes: ['a', 'b'],
      sets: { train: set(5, 7), valid: f32 },
      meta: { k: 1 },
    });
    const back = decodeImageSets(bytes);
    expect(back.classes).toEqual(['a', 'b']);
    expect(back.meta).toEqual({ k: 1 });
    expect(back.sets.train!.n).toBe(5);
    expect(Array.from(back.sets.train!.pixels)).toEqual(new Array(30).fill(7));
    expect(Array.from(back.sets.train!.labels)).toEqual([0, 1, 0, 1, 0]);
    expect(back.sets.valid!.pixels).toBeInstanceOf(Float32Array);
    expect(Array.from(back.sets.valid!.pixels)).toEqual(new Array(12).fill(0.5));
    expect(back.sets.train!.files).toBeUndefined();
    const named = decodeImageSets(
      encodeImageSets({ classes: ['a', 'b'], sets: { t: set(2, 1) }, meta: {} }, { files: true }),
    );
    expect(named.sets.t!.files).toEqual(['f0.png', 'f1.png']);
  });

  it('rejects truncated or foreign bytes', () => {
    const bytes = encodeImageSets({ classes: ['a', 'b'], sets: { train: set(5, 7) }, meta: {} });
    expect(() => decodeImageSets(bytes.subarray(0, bytes.length - 10))).toThrow(/truncated/);
    expect(() => decodeImageSets(new TextEncoder().encode('PK\u0003\u0004 definitely not ours'))).toThrow(
      /bad magic/,
    );
  });
});

describe('the main entry (browsers and Node)', () => {
  it('fromUrl loads a packed folder over HTTP, raw or gzip-compressed', async () => {
    const root = tmpDir();
    makeImageFolder(root, { train: { '3': 5, '7': 5 }, valid: { '3': 2, '7': 1 } });
    const raw = join(root, 'sample.ocimg');
    const gz = join(root, 'sample.ocimg.gz');
    await packImageFolder(root, raw, { onWarning: () => {} });
    const packed = await packImageFolder(root, gz, { onWarning: () => {} });
    expect(packed.bytes).toBeLessThan(readFileSync(raw).length);
    const server: Server = createServer((req, res) => {
      const file = req.url === '/raw' ? raw : req.url === '/gz' ? gz : null;
      if (!file) {
        res.writeHead(404);
        return res.end();
      }
      res.writeHead(200);
      res.end(file === gz ? readFileSync(gz) : readFileSync(raw));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      for (const route of ['/raw', '/gz']) {
        const data = await ImageDataBunch.fromUrl(`${base}${route}`, { bs: 4 });
        expect(data).toBeInstanceOf(ImageDataBunch);
        expect(data.classes).toEqual(['3', '7']);
        expect([data.train.size, data.valid.size]).toEqual([10, 3]);
        const { x, y } = data.valid.oneBatch();
        expect(x.shape).toEqual([3, 6, 8, 3]);
        expect(Array.from(y.dataSync())).toEqual([0, 0, 1]);
        tf.dispose([x, y]);
        expect(data.batchGridPng({ rows: 2 })[1]).toBe(0x50); // 'P' of the PNG signature
      }
      await expect(ImageDataBunch.fromUrl(`${base}/missing`)).rejects.toThrow(/answered HTTP 404/);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
