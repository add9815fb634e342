import { type Dirent, readdirSync, readlinkSync, realpathSync, type Stats, statSync } from 'node:fs';
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
  let st: Stats;
  try {
    st = statSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') throw linkLoop(path, what);
    throw new Error(`${what}: folder not found: ${path}`);
  }
  if (!st.isDirectory()) throw new Error(`${what}: not a folder: ${path}`);
}

function linkLoop(path: string, what: string): Error {
  return new Error(`${what}: ${path} is a symbolic link loop (it leads back to itself)`);
}

/**
 * What a folder entry is once symbolic links are followed: `'dir'`, `'file'` or `'other'`. A link
 * whose target is missing, or a cycle of links, is an Error naming the link: data behind it would
 * otherwise be silently left out.
 */
function entryKind(dir: string, entry: Dirent, what: string): 'dir' | 'file' | 'other' {
  if (entry.isDirectory()) return 'dir';
  if (entry.isFile()) return 'file';
  if (!entry.isSymbolicLink()) return 'other';
  const path = join(dir, entry.name);
  let st: Stats;
  try {
    st = statSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') throw linkLoop(path, what);
    throw new Error(
      `${what}: ${path} is a broken symbolic link (its target ${readlinkSync(path)} does not exist)`,
    );
  }
  return st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other';
}

/**
 * Sub-folder names of `dir` (not hidden), sorted. Symbolic links to folders count as folders; a
 * broken link or a link loop is an Error naming it (`what` prefixes the message).
 *
 * @example
 * ```ts
 * subFolders('/data/mnist_sample/train'); // ['3', '7']
 * ```
 */
export function subFolders(dir: string, what = dir): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => !d.name.startsWith('.') && entryKind(dir, d, what) === 'dir')
    .map((d) => d.name)
    .sort();
}

/**
 * Image file names in `dir` (see {@link isImageFile}), sorted. Symbolic links to files count as
 * files; a broken link or a link loop named like an image is an Error naming it.
 *
 * @example
 * ```ts
 * imageFiles('/data/mnist_sample/train/3'); // ['10.png', '10005.png', …]
 * ```
 */
export function imageFiles(dir: string, what = dir): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => isImageFile(d.name) && entryKind(dir, d, what) === 'file')
    .map((d) => d.name)
    .sort();
}

/**
 * Lists `<root>/<split>/<class>/<image>` files. `classes` defaults to the split's sub-folder names
 * (sorted); a sub-folder outside a given `classes` list, or a class folder holding no image, is an
 * Error naming the folder. Files are sorted by name within a class. Symbolic links to class
 * folders and to images are followed; a broken link, a link loop, or two class folders that are
 * one folder through a link are Errors naming them.
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
  const what = `'${split}' split`;
  requireDirectory(dir, what);
  const found = subFolders(dir, what);
  if (found.length === 0) throw new Error(`${what}: ${dir} has no class sub-folders`);
  const names = classes ? [...classes] : found;
  const items: LabelledFile[] = [];
  const real = new Map<string, string>();
  for (const cls of found) {
    const label = names.indexOf(cls);
    if (label < 0) {
      throw new Error(
        `${what}: class folder ${join(dir, cls)} is not one of the training classes [${names.join(', ')}]`,
      );
    }
    const folder = realpathSync(join(dir, cls));
    const same = real.get(folder);
    if (same !== undefined) {
      throw new Error(
        `${what}: class folders ${join(dir, same)} and ${join(dir, cls)} are the same folder ${folder} (through a symbolic link)`,
      );
    }
    real.set(folder, cls);
    const files = imageFiles(join(dir, cls), what);
    if (files.length === 0) {
      throw new Error(
        `${what}: class folder ${join(dir, cls)} holds no images (${imageExtensions.join(', ')})`,
      );
    }
    for (const f of files) items.push({ file: `${split}/${cls}/${f}`, label });
  }
  return { classes: names, items };
}
