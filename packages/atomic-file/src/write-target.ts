import { lstatSync, readlinkSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { errorCode, kindOf } from './file-kind.js';

const MAX_LINKS = 40;

/**
 * Where a write to `path` must go: symbolic links followed to their final target (which may not
 * exist yet). Throws when the target exists and is not a regular file (a directory, a device, a
 * FIFO, a socket), or when the links loop.
 *
 * @example
 * ```ts
 * import { resolveWriteTargetSync } from '@onecycle/atomic-file';
 * resolveWriteTargetSync('latest.st'); // '/data/run-3.st' if latest.st links there
 * ```
 */
export function resolveWriteTargetSync(path: string): string {
  if (typeof path !== 'string' || path === '')
    throw new TypeError('write: the path must be a non-empty string');
  let target = resolve(path);
  for (let hops = 0; ; hops++) {
    let s: Stats;
    try {
      s = lstatSync(target);
    } catch (e) {
      // Missing (or under a file): the folder check of the write names the cause.
      if (errorCode(e) === 'ENOENT' || errorCode(e) === 'ENOTDIR') return target;
      throw new Error(`${path}: cannot inspect ${target}: ${(e as Error).message}`);
    }
    if (s.isSymbolicLink()) {
      if (hops >= MAX_LINKS) throw new Error(`${path}: too many levels of symbolic links (a loop?)`);
      target = resolve(dirname(target), readlinkSync(target));
      continue;
    }
    if (!s.isFile()) {
      const via = target === resolve(path) ? '' : ` (the target of the link, ${target})`;
      throw new Error(`${path}${via} is ${kindOf(s)}, not a regular file: give the path of a file`);
    }
    return target;
  }
}
