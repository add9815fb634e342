import { open, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import {
  ensureDirSync,
  removeOrphanTempsSync,
  resolveWriteTargetSync,
  tempPath,
} from '@onecycle/atomic-file';

/** Where a command writes: the results folder and, for `fit`, the checkpoint file. */
export interface OutputPaths {
  /** `--out`: the folder for plots. */
  out: string;
  /** `--save`: the checkpoint file, if any. */
  save?: string;
}

/** Creates and deletes a file in `dir`: the folder exists and is writable. */
async function probeWritable(dir: string): Promise<void> {
  const probe = tempPath(join(dir, '.onecycle-probe'));
  const fh = await open(probe, 'wx');
  await fh.close();
  await rm(probe, { force: true });
}

async function checked<T>(option: string, path: string, what: () => Promise<T>): Promise<T> {
  try {
    return await what();
  } catch (e) {
    throw new Error(`${option} ${path}: ${(e as Error).message}`);
  }
}

/**
 * Checks the output paths before any training, so that a bad one fails in a second and not after
 * the run: `--out` is (or can be made) a writable folder; `--save` is not a directory or another
 * non-file (a symbolic link is followed), and its folder is writable. Removes the temporary files
 * that killed saves left there. Resolves to the paths of the removed leftovers.
 */
export async function checkOutputPaths(paths: OutputPaths): Promise<string[]> {
  const removed: string[] = [];
  await checked('--out', paths.out, async () => {
    ensureDirSync(paths.out);
    await probeWritable(paths.out);
    removed.push(...removeOrphanTempsSync(paths.out));
  });
  const save = paths.save;
  if (save !== undefined) {
    await checked('--save', save, async () => {
      const target = resolveWriteTargetSync(save);
      ensureDirSync(dirname(target));
      await probeWritable(dirname(target));
      removed.push(...removeOrphanTempsSync(dirname(target), basename(target)));
    });
  }
  return removed;
}
