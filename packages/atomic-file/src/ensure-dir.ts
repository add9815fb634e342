import { mkdirSync, type Stats, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { errorCode, kindOf } from './file-kind.js';

/**
 * Creates a folder and its missing parents, one level at a time (Node's own recursive `mkdir`
 * never returns on some paths, e.g. under `/proc`). Throws, naming the folder, when a part of the
 * path is not a folder or a level cannot be created.
 *
 * @example
 * ```ts
 * import { ensureDirSync } from '@onecycle/atomic-file';
 * ensureDirSync('out/plots');
 * ```
 */
export function ensureDirSync(dir: string): void {
  const abs = resolve(dir);
  const missing: string[] = [];
  let at = abs;
  for (;;) {
    let s: Stats | undefined;
    try {
      s = statSync(at);
    } catch (e) {
      if (errorCode(e) !== 'ENOENT')
        throw new Error(`cannot create the folder ${dir}: ${(e as Error).message}`);
    }
    if (s !== undefined) {
      if (!s.isDirectory()) throw new Error(`cannot create the folder ${dir}: ${at} is ${kindOf(s)}`);
      break;
    }
    missing.push(at);
    const up = dirname(at);
    if (up === at) throw new Error(`cannot create the folder ${dir}: no part of it exists`);
    at = up;
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
    } catch (e) {
      if (errorCode(e) === 'EEXIST' && statSync(d).isDirectory()) continue;
      throw new Error(`cannot create the folder ${d}: ${(e as Error).message}`);
    }
  }
}
