import { readdirSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/**
 * Kinds of temporary entries written next to their final name: an extraction in progress
 * (`extract`, a hidden folder), a folder being replaced (`old`, hidden), a download (`part`), a
 * cache file being written (`tmp`).
 *
 * @example
 * ```ts
 * const kinds: TemporaryKind[] = ['extract', 'old'];
 * ```
 */
export type TemporaryKind = 'extract' | 'old' | 'part' | 'tmp';

const host = (): string => hostname().replace(/[^A-Za-z0-9]/g, '_') || 'host';

const hidden: readonly TemporaryKind[] = ['extract', 'old'];

/**
 * The name of a temporary file or folder for `base` (an extraction, a download, a cache file being
 * written): `<base>.<kind>-<host>-<pid>-<random>`. The host and process id let a later run tell a
 * leftover of a stopped process from the work of a live one (see {@link removeStaleTemporaries}).
 *
 * @example
 * ```ts
 * temporaryName('/data/.mnist_sample', 'extract'); // '/data/.mnist_sample.extract-box-4242-k3j9x2'
 * ```
 */
export function temporaryName(base: string, kind: TemporaryKind): string {
  return `${base}.${kind}-${host()}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}

function processRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0); // signal 0: only checks that the process exists
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by another user
  }
}

/**
 * Removes the temporaries of the given kinds in `dir` (named by {@link temporaryName}; `extract`
 * and `old` ones are hidden) whose process is gone: folders of extractions and partial downloads
 * left by a killed run. An entry of a running process, or one written on another host (a shared
 * data folder), is never touched. Returns the removed paths.
 *
 * @example
 * ```ts
 * for (const p of removeStaleTemporaries(dataDir(), ['extract', 'old'])) console.warn(`removed ${p}`);
 * ```
 */
export function removeStaleTemporaries(dir: string, kinds: readonly TemporaryKind[]): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const pattern = new RegExp(
    `\\.(?<kind>${kinds.join('|')})-(?:(?<host>[A-Za-z0-9_]+)-)?(?<pid>\\d+)-[a-z0-9]{1,13}$`,
  );
  const removed: string[] = [];
  for (const name of names) {
    const m = pattern.exec(name);
    if (!m?.groups) continue;
    if (hidden.includes(m.groups.kind as TemporaryKind) && !name.startsWith('.')) continue;
    if (m.groups.host !== undefined && m.groups.host !== host()) continue;
    if (processRunning(Number(m.groups.pid))) continue;
    const path = join(dir, name);
    rmSync(path, { recursive: true, force: true });
    removed.push(path);
  }
  return removed;
}
