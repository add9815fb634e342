// Image folders assembled with symbolic links: linked class folders and images are part of the
// data set (not silently left out); broken links and link loops are errors naming the link.
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ImageDataBunch, listImageFolder } from '../src/node.js';
import { cleanupTmp, makeImageFolder, tmpDir } from './helpers.js';

afterAll(cleanupTmp);

const quiet = { onWarning: () => {}, cache: false };

describe('symbolic links in image folders', () => {
  it('follows a linked class folder and linked image files', async () => {
    const root = tmpDir();
    const elsewhere = tmpDir();
    makeImageFolder(root, { train: { '3': 4, '7': 4 }, valid: { '3': 2 } });
    makeImageFolder(elsewhere, { seven: { files: 3 }, extra: { files: 1 } });
    symlinkSync(join(elsewhere, 'seven', 'files'), join(root, 'valid', '7'), 'dir');
    symlinkSync(join(elsewhere, 'extra', 'files', '0.png'), join(root, 'valid', '3', 'linked.png'), 'file');
    const { classes, items } = listImageFolder(root, 'valid', ['3', '7']);
    expect(classes).toEqual(['3', '7']);
    expect(items).toEqual([
      { file: 'valid/3/0.png', label: 0 },
      { file: 'valid/3/1.png', label: 0 },
      { file: 'valid/3/linked.png', label: 0 },
      { file: 'valid/7/0.png', label: 1 },
      { file: 'valid/7/1.png', label: 1 },
      { file: 'valid/7/2.png', label: 1 },
    ]);
    const data = await ImageDataBunch.fromFolder(root, quiet);
    expect(data.valid.size).toBe(6);
    expect(Array.from(data.valid.set.labels)).toEqual([0, 0, 0, 1, 1, 1]);
  });

  it('a link loop is an error naming the link', async () => {
    const root = tmpDir();
    makeImageFolder(root, { train: { a: 2, b: 2 }, valid: { a: 1, b: 1 } });
    symlinkSync(join(root, 'valid', 'c'), join(root, 'valid', 'c'));
    await expect(ImageDataBunch.fromFolder(root, quiet)).rejects.toThrow(
      /'valid' split: .*valid\/c is a symbolic link loop/,
    );
    const other = tmpDir();
    makeImageFolder(other, { train: { a: 2, b: 2 }, valid: { a: 1, b: 1 } });
    symlinkSync(join(other, 'train', 'a', 'y.png'), join(other, 'train', 'a', 'x.png'));
    symlinkSync(join(other, 'train', 'a', 'x.png'), join(other, 'train', 'a', 'y.png'));
    await expect(ImageDataBunch.fromFolder(other, quiet)).rejects.toThrow(
      /'train' split: .*train\/a\/x\.png is a symbolic link loop/,
    );
    const split = tmpDir();
    makeImageFolder(split, { train: { a: 2, b: 2 } });
    symlinkSync(join(split, 'valid'), join(split, 'valid'));
    await expect(ImageDataBunch.fromFolder(split, quiet)).rejects.toThrow(
      /'valid' split: .*valid is a symbolic link loop/,
    );
  });

  it('a link back to an ancestor is visited once: it holds folders, not images', async () => {
    const root = tmpDir();
    makeImageFolder(root, { train: { a: 2, b: 2 }, valid: { a: 1, b: 1 } });
    symlinkSync(join(root, 'valid'), join(root, 'valid', 'b2'));
    symlinkSync(join(root, 'train'), join(root, 'train', 'b2'));
    await expect(ImageDataBunch.fromFolder(root, quiet)).rejects.toThrow(
      /'train' split: class folder .*train\/b2 holds no images/,
    );
  });

  it('a broken link, or two class folders that are one folder, is an error naming them', async () => {
    const root = tmpDir();
    makeImageFolder(root, { train: { a: 2, b: 2 }, valid: { a: 1, b: 1 } });
    symlinkSync(join(root, 'nowhere'), join(root, 'valid', 'c'));
    await expect(ImageDataBunch.fromFolder(root, quiet)).rejects.toThrow(
      /'valid' split: .*valid\/c is a broken symbolic link \(its target .*nowhere does not exist\)/,
    );
    const twice = tmpDir();
    makeImageFolder(twice, { train: { a: 2, b: 2 }, valid: { a: 1, b: 1 } });
    symlinkSync(join(twice, 'train', 'a'), join(twice, 'train', 'c'));
    await expect(ImageDataBunch.fromFolder(twice, quiet)).rejects.toThrow(
      /'train' split: class folders .*train\/a and .*train\/c are the same folder/,
    );
  });
});
