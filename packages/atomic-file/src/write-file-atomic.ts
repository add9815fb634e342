import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { type FileHandle, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ensureDirSync } from './ensure-dir.js';
import { tempPath } from './temp-path.js';
import { resolveWriteTargetSync } from './write-target.js';

/**
 * What {@link writeFileAtomic} writes: text (UTF-8), bytes, or several byte arrays written one
 * after the other (no copy into one buffer).
 *
 * @example
 * ```ts
 * const data: FileData = [header, body];
 * ```
 */
export type FileData = string | Uint8Array | readonly Uint8Array[];

function chunks(data: FileData): readonly Uint8Array[] {
  if (typeof data === 'string') return [Buffer.from(data, 'utf8')];
  return data instanceof Uint8Array ? [data] : data;
}

/** The final target of `path` (folders created) and a fresh temporary name next to it. */
function prepare(path: string): { target: string; tmp: string } {
  const target = resolveWriteTargetSync(path);
  ensureDirSync(dirname(target));
  return { target, tmp: tempPath(target) };
}

const failure = (path: string, e: unknown): Error =>
  new Error(`cannot write ${path}: ${(e as Error).message}`, { cause: e });

/**
 * Writes `data` to `path` atomically: into a temporary file next to the target
 * ({@link tempPath}), flushed to disk, then renamed over it — a reader sees the old file or the
 * new one, never a partial one. A symbolic link is followed: its target is replaced and the link
 * stays. A directory, device, FIFO or socket at the path is refused with an error naming it.
 * Missing parent folders are created. On failure the temporary file is removed.
 *
 * @example
 * ```ts
 * import { writeFileAtomic } from '@onecycle/atomic-file';
 * await writeFileAtomic('models/stage-1.safetensors', bytes);
 * ```
 */
export async function writeFileAtomic(path: string, data: FileData): Promise<void> {
  const { target, tmp } = prepare(path);
  await flushAndRename(tmp, target, path, async (fh) => {
    for (const chunk of chunks(data)) await fh.writeFile(chunk);
  });
}

/**
 * {@link writeFileAtomic} for code that cannot wait (e.g. a cache written in the middle of a
 * synchronous load): the same temporary file, flush, rename, checks and errors.
 *
 * @example
 * ```ts
 * import { writeFileAtomicSync } from '@onecycle/atomic-file';
 * writeFileAtomicSync('.cache/images.bin', [body, trailer]);
 * ```
 */
export function writeFileAtomicSync(path: string, data: FileData): void {
  const { target, tmp } = prepare(path);
  try {
    const fd = openSync(tmp, 'wx');
    try {
      for (const chunk of chunks(data)) {
        for (let off = 0; off < chunk.length; ) off += writeSync(fd, chunk, off, chunk.length - off);
      }
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, target);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw failure(path, e);
  }
}

/**
 * Finishes a file that was written to a {@link tempPath} by other means (e.g. a download streamed
 * to disk): flushes it to disk and renames it to `target`. On failure the temporary file is
 * removed and the error names `target`.
 *
 * @example
 * ```ts
 * import { commitTemp, tempPath } from '@onecycle/atomic-file';
 * const part = tempPath(file);
 * await pipeline(response, createWriteStream(part));
 * await commitTemp(part, file);
 * ```
 */
export async function commitTemp(tmp: string, target: string): Promise<void> {
  await flushAndRename(tmp, target, target);
}

/**
 * Opens `tmp` (created by `write`, or already written), flushes it to disk and renames it to
 * `target`; on failure removes it and throws an error naming `path`.
 */
async function flushAndRename(
  tmp: string,
  target: string,
  path: string,
  write?: (fh: FileHandle) => Promise<void>,
): Promise<void> {
  try {
    const fh = await open(tmp, write ? 'wx' : 'r+');
    try {
      await write?.(fh);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, target);
  } catch (e) {
    await rm(tmp, { force: true });
    throw failure(path, e);
  }
}
