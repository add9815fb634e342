import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { mnistSampleArchive, mnistSampleSha256 } from '@onecycle/mnist-sample';
import { create as createTar } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DataSource, dataDir, dataDirEnv, downloadFile, URLs, untarData } from '../src/node.js';
import { cleanupTmp, makeImageFolder, tmpDir } from './helpers.js';

let archive: Buffer;
let sha256: string;
let server: Server;
let base: string;
const hits = new Map<string, number>();

/** Every file under `dir` (relative paths), for "nothing left behind" checks. */
function tree(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string, rel: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        out.push(`${r}/`);
        walk(join(d, e.name), r);
      } else out.push(r);
    }
  };
  walk(dir, '');
  return out.sort();
}

beforeAll(async () => {
  const src = tmpDir();
  makeImageFolder(join(src, 'tiny_set'), { train: { a: 3, b: 3 }, valid: { a: 1, b: 1 } });
  const tarFile = join(src, 'tiny_set.tgz');
  await createTar({ gzip: true, file: tarFile, cwd: src, portable: true }, ['tiny_set']);
  archive = readFileSync(tarFile);
  sha256 = createHash('sha256').update(archive).digest('hex');
  server = createServer((req, res) => {
    const path = req.url ?? '/';
    const n = (hits.get(path) ?? 0) + 1;
    hits.set(path, n);
    const full = () => {
      res.writeHead(200, { 'content-length': archive.length, 'content-type': 'application/gzip' });
      res.end(archive);
    };
    const truncated = () => {
      res.writeHead(200, { 'content-length': archive.length });
      res.write(archive.subarray(0, Math.floor(archive.length / 2)), () => res.destroy());
    };
    if (path.startsWith('/ok/')) return full();
    if (path.startsWith('/truncated/')) return truncated();
    if (path.startsWith('/flaky/')) return n === 1 ? truncated() : full();
    if (path.startsWith('/error500/')) {
      if (n === 1) {
        res.writeHead(500);
        return res.end('boom');
      }
      return full();
    }
    if (path.startsWith('/stall-then-ok/')) {
      if (n === 1) return; // never answers; the client's timeout must fire
      return full();
    }
    if (path.startsWith('/stall-body/')) {
      res.writeHead(200, { 'content-length': archive.length });
      res.write(archive.subarray(0, 100)); // then silence
      return;
    }
    if (path.startsWith('/garbage/')) {
      const junk = gzipSync(Buffer.from('not a tar archive at all'));
      res.writeHead(200, { 'content-length': junk.length });
      return res.end(junk);
    }
    res.writeHead(404);
    res.end('not found');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  cleanupTmp();
});

const source = (route: string, checksum: DataSource['checksum'] = { sha256 }): DataSource => ({
  name: 'TINY_SET',
  url: `${base}/${route}/tiny_set.tgz`,
  checksum,
  folder: 'tiny_set',
});
const fast = { timeoutMs: 300, backoffMs: 10 } as const;

describe('untarData', () => {
  it('downloads, verifies, extracts; a second call is instant and makes no request', async () => {
    const dest = tmpDir();
    const path = await untarData(source('ok'), { dest, ...fast });
    expect(path).toBe(join(dest, 'tiny_set'));
    expect(tree(path)).toContain('train/a/0.png');
    expect(tree(path).filter((f) => f.endsWith('.png'))).toHaveLength(8);
    expect(hits.get('/ok/tiny_set.tgz')).toBe(1);
    // Only the folder and the kept archive are left: no temporary names.
    expect(tree(dest).filter((f) => /part|extract/.test(f))).toEqual([]);
    expect(existsSync(join(dest, 'archives', 'tiny_set.tgz'))).toBe(true);

    const t0 = performance.now();
    expect(await untarData(source('ok'), { dest, ...fast })).toBe(path);
    expect(performance.now() - t0).toBeLessThan(50);
    expect(hits.get('/ok/tiny_set.tgz')).toBe(1);

    // force downloads and extracts again.
    await untarData(source('ok'), { dest, force: true, ...fast });
    expect(hits.get('/ok/tiny_set.tgz')).toBe(2);
  });

  it('reuses a kept archive that still verifies when the folder was removed', async () => {
    const dest = tmpDir();
    const path = await untarData(source('ok'), { dest, ...fast });
    const before = hits.get('/ok/tiny_set.tgz');
    const { rmSync } = await import('node:fs');
    rmSync(path, { recursive: true });
    await untarData(source('ok'), { dest, ...fast });
    expect(hits.get('/ok/tiny_set.tgz')).toBe(before);
    expect(statSync(path).isDirectory()).toBe(true);
  });

  it('a truncated body is retried, then fails naming the URL and leaves nothing behind', async () => {
    const dest = tmpDir();
    await expect(untarData(source('truncated'), { dest, retries: 2, ...fast })).rejects.toThrow(
      /download of http:\/\/127\.0\.0\.1:\d+\/truncated\/tiny_set\.tgz failed after 3 attempt\(s\)/,
    );
    expect(hits.get('/truncated/tiny_set.tgz')).toBe(3);
    expect(tree(dest).filter((f) => !f.endsWith('/'))).toEqual([]);
    expect(existsSync(join(dest, 'tiny_set'))).toBe(false);
  });

  it('recovers from one truncated download and from a 500 by retrying', async () => {
    const dest = tmpDir();
    expect(await untarData(source('flaky'), { dest, ...fast })).toBe(join(dest, 'tiny_set'));
    expect(hits.get('/flaky/tiny_set.tgz')).toBe(2);
    const dest2 = tmpDir();
    await untarData(source('error500'), { dest: dest2, ...fast });
    expect(hits.get('/error500/tiny_set.tgz')).toBe(2);
  });

  it('a wrong checksum is a clear error and keeps nothing', async () => {
    const dest = tmpDir();
    const wrong = source('ok', { sha256: '0'.repeat(64) });
    await expect(untarData(wrong, { dest, ...fast })).rejects.toThrow(
      new RegExp(`checksum mismatch for .*tiny_set\\.tgz: expected sha256 0{64}, got sha256 ${sha256}`),
    );
    expect(tree(dest).filter((f) => !f.endsWith('/'))).toEqual([]);
    // fastai-style checks (size + md5 of the first MiB) are verified too.
    const md5 = createHash('md5')
      .update(archive.subarray(0, 1 << 20))
      .digest('hex');
    const okMd5 = await untarData(source('ok', { size: archive.length, md5FirstMiB: md5 }), {
      dest,
      ...fast,
    });
    expect(existsSync(okMd5)).toBe(true);
    await expect(
      untarData(source('ok', { size: archive.length + 1, md5FirstMiB: md5 }), { dest: tmpDir(), ...fast }),
    ).rejects.toThrow(/checksum mismatch.*expected size \d+ bytes/);
  });

  it('404 fails at once without retrying', async () => {
    const dest = tmpDir();
    await expect(untarData(source('missing'), { dest, retries: 3, ...fast })).rejects.toThrow(
      /answered HTTP 404/,
    );
    expect(hits.get('/missing/tiny_set.tgz')).toBe(1);
    expect(tree(dest).filter((f) => !f.endsWith('/'))).toEqual([]);
  });

  it('a server that does not answer times out and is retried', async () => {
    const dest = tmpDir();
    const t0 = performance.now();
    await untarData(source('stall-then-ok'), { dest, ...fast, timeoutMs: 200 });
    expect(hits.get('/stall-then-ok/tiny_set.tgz')).toBe(2);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(190);
    const dest2 = tmpDir();
    await expect(
      untarData(source('stall-body'), { dest: dest2, ...fast, timeoutMs: 150, retries: 1 }),
    ).rejects.toThrow(/stalled: no data for 150 ms after 100 bytes/);
    expect(tree(dest2).filter((f) => !f.endsWith('/'))).toEqual([]);
  });

  it('an archive that verifies but cannot be extracted leaves no folder', async () => {
    const dest = tmpDir();
    const junk = gzipSync(Buffer.from('not a tar archive at all'));
    const junkSha = createHash('sha256').update(junk).digest('hex');
    await expect(untarData(source('garbage', { sha256: junkSha }), { dest, ...fast })).rejects.toThrow(
      /cannot extract .*not a complete tar archive/,
    );
    expect(existsSync(join(dest, 'tiny_set'))).toBe(false);
    expect(readdirSync(dest).filter((f) => f.includes('extract'))).toEqual([]);
  });

  it('uses a local copy first without a request, or as the fallback when the URL fails (said once)', async () => {
    const src = tmpDir();
    const copy = join(src, 'copy.tgz');
    writeFileSync(copy, archive);
    const said: string[] = [];
    const dest = tmpDir();
    const p = await untarData(source('never-asked'), {
      dest,
      localArchive: copy,
      onNotice: (m) => said.push(m),
    });
    expect(existsSync(join(p, 'train/a/0.png'))).toBe(true);
    expect(hits.get('/never-asked/tiny_set.tgz')).toBeUndefined();
    expect(said).toEqual([
      expect.stringMatching(/using the local copy of the archive for TINY_SET .*; no download/),
    ]);

    const dest2 = tmpDir();
    const fallback: string[] = [];
    const p2 = await untarData(source('missing'), {
      dest: dest2,
      localArchive: copy,
      preferShipped: false,
      ...fast,
      onNotice: (m) => fallback.push(m),
    });
    expect(existsSync(join(p2, 'valid/b/0.png'))).toBe(true);
    expect(fallback).toHaveLength(1);
    expect(fallback[0]).toMatch(/could not be downloaded \(.*HTTP 404.*\); using the local copy/);

    // A local copy that does not verify is a clear error, and leaves no folder.
    writeFileSync(copy, archive.subarray(0, 100));
    const dest3 = tmpDir();
    await expect(untarData(source('x'), { dest: dest3, localArchive: copy })).rejects.toThrow(
      /copy\.tgz does not match TINY_SET's checksum: expected sha256/,
    );
    expect(existsSync(join(dest3, 'tiny_set'))).toBe(false);
  });

  it('rejects malformed sources', async () => {
    await expect(untarData({ ...source('ok'), url: 'ftp://x/y.tgz' })).rejects.toThrow(/http\(s\) URL/);
    await expect(untarData({ ...source('ok'), folder: '../up' })).rejects.toThrow(/plain folder name/);
    await expect(untarData(undefined as unknown as DataSource)).rejects.toThrow(TypeError);
    await expect(
      downloadFile(`${base}/ok/x.tgz`, join(tmpDir(), 'x'), undefined, { retries: -1 }),
    ).rejects.toThrow(/retries/);
  });

  it('reports progress as (received, total) through its callback only', async () => {
    const seen: [number, number | undefined][] = [];
    const dest = tmpDir();
    await untarData(source('ok'), { dest, ...fast, force: true, progress: (r, t) => seen.push([r, t]) });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every(([, t]) => t === archive.length)).toBe(true);
    const received = seen.map(([r]) => r);
    expect(received).toEqual([...received].sort((a, b) => a - b));
    expect(received.at(-1)).toBe(archive.length);
  });
});

describe('untarData with a shipped archive that differs from the download', () => {
  /** fastai-style check (size + MD5 of the first MiB) of the served archive. */
  const served = (): DataSource['checksum'] => ({
    size: archive.length,
    md5FirstMiB: createHash('md5')
      .update(archive.subarray(0, 1 << 20))
      .digest('hex'),
  });

  it('uses the shipped archive named by shipped.sha256 without a request, verified with that SHA-256', async () => {
    const dest = tmpDir();
    const said: string[] = [];
    const path = await untarData(
      { ...source('shipped-first', served()), shipped: { sha256: mnistSampleSha256 } },
      { dest, onNotice: (m) => said.push(m) },
    );
    expect(hits.get('/shipped-first/tiny_set.tgz')).toBeUndefined();
    expect(tree(path)).toContain('valid/3/');
    expect(tree(path)).not.toContain('train/a/0.png');
    expect(said).toEqual([
      expect.stringContaining(`the archive shipped with the project for TINY_SET (${mnistSampleArchive})`),
    ]);
  });

  it('downloads and verifies with the download checksum when no shipped archive has that SHA-256', async () => {
    const dest = tmpDir();
    const other = { sha256: '0'.repeat(64) };
    const path = await untarData({ ...source('ok', served()), shipped: other }, { dest, ...fast });
    expect(tree(path)).toContain('train/a/0.png');
    const wrong = { ...served(), size: archive.length + 1 } as DataSource['checksum'];
    await expect(
      untarData({ ...source('ok', wrong), shipped: other }, { dest: tmpDir(), ...fast }),
    ).rejects.toThrow(/checksum mismatch for .*: expected size \d+ bytes, md5 of first MiB [0-9a-f]{32}/);
  });

  it('preferShipped: false downloads first (download checksum), and falls back to the shipped archive', async () => {
    const said: string[] = [];
    const src = (route: string): DataSource => ({
      ...source(route, served()),
      shipped: { sha256: mnistSampleSha256 },
    });
    const downloaded = await untarData(src('ok'), { dest: tmpDir(), preferShipped: false, ...fast });
    expect(tree(downloaded)).toContain('train/a/0.png');
    const fellBack = await untarData(src('missing'), {
      dest: tmpDir(),
      preferShipped: false,
      ...fast,
      onNotice: (m) => said.push(m),
    });
    expect(tree(fellBack)).toContain('valid/3/');
    expect(said).toEqual([expect.stringMatching(/HTTP 404.*using the archive shipped with the project/)]);
  });

  it('a local copy may be the downloaded file or the shipped one, and names both checksums when it is neither', async () => {
    const src = { ...source('never-asked', served()), shipped: { sha256: mnistSampleSha256 } };
    const copy = join(tmpDir(), 'copy.tgz');
    writeFileSync(copy, archive);
    expect(tree(await untarData(src, { dest: tmpDir(), localArchive: copy }))).toContain('train/a/0.png');
    expect(tree(await untarData(src, { dest: tmpDir(), localArchive: mnistSampleArchive }))).toContain(
      'valid/3/',
    );
    expect(hits.get('/never-asked/tiny_set.tgz')).toBeUndefined();
    writeFileSync(copy, archive.subarray(0, 100));
    const dest = tmpDir();
    await expect(untarData(src, { dest, localArchive: copy })).rejects.toThrow(
      new RegExp(
        `copy\\.tgz does not match TINY_SET's checksum: expected size ${archive.length} bytes, md5 of first MiB [0-9a-f]{32} or sha256 ${mnistSampleSha256}, got size 100 bytes`,
      ),
    );
    expect(existsSync(join(dest, 'tiny_set'))).toBe(false);
  });
});

describe('data directory', () => {
  it('dest overrides ONECYCLE_DATA, which overrides ~/.onecycle/data', () => {
    const saved = process.env[dataDirEnv];
    try {
      process.env[dataDirEnv] = '/tmp/from-env';
      expect(dataDir()).toBe('/tmp/from-env');
      expect(dataDir('/tmp/from-option')).toBe('/tmp/from-option');
      delete process.env[dataDirEnv];
      expect(dataDir()).toMatch(/\.onecycle\/data$/);
    } finally {
      if (saved === undefined) delete process.env[dataDirEnv];
      else process.env[dataDirEnv] = saved;
    }
  });

  it('URLs carry fastai names, URLs and checksums', () => {
    expect(URLs.MNIST_SAMPLE.folder).toBe('mnist_sample');
    expect(URLs.MNIST_TINY.checksum.size).toBe(342207);
    expect(URLs.MNIST.folder).toBe('mnist_png');
  });

  it("MNIST_SAMPLE's download is checked with fastai's checks.txt entry; the shipped archive is named apart", () => {
    expect(URLs.MNIST_SAMPLE.url).toBe('http://files.fast.ai/data/examples/mnist_sample.tgz');
    expect(URLs.MNIST_SAMPLE.checksum).toEqual({
      size: 3214948,
      md5FirstMiB: '2dbc7ec6f9259b583af0072c55816a88',
    });
    expect(URLs.MNIST_SAMPLE.shipped).toEqual({ sha256: mnistSampleSha256 });
  });
});

describe('extractArchive', () => {
  it('keeps a folder that appeared meanwhile, or replaces it when asked', async () => {
    const { extractArchive } = await import('../src/node.js');
    const dir = tmpDir();
    const file = join(dir, 'a.tgz');
    writeFileSync(file, archive);
    const target = join(dir, 'out');
    await extractArchive(file, target);
    writeFileSync(join(target, 'marker'), 'mine');
    await extractArchive(file, target);
    expect(existsSync(join(target, 'marker'))).toBe(true);
    await extractArchive(file, target, { replace: true });
    expect(existsSync(join(target, 'marker'))).toBe(false);
    expect(existsSync(join(target, 'train/a/0.png'))).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['a.tgz', 'out']);
  });
});
