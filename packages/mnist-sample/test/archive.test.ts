import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { mnistSampleArchive, mnistSampleBytes, mnistSampleLayout, mnistSampleSha256 } from '../src/index.js';

describe('@onecycle/mnist-sample', () => {
  it('ships the archive whose checksum and size it exports', () => {
    const bytes = readFileSync(mnistSampleArchive);
    expect(statSync(mnistSampleArchive).size).toBe(mnistSampleBytes);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(mnistSampleSha256);
  });

  it('holds the documented layout (counted from the tar headers)', () => {
    const tar = gunzipSync(readFileSync(mnistSampleArchive));
    const counts = new Map<string, number>();
    for (let off = 0; off + 512 <= tar.length; ) {
      const header = tar.subarray(off, off + 512);
      if (header.every((b) => b === 0)) break;
      const name = header.subarray(0, 100).toString('latin1').replace(/\0.*$/s, '');
      const prefix = header.subarray(345, 500).toString('latin1').replace(/\0.*$/s, '');
      const size = Number.parseInt(header.subarray(124, 136).toString('latin1').trim() || '0', 8);
      const full = prefix ? `${prefix}/${name}` : name;
      const m = /^mnist_sample\/(train|valid)\/(\d)\/[^/]+\.png$/.exec(full);
      if (m) counts.set(`${m[1]}/${m[2]}`, (counts.get(`${m[1]}/${m[2]}`) ?? 0) + 1);
      off += 512 + Math.ceil(size / 512) * 512;
    }
    for (const split of ['train', 'valid'] as const) {
      for (const cls of mnistSampleLayout.classes) {
        expect(counts.get(`${split}/${cls}`)).toBe(mnistSampleLayout.counts[split][cls]);
      }
    }
  });
});
