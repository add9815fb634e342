import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ensureDirSync, removeOrphanTempsSync, tempPath } from '@onecycle/atomic-file';
import { Parser, type ReadEntry } from 'tar';
import { type Checksum, describeChecksum, hashFile } from './checksum.js';
import { dataDir } from './data-dir.js';
import { type DownloadOptions, downloadFile } from './download.js';
import { type DataSource, URLs } from './urls.js';

/**
 * Options of {@link untarData}.
 *
 * @example
 * ```ts
 * const opts: UntarOptions = { dest: '/tmp/data', force: false, retries: 2 };
 * ```
 */
export interface UntarOptions extends DownloadOptions {
  /** Data directory (default `$ONECYCLE_DATA`, else `~/.onecycle/data`). */
  dest?: string;
  /** Download (or copy) and extract again even when the folder exists. */
  force?: boolean;
  /**
   * Use the archive shipped with the project that `source.shipped` names (MNIST_SAMPLE's) without
   * trying the network when it is installed (default true). With false the URL is tried first and
   * the shipped archive is the fallback when it cannot be reached.
   */
  preferShipped?: boolean;
  /**
   * A local copy of the archive (e.g. bundled with an application), treated like the shipped
   * MNIST_SAMPLE: used first without a request, or as the fallback with `preferShipped: false`.
   * It must match `source.checksum` (a copy of the file at the URL) or `source.shipped` (a copy of
   * the shipped archive).
   */
  localArchive?: string;
  /** Receives notices (shipped archive used, fallback taken); default `console.warn`. */
  onNotice?: (message: string) => void;
}

/** The optional peer package that ships the MNIST_SAMPLE archive. */
const SAMPLE_PACKAGE = '@onecycle/mnist-sample';

/**
 * The archive and SHA-256 exported by `@onecycle/mnist-sample`, or null when that optional peer
 * package is not installed.
 */
async function mnistSamplePackage(): Promise<{ archive: string; sha256: string } | null> {
  try {
    const m = await import('@onecycle/mnist-sample');
    return { archive: m.mnistSampleArchive, sha256: m.mnistSampleSha256 };
  } catch (err) {
    // Node's "Cannot find package" error, possibly wrapped by a loader (as its cause).
    for (const e of [err, (err as Error).cause] as NodeJS.ErrnoException[]) {
      if (e?.code === 'ERR_MODULE_NOT_FOUND' && String(e.message).includes(SAMPLE_PACKAGE)) return null;
    }
    throw err;
  }
}

/**
 * The archive shipped with the project for a SHA-256 (a {@link DataSource}'s `shipped`), if any:
 * MNIST_SAMPLE's archive from the optional peer package `@onecycle/mnist-sample`, when it is
 * installed and the SHA-256 is its own. `untarData` uses it without touching the network. Any
 * other checksum (e.g. fastai's size and MD5 of the first MiB) names no shipped archive: null.
 *
 * @example
 * ```ts
 * await shippedArchive(URLs.MNIST_SAMPLE.shipped); // path inside @onecycle/mnist-sample, or null
 * ```
 */
export async function shippedArchive(checksum: Checksum): Promise<string | null> {
  if (!('sha256' in checksum)) return null;
  const sample = await mnistSamplePackage();
  if (sample && checksum.sha256.toLowerCase() === sample.sha256 && existsSync(sample.archive)) {
    return sample.archive;
  }
  return null;
}

/** True when a source's shipped archive is the one `@onecycle/mnist-sample` ships. */
function isShippedSample(source: DataSource): boolean {
  return source.shipped?.sha256.toLowerCase() === URLs.MNIST_SAMPLE.shipped.sha256;
}

const noticed = new Set<string>();

function noticeOnce(key: string, message: string, onNotice: ((m: string) => void) | undefined): void {
  if (onNotice) {
    onNotice(message);
    return;
  }
  if (noticed.has(key)) return;
  noticed.add(key);
  console.warn(message);
}

function archiveName(source: DataSource): string {
  const name = basename(new URL(source.url).pathname);
  return name || `${source.folder}.tgz`;
}

/**
 * fastai's `untar_data`: returns the folder of a data set, downloading and extracting its archive
 * the first time. A second call returns at once (no request) while the folder exists.
 *
 * - The data directory is `dest`, else `$ONECYCLE_DATA`, else `~/.onecycle/data`; archives are
 *   kept in `<dir>/archives/`, data sets extracted to `<dir>/<source.folder>`.
 * - Downloads stream to a temporary file, are verified against `source.checksum` (the check of
 *   the file at the URL) and renamed;
 *   extraction goes to a temporary folder next to the target, renamed when complete — an
 *   interrupted or corrupt download never leaves a folder that looks valid. Temporaries left by a
 *   killed process (hidden `.<folder>.<host>-<pid>-….tmp` folders, `archives/*.tmp` files) are removed by
 *   the next call on the same host (said in a notice); those of a running process are kept. Network failures are
 *   retried with backoff; a checksum mismatch or HTTP 404 is an Error naming the URL.
 * - Offline first: when the project ships the archive `source.shipped` names (MNIST_SAMPLE's
 *   rebuilt archive, in the optional peer package `@onecycle/mnist-sample`, used when installed),
 *   it is verified against `source.shipped.sha256` and used directly; the network is never
 *   touched, so the demo never waits on a timeout. With `preferShipped: false` the URL is tried
 *   first and the shipped archive is the fallback (said once). Without that package, MNIST_SAMPLE
 *   is downloaded (fastai's original file, verified with fastai's checksum); when that fails the
 *   error says to install the package.
 *
 * @example
 * ```ts
 * const path = await untarData(URLs.MNIST_SAMPLE);
 * const data = await ImageDataBunch.fromFolder(path);
 * ```
 */
export async function untarData(source: DataSource, options: UntarOptions = {}): Promise<string> {
  if (!source || typeof source.url !== 'string' || typeof source.folder !== 'string' || !source.checksum) {
    throw new TypeError(
      'untarData: source must be a DataSource { name, url, checksum, folder }, e.g. URLs.MNIST_SAMPLE',
    );
  }
  if (!/^https?:\/\//.test(source.url)) {
    throw new RangeError(`untarData: ${source.name}.url must be an http(s) URL, got '${source.url}'`);
  }
  if (
    source.folder === '' ||
    source.folder.includes('/') ||
    source.folder.includes('\\') ||
    source.folder.startsWith('.')
  ) {
    throw new RangeError(
      `untarData: ${source.name}.folder must be a plain folder name, got '${source.folder}'`,
    );
  }
  const dir = dataDir(options.dest);
  const target = join(dir, source.folder);
  const stale = [...removeOrphanTempsSync(dir), ...removeOrphanTempsSync(join(dir, 'archives'))];
  if (stale.length > 0) {
    (options.onNotice ?? console.warn)(
      `untarData: removed ${stale.length} unfinished extraction(s) or download(s) left by a stopped process: ${stale.join(', ')}`,
    );
  }
  if (!options.force && existsSync(target) && statSync(target).isDirectory()) return target;

  const shipped = options.localArchive ?? (source.shipped ? await shippedArchive(source.shipped) : null);
  const what = options.localArchive
    ? 'the local copy of the archive'
    : 'the archive shipped with the project';
  let archive: string;
  if (shipped && (options.preferShipped ?? true)) {
    noticeOnce(
      `shipped:${source.name}`,
      `untarData: using ${what} for ${source.name} (${shipped}); no download`,
      options.onNotice,
    );
    archive = shipped;
  } else {
    archive = join(dir, 'archives', archiveName(source));
    const reuse = !options.force && existsSync(archive) && (await hashFile(archive)).matches(source.checksum);
    if (!reuse) {
      try {
        await downloadFile(source.url, archive, source.checksum, options);
      } catch (err) {
        if (!shipped && isShippedSample(source)) {
          throw new Error(
            `untarData: ${source.name} could not be downloaded: ${(err as Error).message}\n` +
              `Its archive ships in the optional package ${SAMPLE_PACKAGE}, which is not installed: ` +
              `install it next to @onecycle/vision-data (npm install ${SAMPLE_PACKAGE}) to use ${source.name} offline.`,
            { cause: err },
          );
        }
        if (!shipped) throw err;
        noticeOnce(
          `fallback:${source.name}`,
          `untarData: ${source.url} could not be downloaded (${(err as Error).message.split('\n')[0]}); ` +
            `using ${what} (${shipped})`,
          options.onNotice,
        );
        archive = shipped;
      }
    }
  }
  // A download is checked against the URL's checksum; the shipped archive against its own SHA-256;
  // a local copy may be either file.
  const expected: Checksum[] =
    archive !== shipped
      ? [source.checksum]
      : [...(options.localArchive ? [source.checksum] : []), ...(source.shipped ? [source.shipped] : [])];
  const hashed = await hashFile(archive);
  if (!expected.some((c) => hashed.matches(c))) {
    const got = new Set(expected.map((c) => describeChecksum(c, hashed)));
    throw new Error(
      `untarData: ${archive} does not match ${source.name}'s checksum: expected ` +
        `${expected.map((c) => describeChecksum(c)).join(' or ')}, got ${[...got].join(', ')}`,
    );
  }
  await extractArchive(archive, target, { replace: options.force ?? false });
  return target;
}

/**
 * Extracts a tar or tar.gz archive into `target`: into a temporary folder next to it first, then
 * renamed. node-tar parses the archive; regular files and folders are written directly (much
 * faster than a general unpacker for thousands of small images); links and devices are skipped,
 * and an entry escaping the folder (absolute or `..` path) is an error. When the archive holds a
 * single top-level folder, that folder becomes `target`. An existing `target` (e.g. made by a
 * concurrent call) is kept, or swapped out with `replace` (what `untarData`'s `force` does).
 *
 * @example
 * ```ts
 * await extractArchive('/tmp/mnist_sample.tgz', '/tmp/data/mnist_sample');
 * ```
 */
export async function extractArchive(
  archive: string,
  target: string,
  { replace = false }: { replace?: boolean } = {},
): Promise<void> {
  const parent = join(target, '..');
  ensureDirSync(parent);
  const tmp = tempPath(join(parent, `.${basename(target)}`));
  mkdirSync(tmp);
  try {
    try {
      await unpackTar(readFileSync(archive), tmp);
    } catch (err) {
      throw new Error(`untarData: cannot extract ${archive}: ${(err as Error).message}`, { cause: err });
    }
    const entries = readdirSync(tmp, { withFileTypes: true });
    if (entries.length === 0) throw new Error(`untarData: ${archive} is empty`);
    const only = entries.length === 1 && entries[0]!.isDirectory() ? join(tmp, entries[0]!.name) : tmp;
    let old: string | null = null;
    if (existsSync(target)) {
      // Another process finished first: keep its folder, unless asked to replace it.
      if (!replace) return;
      old = tempPath(join(parent, `.${basename(target)}`));
      renameSync(target, old);
    }
    try {
      renameSync(only, target);
    } catch (err) {
      if (!existsSync(target)) throw err;
    }
    if (old) rmSync(old, { recursive: true, force: true });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * Writes the regular files and folders of a tar (optionally gzip-compressed) held in memory under
 * `dir`. Rejects on a corrupt or truncated archive (bad gzip data, missing end-of-archive blocks,
 * short entries) and on entries whose path leaves `dir`. Resolves to the number of files written.
 *
 * @example
 * ```ts
 * await unpackTar(readFileSync('data.tgz'), '/tmp/out');
 * ```
 */
export function unpackTar(bytes: Uint8Array, dir: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const made = new Set<string>();
    const pending = new Set<string>();
    let files = 0;
    let failed = false;
    const fail = (err: unknown): void => {
      if (failed) return;
      failed = true;
      reject(err instanceof Error ? err : new Error(String(err)));
    };
    const makeDirOnce = (d: string): void => {
      if (made.has(d)) return;
      mkdirSync(d, { recursive: true });
      made.add(d);
    };
    const parser = new Parser({
      strict: true,
      onwarn: (_code: string, message: string | Error) =>
        fail(message instanceof Error ? message : new Error(message)),
      onReadEntry: (entry: ReadEntry) => {
        const path = entry.path.replaceAll('\\', '/');
        const parts = path.split('/').filter((p) => p !== '' && p !== '.');
        if (path.startsWith('/') || /^[a-zA-Z]:/.test(path) || parts.includes('..')) {
          entry.resume();
          fail(new Error(`archive entry '${entry.path}' would be written outside the target folder`));
          return;
        }
        const out = join(dir, ...parts);
        if (entry.type === 'Directory') {
          if (parts.length > 0) makeDirOnce(out);
          entry.resume();
          return;
        }
        if (entry.type !== 'File' && entry.type !== 'OldFile' && entry.type !== 'ContiguousFile') {
          entry.resume();
          return;
        }
        const chunks: Buffer[] = [];
        pending.add(entry.path);
        entry.on('data', (c: Buffer) => chunks.push(c));
        entry.on('end', () => {
          pending.delete(entry.path);
          if (failed) return;
          const got = chunks.reduce((a, c) => a + c.length, 0);
          if (got !== entry.size) {
            fail(new Error(`archive is truncated inside '${entry.path}' (${got} of ${entry.size} bytes)`));
            return;
          }
          try {
            makeDirOnce(dirname(out));
            writeFileSync(out, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
            files++;
          } catch (err) {
            fail(err);
          }
        });
      },
    });
    parser.on('error', fail);
    parser.on('end', () => {
      if (pending.size > 0) fail(new Error(`archive is truncated inside '${[...pending][0]}'`));
      if (!failed) resolve(files);
    });
    let tar: Buffer;
    try {
      const raw = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      tar = raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw;
    } catch (err) {
      fail(new Error(`corrupt gzip data: ${(err as Error).message}`));
      return;
    }
    if (tar.length % 512 !== 0 || tar.length < 1024 || tar.subarray(tar.length - 1024).some((b) => b !== 0)) {
      fail(new Error('not a complete tar archive (no end-of-archive marker: truncated or not a tar file)'));
      return;
    }
    parser.end(tar);
  });
}
