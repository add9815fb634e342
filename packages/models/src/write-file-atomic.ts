import { randomBytes } from 'node:crypto';
import { lstat, mkdir, open, readdir, readlink, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

const MAX_LINKS = 40;

/** What a path names when it is not a regular file, for error messages. */
function kindOf(s: {
  isFile(): boolean;
  isDirectory(): boolean;
  isFIFO(): boolean;
  isSocket(): boolean;
}): string {
  if (s.isFile()) return 'a file';
  if (s.isDirectory()) return 'a directory';
  if (s.isFIFO()) return 'a FIFO';
  if (s.isSocket()) return 'a socket';
  return 'a device';
}

function code(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException)?.code;
}

/**
 * Where a write to `path` must go: symbolic links followed to their final target (which may not
 * exist yet). Throws when the target exists and is not a regular file (a directory, a device, a
 * FIFO, a socket), or when the links loop.
 *
 * @example
 * ```ts
 * const target = await resolveWriteTarget('latest.st'); // '/data/run-3.st' if latest.st links there
 * ```
 */
export async function resolveWriteTarget(path: string): Promise<string> {
  if (typeof path !== 'string' || path === '')
    throw new TypeError('write: the path must be a non-empty string');
  let target = resolve(path);
  for (let hops = 0; ; hops++) {
    let s: Awaited<ReturnType<typeof lstat>>;
    try {
      s = await lstat(target);
    } catch (e) {
      // Missing (or under a file): the folder check of the write names the cause.
      if (code(e) === 'ENOENT' || code(e) === 'ENOTDIR') return target;
      throw new Error(`${path}: cannot inspect ${target}: ${(e as Error).message}`);
    }
    if (s.isSymbolicLink()) {
      if (hops >= MAX_LINKS) throw new Error(`${path}: too many levels of symbolic links (a loop?)`);
      target = resolve(dirname(target), await readlink(target));
      continue;
    }
    if (!s.isFile()) {
      const via = target === resolve(path) ? '' : ` (the target of the link, ${target})`;
      throw new Error(`${path}${via} is ${kindOf(s)}, not a regular file: give the path of a file`);
    }
    return target;
  }
}

/**
 * Creates a folder and its missing parents, one level at a time (Node's own recursive `mkdir`
 * never returns on some paths, e.g. under `/proc`). Throws, naming the folder, when a part of the
 * path is not a folder or a level cannot be created.
 *
 * @example
 * ```ts
 * await ensureDir('out/plots');
 * ```
 */
export async function ensureDir(dir: string): Promise<void> {
  const abs = resolve(dir);
  const missing: string[] = [];
  let at = abs;
  for (;;) {
    const s = await stat(at).catch((e: unknown) => {
      if (code(e) === 'ENOENT') return undefined;
      throw new Error(`cannot create the folder ${dir}: ${(e as Error).message}`);
    });
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
      await mkdir(d);
    } catch (e) {
      if (code(e) === 'EEXIST' && (await stat(d)).isDirectory()) continue;
      throw new Error(`cannot create the folder ${d}: ${(e as Error).message}`);
    }
  }
}

/**
 * The temporary name {@link writeFileAtomic} writes `target` under first: next to it, with the
 * writing process' id (so that {@link removeOrphanTemps} can tell a killed writer's leftovers).
 */
function tempName(target: string): string {
  return `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
}

/**
 * Writes `data` to `path` atomically: into a temporary file next to the target, flushed to disk,
 * then renamed over it — a reader sees the old file or the new one, never a partial one. A
 * symbolic link is followed: its target is replaced and the link stays. A directory, device, FIFO
 * or socket at the path is refused with an error naming it. Missing parent folders are created.
 *
 * @example
 * ```ts
 * import { writeFileAtomic } from '@onecycle/models/node';
 * await writeFileAtomic('models/stage-1.safetensors', bytes);
 * ```
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const target = await resolveWriteTarget(path);
  await ensureDir(dirname(target));
  const tmp = tempName(target);
  try {
    const fh = await open(tmp, 'wx');
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, target);
  } catch (e) {
    await rm(tmp, { force: true });
    throw new Error(`cannot write ${path}: ${(e as Error).message}`);
  }
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return code(e) === 'EPERM';
  }
}

const TEMP_PATTERN = /^(.+)\.(\d+)\.[0-9a-f]{8}\.tmp$/;

/**
 * Removes the temporary files that writers killed during {@link writeFileAtomic} left in `dir`
 * (their process is gone); with `file`, only those of that file. Resolves to the removed paths.
 * A missing folder has none.
 *
 * @example
 * ```ts
 * const removed = await removeOrphanTemps('models', 'stage-1.safetensors');
 * ```
 */
export async function removeOrphanTemps(dir: string, file?: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    if (code(e) === 'ENOENT' || code(e) === 'ENOTDIR') return [];
    throw e;
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = TEMP_PATTERN.exec(name);
    if (!m || (file !== undefined && m[1] !== basename(file)) || alive(Number(m[2]))) continue;
    const p = join(dir, name);
    await rm(p, { force: true });
    removed.push(p);
  }
  return removed;
}
