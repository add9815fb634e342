import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { decode as decodePng } from 'fast-png';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeCacheFolder, ImageDataBunch } from '../src/node.js';
import { cleanupTmp, grayPixels, makeImageFolder, tmpDir, useCpu, writeJpeg, writePng } from './helpers.js';

beforeAll(useCpu);
afterAll(cleanupTmp);

const quiet = { onWarning: () => {} };

describe('ImageDataBunch.fromFolder', () => {
  it('classes from sorted sub-folders, sizes, labels and pixels as written', async () => {
    const root = tmpDir();
    makeImageFolder(root, { train: { dog: 5, cat: 7 }, valid: { cat: 2, dog: 3 } });
    const data = await ImageDataBunch.fromFolder(root, { bs: 4, ...quiet });
    expect(data.classes).toEqual(['cat', 'dog']);
    expect(data.c).toBe(2);
    expect(data.train.size).toBe(12);
    expect(data.valid.size).toBe(5);
    expect(data.train.length).toBe(3);
    expect(data.valid.length).toBe(2);
    expect(data.loadInfo?.fromCache).toBe(false);
    // Validation in folder order: cat/0, cat/1, dog/0, dog/1, dog/2 → labels 0 0 1 1 1.
    const labels: number[] = [];
    for (const { x, y } of data.valid.batches()) {
      expect(x.shape.slice(1)).toEqual([6, 8, 3]);
      labels.push(...y.dataSync());
      tf.dispose([x, y]);
    }
    expect(labels).toEqual([0, 0, 1, 1, 1]);
    // First valid image is valid/cat/0.png: compare its pixels with the file.
    const { x, y } = data.valid.oneBatch();
    const png = decodePng(readFileSync(join(root, 'valid/cat/0.png')));
    const v = x.dataSync();
    for (let p = 0; p < 48; p++) {
      expect(v[p * 3]).toBeCloseTo(png.data[p]! / 255, 6);
      expect(v[p * 3 + 2]).toBe(v[p * 3]);
    }
    tf.dispose([x, y]);
    expect(data.valid.set.files?.[0]).toBe('valid/cat/0.png');
  });

  it('writes a decode cache, reads it back identically, and invalidates it when files change', async () => {
    const root = tmpDir();
    makeImageFolder(root, { train: { a: 4, b: 4 }, valid: { a: 2, b: 2 } });
    const cold = await ImageDataBunch.fromFolder(root, quiet);
    expect(cold.loadInfo?.fromCache).toBe(false);
    const cacheFiles = readdirSync(join(root, decodeCacheFolder));
    expect(cacheFiles).toHaveLength(1);
    expect(cacheFiles[0]).toMatch(/\.bin$/);
    const warm = await ImageDataBunch.fromFolder(root, quiet);
    expect(warm.loadInfo?.fromCache).toBe(true);
    expect(Array.from(warm.train.set.pixels)).toEqual(Array.from(cold.train.set.pixels));
    expect(Array.from(warm.valid.set.labels)).toEqual(Array.from(cold.valid.set.labels));
    expect(warm.valid.set.files).toEqual(cold.valid.set.files);

    // Rewrite one image with other pixels (and another mtime): the cache is stale.
    writePng(join(root, 'train/a/0.png'), 8, 6, grayPixels(8, 6, 99));
    utimesSync(join(root, 'train/a/0.png'), new Date(2001, 1, 1), new Date(2001, 1, 1));
    const changed = await ImageDataBunch.fromFolder(root, quiet);
    expect(changed.loadInfo?.fromCache).toBe(false);
    expect(changed.train.set.pixels[0]).toBe(grayPixels(8, 6, 99)[0]);

    // Adding a file invalidates it too.
    writePng(join(root, 'valid/b/9.png'), 8, 6, grayPixels(8, 6, 5));
    const added = await ImageDataBunch.fromFolder(root, quiet);
    expect(added.loadInfo?.fromCache).toBe(false);
    expect(added.valid.size).toBe(5);
    // Removing one as well.
    rmSync(join(root, 'valid/b/9.png'));
    const removed = await ImageDataBunch.fromFolder(root, quiet);
    expect(removed.loadInfo?.fromCache).toBe(false);
    expect(removed.valid.size).toBe(4);
    // Other options (size) use another cache file; cache: false neither reads nor writes.
    await ImageDataBunch.fromFolder(root, { size: 4, ...quiet });
    expect(readdirSync(join(root, decodeCacheFolder)).filter((f) => f.endsWith('.bin'))).toHaveLength(2);
    expect(readdirSync(join(root, decodeCacheFolder)).some((f) => f.includes('.tmp'))).toBe(false);
    const nocache = await ImageDataBunch.fromFolder(root, { cache: false, ...quiet });
    expect(nocache.loadInfo?.fromCache).toBe(false);
    expect(nocache.loadInfo?.cacheFile).toBeNull();
  });

  it('a corrupt cache file is ignored and rewritten', async () => {
    const root = tmpDir();
    makeImageFolder(root, { train: { a: 2, b: 1 }, valid: { a: 1 } });
    const first = await ImageDataBunch.fromFolder(root, quiet);
    writeFileSync(first.loadInfo!.cacheFile!, 'garbage');
    const second = await ImageDataBunch.fromFolder(root, quiet);
    expect(second.loadInfo?.fromCache).toBe(false);
    const third = await ImageDataBunch.fromFolder(root, quiet);
    expect(third.loadInfo?.fromCache).toBe(true);
  });

  it('mixes PNG and JPEG, and colour images make 3 stored channels', async () => {
    const root = tmpDir();
    writePng(join(root, 'train/g/0.png'), 4, 4, new Uint8Array(16).fill(50));
    const rgba = new Uint8Array(64);
    for (let i = 0; i < 16; i++) rgba.set([255, 0, 0, 255], i * 4);
    writeJpeg(join(root, 'train/r/0.jpg'), 4, 4, rgba);
    writePng(join(root, 'valid/g/0.png'), 4, 4, new Uint8Array(16).fill(80));
    const data = await ImageDataBunch.fromFolder(root, { bs: 1, ...quiet });
    expect(data.classes).toEqual(['g', 'r']);
    expect(data.train.set.channels).toBe(3);
    const px = data.train.set.pixels;
    expect([px[0], px[1], px[2]]).toEqual([50, 50, 50]);
    expect(px[48]!).toBeGreaterThan(240);
    expect(px[49]!).toBeLessThan(15);
  });

  it('resizes to `size`, and without it names two files of different sizes', async () => {
    const root = tmpDir();
    writePng(join(root, 'train/a/0.png'), 8, 8, new Uint8Array(64).fill(10));
    writePng(join(root, 'train/a/1.png'), 16, 12, new Uint8Array(192).fill(20));
    writePng(join(root, 'train/b/0.png'), 8, 8, new Uint8Array(64).fill(40));
    writePng(join(root, 'valid/a/0.png'), 8, 8, new Uint8Array(64).fill(30));
    await expect(ImageDataBunch.fromFolder(root, quiet)).rejects.toThrow(
      /different sizes: train\/a\/0\.png is 8×8.*train\/a\/1\.png is 16×12.*size/,
    );
    const data = await ImageDataBunch.fromFolder(root, { size: 6, bs: 1, ...quiet });
    expect([data.train.height, data.train.width]).toEqual([6, 6]);
    expect(data.train.set.pixels[36]).toBe(20);
    const wide = await ImageDataBunch.fromFolder(root, {
      size: [4, 8],
      resizeMethod: 'squish',
      bs: 1,
      ...quiet,
    });
    expect([wide.train.height, wide.train.width]).toEqual([4, 8]);
    await expect(ImageDataBunch.fromFolder(root, { size: 0 })).rejects.toThrow(/size must be/);
  });

  it('validPct takes a seeded random part of the training folder instead of `valid`', async () => {
    const root = tmpDir();
    makeImageFolder(root, { train: { a: 10, b: 10 } });
    const data = await ImageDataBunch.fromFolder(root, { validPct: 0.25, ...quiet });
    expect(data.train.size).toBe(15);
    expect(data.valid.size).toBe(5);
  });

  it('showBatch writes a PNG grid with a caption row per image', async () => {
    const root = tmpDir();
    makeImageFolder(root, { train: { '3': 6, '7': 6 }, valid: { '3': 2, '7': 2 } });
    const data = await ImageDataBunch.fromFolder(root, { bs: 8, ...quiet });
    const file = join(root, 'batch.png');
    expect(await data.showBatch(file, { rows: 2 })).toBe(file);
    const png = decodePng(readFileSync(file));
    // Images magnified ×10 (to ≥ 56 px tall); 2×2 cells of (80 + 4) px wide and
    // (60 + caption 2·7 + 4 + 4) px tall, plus the outer margin of 4 px.
    expect(png.width).toBe(2 * (8 * 10 + 4) + 4);
    expect(png.height).toBe(2 * (6 * 10 + 14 + 4 + 4) + 4);
    // The caption area below the first image holds dark (text) pixels.
    let dark = 0;
    for (let y = 4 + 60 + 2; y < 4 + 60 + 16; y++) {
      for (let x = 4; x < 4 + 20; x++) if (png.data[(y * png.width + x) * png.channels]! < 128) dark++;
    }
    expect(dark).toBeGreaterThan(5);
    await expect(data.showBatch(file, { rows: 0 })).rejects.toThrow(/rows/);
  });

  describe('bad input', () => {
    it('missing folder, missing split, class folder without images', async () => {
      const root = tmpDir();
      await expect(ImageDataBunch.fromFolder(join(root, 'nope'))).rejects.toThrow(/folder not found: .*nope/);
      makeImageFolder(root, { train: { a: 2, b: 1 } });
      await expect(ImageDataBunch.fromFolder(root)).rejects.toThrow(
        /'valid' split: folder not found: .*valid/,
      );
      makeImageFolder(root, { valid: { a: 1 } });
      mkdirSync(join(root, 'train', 'empty'));
      writeFileSync(join(root, 'train', 'empty', 'readme.txt'), 'not an image');
      await expect(ImageDataBunch.fromFolder(root)).rejects.toThrow(
        /class folder .*train\/empty holds no images/,
      );
    });

    it('a data set with one class is an error naming the class and the folder', async () => {
      const root = tmpDir();
      makeImageFolder(root, { train: { '3': 2 }, valid: { '3': 1 } });
      const train = join(root, 'train');
      await expect(ImageDataBunch.fromFolder(root, quiet)).rejects.toThrow(
        `fromFolder: found one class '3' in ${train}: need at least two`,
      );
      await expect(ImageDataBunch.fromFolder(root, { ...quiet, validPct: 0.5 })).rejects.toThrow(
        `fromFolder: found one class '3' in ${train}: need at least two`,
      );
    });

    it('a validation class unknown to training is an error naming it', async () => {
      const root = tmpDir();
      makeImageFolder(root, { train: { a: 2, b: 1 }, valid: { a: 1, zebra: 1 } });
      await expect(ImageDataBunch.fromFolder(root)).rejects.toThrow(
        /valid\/zebra is not one of the training classes/,
      );
    });

    it('a corrupt or non-image file is an error naming it; skipBad skips with a warning listing them', async () => {
      const root = tmpDir();
      makeImageFolder(root, { train: { a: 3, b: 3 }, valid: { a: 1, b: 1 } });
      writeFileSync(join(root, 'train/a/bad.png'), 'this is text, not a PNG');
      const good = readFileSync(join(root, 'train/b/0.png'));
      writeFileSync(join(root, 'train/b/cut.png'), good.subarray(0, good.length - 30));
      await expect(ImageDataBunch.fromFolder(root, quiet)).rejects.toThrow(
        /train\/a\/bad\.png: not a PNG or JPEG/,
      );
      const warnings: string[] = [];
      const data = await ImageDataBunch.fromFolder(root, {
        skipBad: true,
        onWarning: (m) => warnings.push(m),
      });
      expect(data.train.size).toBe(6);
      expect(data.loadInfo?.skipped.map((s) => s.file)).toEqual(['train/a/bad.png', 'train/b/cut.png']);
      expect(warnings.join('\n')).toMatch(
        /skipped 2 unreadable image file\(s\):\n {2}train\/a\/bad\.png: .*\n {2}train\/b\/cut\.png/,
      );
      // Labels stay aligned after skipping: 3 a's then 3 b's.
      expect(Array.from(data.train.set.labels)).toEqual([0, 0, 0, 1, 1, 1]);
      // From the cache, the warning is repeated.
      const again: string[] = [];
      const cached = await ImageDataBunch.fromFolder(root, {
        skipBad: true,
        onWarning: (m) => again.push(m),
      });
      expect(cached.loadInfo?.fromCache).toBe(true);
      expect(again.join('\n')).toMatch(/train\/a\/bad\.png/);
    });

    it('bad options are rejected', async () => {
      const root = tmpDir();
      makeImageFolder(root, { train: { a: 2, b: 1 }, valid: { a: 1 } });
      await expect(ImageDataBunch.fromFolder(root, { bs: 0, ...quiet })).rejects.toThrow(/bs/);
      await expect(
        ImageDataBunch.fromFolder(root, { resizeMethod: 'x' as 'crop', ...quiet }),
      ).rejects.toThrow(/resizeMethod/);
    });
  });
});

describe('ImageDataBunch.fromCsv', () => {
  function csvFolder(): string {
    const root = tmpDir();
    makeImageFolder(root, { train: { '3': 6, '7': 4 } });
    const rows = ['name,label'];
    for (let i = 0; i < 6; i++) rows.push(`train/3/${i}.png,0`);
    for (let i = 0; i < 4; i++) rows.push(`train/7/${i}.png,1`);
    writeFileSync(join(root, 'labels.csv'), `${rows.join('\n')}\n`);
    return root;
  }

  it("reads fastai's labels.csv with a seeded validPct", async () => {
    const root = csvFolder();
    const data = await ImageDataBunch.fromCsv(root, {
      csvLabels: 'labels.csv',
      validPct: 0.2,
      bs: 2,
      ...quiet,
    });
    expect(data.classes).toEqual(['0', '1']);
    expect(data.train.size + data.valid.size).toBe(10);
    expect(data.valid.size).toBe(2);
    const labels = Array.from(data.train.set.labels);
    expect(labels.filter((l) => l === 0)).toHaveLength(6);
    const warm = await ImageDataBunch.fromCsv(root, { validPct: 0.2, ...quiet });
    expect(warm.loadInfo?.fromCache).toBe(true);
    // Changing the labels file invalidates the cache.
    writeFileSync(
      join(root, 'labels.csv'),
      readFileSync(join(root, 'labels.csv'), 'utf8').replace('3/0.png,0', '3/0.png,1'),
    );
    const relabelled = await ImageDataBunch.fromCsv(root, { validPct: 0.2, ...quiet });
    expect(relabelled.loadInfo?.fromCache).toBe(false);
  });

  it('rows pointing to missing files are an error naming the rows and files', async () => {
    const root = csvFolder();
    writeFileSync(
      join(root, 'labels.csv'),
      'name,label\ntrain/3/0.png,0\ntrain/3/404.png,0\ntrain/9/1.png,1\n',
    );
    await expect(ImageDataBunch.fromCsv(root, quiet)).rejects.toThrow(
      /2 row\(s\) of .*labels\.csv point to missing files.*\n {2}line 3: train\/3\/404\.png\n {2}line 4: train\/9\/1\.png/s,
    );
    await expect(ImageDataBunch.fromCsv(root, { csvLabels: 'none.csv' })).rejects.toThrow(
      /labels file not found/,
    );
    writeFileSync(join(root, 'labels.csv'), 'name,label\njust-one-field\n');
    await expect(ImageDataBunch.fromCsv(root)).rejects.toThrow(/line 2: expected 'name,label'/);
    expect(existsSync(join(root, decodeCacheFolder))).toBe(false);
  });

  it('labels with one class are an error naming the class and the file', async () => {
    const root = csvFolder();
    writeFileSync(join(root, 'labels.csv'), 'name,label\ntrain/3/0.png,3\ntrain/3/1.png,3\n');
    await expect(ImageDataBunch.fromCsv(root, quiet)).rejects.toThrow(
      `fromCsv: found one class '3' in ${join(root, 'labels.csv')}: need at least two`,
    );
  });
});
