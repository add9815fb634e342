import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * File extensions treated as images (lower case). Other files in class folders are ignored, as
 * fastai's `get_image_files` does; a file with one of these extensions that is not a readable
 * image is an error (or skipped with `skipBad`).
 *
 * @example
 * ```ts
 * imageExtensions.includes('.png'); // true
 * ```
 */
export const imageExtensions: readonly string[] = ['.png', '.jpg', '.jpeg'];

/**
 * An image file (path relative to the data folder, `/`-separated) and its class index.
 *
 * @example
 * ```ts
 * const item: LabelledFile = { file: 'train/3/7.png', label: 0 };
 * ```
 */
export interface LabelledFile {
  readonly file: string;
  readonly label: number;
}

/**
 * True when `name` ends with one of {@link imageExtensions} and is not hidden.
 *
 * @example
 * ```ts
 * isImageFile('7.PNG'); // true
 * ```
 */
export function isImageFile(name: string): boolean {
  if (name.startsWith('.')) return false;
  const dot = name.lastIndexOf('.');
  return dot > 0 && imageExtensions.includes(name.slice(dot).toLowerCase());
}

/**
 * Throws an Error naming `path` unless it is an existing directory.
 *
 * @example
 * ```ts
 * requireDirectory('/data/mnist_sample', 'fromFolder: path');
 * ```
 */
export function requireDirectory(path: string, what: string): void {
  let isDir = false;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    throw new Error(`${what}: folder not found: ${path}`);
  }
  if (!isDir) throw new Error(`${what}: not a folder: ${path}`);
}

/**
 * Sub-folder names of `dir` (not hidden), sorted.
 *
 * @example
 * ```ts
 * subFolders('/data/mnist_sample/train'); // ['3', '7']
 * ```
 */
export function subFolders(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
    .map((d) => d.name)
    .sort();
}

/**
 * Lists `<root>/<split>/<class>/<image>` files. `classes` defaults to the split's sub-folder names
 * (sorted); a sub-folder outside a given `classes` list, or a class folder holding no image, is an
 * Error naming the folder. Files are sorted by name within a class.
 *
 * @example
 * ```ts
 * const { classes, items } = listImageFolder('/data/mnist_sample', 'train');
 * ```
 */
export function listImageFolder(
  root: string,
  split: string,
  classes?: readonly string[],
): { classes: string[]; items: LabelledFile[] } {
  const dir = join(root, split);
  requireDirectory(dir, `'${split}' split`);
  const found = subFolders(dir);
  if (found.length === 0) throw new Error(`'${split}' split: ${dir} has no class sub-folders`);
  const names = classes ? [...classes] : found;
  const items: LabelledFile[] = [];
  for (const cls of found) {
    const label = names.indexOf(cls);
    if (label < 0) {
      throw new Error(
        `'${split}' split: class folder ${join(dir, cls)} is not one of the training classes [${names.join(', ')}]`,
      );
    }
    const files = readdirSync(join(dir, cls)).filter(isImageFile).sort();
    if (files.length === 0) {
      throw new Error(
        `'${split}' split: class folder ${join(dir, cls)} holds no images (${imageExtensions.join(', ')})`,
      );
    }
    for (const f of files) items.push({ file: `${split}/${cls}/${f}`, label });
  }
  return { classes: names, items };
}
