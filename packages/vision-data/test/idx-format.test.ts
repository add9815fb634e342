import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { mnistDataDir } from '@onecycle/mnist';
import { afterAll, describe, expect, it } from 'vitest';
import { ImageDataBunch, loadIdx, parseIdx } from '../src/node.js';
import { cleanupTmp, tmpDir } from './helpers.js';

afterAll(cleanupTmp);

function idx(type: number, shape: number[], body: Buffer): Buffer {
  const head = Buffer.alloc(4 + 4 * shape.length);
  head[2] = type;
  head[3] = shape.length;
  shape.forEach((d, i) => {
    head.writeUInt32BE(d, 4 + 4 * i);
  });
  return Buffer.concat([head, body]);
}

describe('idx format', () => {
  it('parses uint8 and big-endian int32 arrays, gzip-compressed or not', () => {
    const u8 = idx(0x08, [2, 3], Buffer.from([1, 2, 3, 4, 5, 6]));
    expect(parseIdx(u8)).toEqual({ shape: [2, 3], dtype: 'uint8', data: new Uint8Array([1, 2, 3, 4, 5, 6]) });
    const body = Buffer.alloc(8);
    body.writeInt32BE(-2, 0);
    body.writeInt32BE(70000, 4);
    const i32 = parseIdx(gzipSync(idx(0x0c, [2], body)));
    expect(i32.dtype).toBe('int32');
    expect(Array.from(i32.data)).toEqual([-2, 70000]);
  });

  it('names the file on a bad header or size', () => {
    expect(() => parseIdx(Buffer.from([1, 2, 8, 1]), 'x.idx')).toThrow(/x\.idx: not an idx file/);
    expect(() => parseIdx(idx(0x08, [4], Buffer.from([1, 2])), 'y.idx')).toThrow(
      /y\.idx: idx shape \[4\] needs 4 data bytes, file has 2/,
    );
    expect(() => parseIdx(idx(0x07, [1], Buffer.from([1])), 'z.idx')).toThrow(/unknown idx element type 0x7/);
    expect(() => loadIdx('/nonexistent/file.idx')).toThrow(/file not found/);
  });

  it('fromMnistIdx reads a folder of idx files', async () => {
    const dir = tmpDir();
    const images = (n: number) =>
      idx(0x08, [n, 2, 2], Buffer.from(Array.from({ length: n * 4 }, (_, i) => i % 256)));
    writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(images(6)));
    writeFileSync(join(dir, 'train-labels-idx1-ubyte'), idx(0x08, [6], Buffer.from([0, 1, 2, 0, 1, 2])));
    writeFileSync(join(dir, 't10k-images-idx3-ubyte'), images(2));
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte.gz'), gzipSync(idx(0x08, [2], Buffer.from([2, 1]))));
    const data = await ImageDataBunch.fromMnistIdx(dir, { bs: 2 });
    expect(data.classes).toEqual(['0', '1', '2']);
    expect([data.train.size, data.valid.size]).toEqual([6, 2]);
    expect(data.train.set.channels).toBe(1);
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte.gz'), gzipSync(idx(0x08, [3], Buffer.from([2, 1, 0]))));
    await expect(ImageDataBunch.fromMnistIdx(dir)).rejects.toThrow(/3 labels for 2 images/);
    await expect(ImageDataBunch.fromMnistIdx(tmpDir())).rejects.toThrow(/no train-images-idx3-ubyte/);
  });

  it('reads the whole MNIST database (@onecycle/mnist) in its original order', async () => {
    const data = await ImageDataBunch.fromMnistIdx(mnistDataDir);
    expect(data.classes).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect([data.train.size, data.valid.size]).toEqual([60000, 10000]);
    expect([data.train.height, data.train.width]).toEqual([28, 28]);
    expect(Array.from(data.train.set.labels.subarray(0, 10))).toEqual([5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
  });
});
