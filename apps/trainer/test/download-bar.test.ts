import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DataSource, untarData } from '@onecycle/vision-data/node';
import { create as createTar } from 'tar';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { downloadBar, downloadLine } from '../src/download-bar.js';

let dir: string;
let archive: Buffer;
let server: Server;
let base: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'onecycle-download-bar-'));
  mkdirSync(join(dir, 'tiny'));
  // Random bytes do not compress: the archive is about 1.5 MB, many chunks on the wire.
  writeFileSync(join(dir, 'tiny', 'noise.bin'), randomBytes(1_500_000));
  await createTar({ gzip: true, file: join(dir, 'tiny.tgz'), cwd: dir, portable: true }, ['tiny']);
  archive = readFileSync(join(dir, 'tiny.tgz'));
  server = createServer((req, res) => {
    if (req.url?.startsWith('/sized/')) res.writeHead(200, { 'content-length': archive.length });
    else res.writeHead(200); // chunked: no length
    res.end(archive);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

const source = (route: string): DataSource => ({
  name: 'TINY',
  url: `${base}/${route}/tiny.tgz`,
  checksum: { sha256: createHash('sha256').update(archive).digest('hex') },
  folder: 'tiny',
});

async function download(route: string, isTTY: boolean): Promise<string[]> {
  const frames: string[] = [];
  const bar = downloadBar('tiny.tgz', { write: (t) => frames.push(t), isTTY });
  try {
    await untarData(source(route), {
      dest: mkdtempSync(join(dir, 'dest-')),
      retries: 0,
      progress: bar.progress,
    });
  } finally {
    bar.end();
  }
  return frames;
}

describe('the download bar the trainer draws from untarData’s progress callback', () => {
  test('the line: name, bar, percentage, megabytes', () => {
    expect(downloadLine('p.tgz', 50, 100, 10)).toBe('p.tgz [█████-----]  50% 0.0/0.0 MB');
    expect(downloadLine('p.tgz', 2_500_000, 10_000_000, 4)).toBe('p.tgz [█---]  25% 2.5/10.0 MB');
    expect(downloadLine('p.tgz', 2_500_000, undefined)).toBe('p.tgz 2.5 MB');
  });

  test('on a terminal, a real download ends on a full bar and a line break', async () => {
    const frames = await download('sized', true);
    const mb = (archive.length / 1e6).toFixed(1);
    expect(frames.length).toBeGreaterThanOrEqual(2);
    expect(frames.at(-2)).toBe(`\rtiny.tgz [${'█'.repeat(30)}] 100% ${mb}/${mb} MB`);
    expect(frames.at(-1)).toBe('\n');
    expect(frames.slice(0, -1).every((f) => f.startsWith('\rtiny.tgz ['))).toBe(true);
  });

  test('without a length the line gives the megabytes received', async () => {
    const frames = await download('chunked', true);
    expect(frames[0]).toMatch(/^\rtiny\.tgz \d+\.\d MB$/);
    expect(frames.at(-1)).toBe('\n');
  });

  test('off a terminal nothing is drawn', async () => {
    expect(await download('sized', false)).toEqual([]);
  });
});
