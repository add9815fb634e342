import { createWriteStream, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { commitTemp, ensureDirSync, tempPath } from '@onecycle/atomic-file';
import { type Checksum, ChecksumHasher, describeChecksum } from './checksum.js';

/**
 * Options of {@link downloadFile}.
 *
 * @example
 * ```ts
 * const opts: DownloadOptions = { timeoutMs: 10_000, retries: 3, progress: (r, t) => console.log(r, t) };
 * ```
 */
export interface DownloadOptions {
  /** Abort an attempt when no byte arrives for this long (default 30 000 ms). */
  timeoutMs?: number;
  /** Further attempts after a failed one (default 3); 404 and checksum errors are not retried. */
  retries?: number;
  /** Wait before retry `k` (0-based) is `backoffMs · 2^k` (default 500 ms). */
  backoffMs?: number;
  /**
   * Called after each chunk with the bytes received so far and the total (undefined when the
   * server sends no length); the caller draws what it wants (the `onecycle` CLI draws a bar).
   * Nothing is printed without it.
   */
  progress?: (received: number, total: number | undefined) => void;
}

/**
 * An HTTP answer that retrying cannot fix (e.g. 404), or a checksum mismatch.
 *
 * @example
 * ```ts
 * try { await downloadFile(url, file); } catch (e) { if (e instanceof DownloadError && !e.retryable) … }
 * ```
 */
export class DownloadError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'DownloadError';
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Downloads `url` to `file` with Node's fetch: streamed to a temporary file next to it, checksummed while
 * streaming, renamed to `file` only when complete and (if `checksum` is given) verified — an
 * interrupted or corrupt download never leaves `file` behind. Failed attempts (network error,
 * idle timeout, truncated body, 5xx) are retried with exponential backoff; 4xx answers and a
 * checksum mismatch fail at once with an Error naming the URL.
 *
 * @example
 * ```ts
 * await downloadFile('http://127.0.0.1:8080/data.tgz', '/tmp/data.tgz', { sha256: '…' }, { retries: 2 });
 * ```
 */
export async function downloadFile(
  url: string,
  file: string,
  checksum: Checksum | undefined,
  options: DownloadOptions = {},
): Promise<void> {
  const retries = options.retries ?? 3;
  const backoffMs = options.backoffMs ?? 500;
  const timeoutMs = options.timeoutMs ?? 30_000;
  if (!(Number.isInteger(retries) && retries >= 0))
    throw new RangeError(`retries must be an integer ≥ 0, got ${retries}`);
  if (!(timeoutMs > 0)) throw new RangeError(`timeoutMs must be > 0, got ${timeoutMs}`);
  if (!(backoffMs >= 0)) throw new RangeError(`backoffMs must be ≥ 0, got ${backoffMs}`);
  const errors: string[] = [];
  for (let attempt = 0; attempt <= retries; attempt++) {
    if (attempt > 0) await sleep(backoffMs * 2 ** (attempt - 1));
    try {
      await attemptDownload(url, file, checksum, timeoutMs, options.progress);
      return;
    } catch (err) {
      if (err instanceof DownloadError && !err.retryable) throw err;
      errors.push(`attempt ${attempt + 1}: ${(err as Error).message}`);
    }
  }
  throw new DownloadError(
    `download of ${url} failed after ${retries + 1} attempt(s):\n  ${errors.join('\n  ')}`,
    false,
  );
}

async function attemptDownload(
  url: string,
  file: string,
  checksum: Checksum | undefined,
  timeoutMs: number,
  progress: DownloadOptions['progress'],
): Promise<void> {
  const controller = new AbortController();
  let timedOut = false;
  let timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const touch = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
  };
  ensureDirSync(dirname(file));
  const part = tempPath(file);
  const out = createWriteStream(part);
  const closed = new Promise<void>((resolve, reject) => {
    out.on('close', resolve);
    out.on('error', reject);
  });
  try {
    let res: Response;
    try {
      res = await fetch(url, { signal: controller.signal, redirect: 'follow' });
    } catch (err) {
      throw new Error(timedOut ? `no answer within ${timeoutMs} ms` : `request failed: ${describe(err)}`, {
        cause: err,
      });
    }
    if (!res.ok) {
      const retryable = res.status >= 500 || res.status === 408 || res.status === 429;
      await res.body?.cancel().catch(() => {});
      throw new DownloadError(`${url} answered HTTP ${res.status} ${res.statusText}`, retryable);
    }
    const lengthHeader = res.headers.get('content-length');
    const total = lengthHeader ? Number(lengthHeader) : undefined;
    const hasher = new ChecksumHasher();
    if (!res.body) throw new Error('empty response body');
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        touch();
        hasher.update(chunk);
        if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
        progress?.(hasher.size, total);
      }
    } catch (err) {
      throw new Error(
        timedOut
          ? `stalled: no data for ${timeoutMs} ms after ${hasher.size} bytes`
          : `body interrupted after ${hasher.size}${total ? ` of ${total}` : ''} bytes: ${describe(err)}`,
        { cause: err },
      );
    }
    if (total !== undefined && hasher.size !== total) {
      throw new Error(`truncated body: received ${hasher.size} of ${total} bytes`);
    }
    out.end();
    await closed;
    if (checksum && !hasher.matches(checksum)) {
      throw new DownloadError(
        `checksum mismatch for ${url}: expected ${describeChecksum(checksum)}, got ${describeChecksum(checksum, hasher)}` +
          ' (the file on the server differs from the one expected; nothing was kept)',
        false,
      );
    }
    await commitTemp(part, file);
  } finally {
    clearTimeout(timer);
    if (!out.closed) {
      out.destroy();
      await closed.catch(() => {});
    }
    rmSync(part, { force: true });
  }
}

function describe(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  const cause = e.cause ? ` (${e.cause.code ?? e.cause.message ?? String(e.cause)})` : '';
  return `${e.message}${cause}`;
}
