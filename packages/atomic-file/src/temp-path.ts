import { randomBytes } from 'node:crypto';
import { readdirSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, join } from 'node:path';
import { errorCode } from './file-kind.js';

const host = (): string => hostname().replace(/[^A-Za-z0-9_]/g, '_') || 'host';

const TEMP_PATTERN = /^(.+)\.([A-Za-z0-9_]+)-(\d+)-[0-9a-f]{8}\.tmp$/;

/**
 * The temporary name a file (or folder) is written under before it is renamed to `target`:
 * `<target>.<host>-<pid>-<random>.tmp`, next to the target so that the rename stays on one file
 * system. The host and process id let {@link removeOrphanTempsSync} tell a killed writer's
 * leftovers from the work of a live one, also in a folder shared between machines.
 *
 * @example
 * ```ts
 * import { tempPath } from '@onecycle/atomic-file';
 * tempPath('/data/archives/mnist.tgz'); // '/data/archives/mnist.tgz.box-4242-9f3a0c1e.tmp'
 * ```
 */
export function tempPath(target: string): string {
  return `${target}.${host()}-${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0); // signal 0: only checks that the process exists
    return true;
  } catch (e) {
    return errorCode(e) === 'EPERM'; // exists, owned by another user
  }
}

/**
 * Removes the temporaries ({@link tempPath}: files, or folders with their contents) that writers
 * killed mid-write left in `dir`: those of this host whose process is gone. With `file`, only
 * those of that file name. An entry of a running process, or one written on another host, is
 * never touched. Returns the removed paths; a missing folder has none.
 *
 * @example
 * ```ts
 * import { removeOrphanTempsSync } from '@onecycle/atomic-file';
 * for (const p of removeOrphanTempsSync('models', 'stage-1.safetensors')) console.warn(`removed ${p}`);
 * ```
 */
export function removeOrphanTempsSync(dir: string, file?: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    if (errorCode(e) === 'ENOENT' || errorCode(e) === 'ENOTDIR') return [];
    throw e;
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = TEMP_PATTERN.exec(name);
    if (!m || (file !== undefined && m[1] !== basename(file)) || m[2] !== host() || alive(Number(m[3])))
      continue;
    const p = join(dir, name);
    rmSync(p, { recursive: true, force: true });
    removed.push(p);
  }
  return removed;
}
