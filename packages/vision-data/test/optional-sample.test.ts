// `@onecycle/mnist-sample` is an optional peer: untarData uses it when it is installed. Without it,
// MNIST_SAMPLE is downloaded and verified with fastai's checksum, and a failed download says which
// package to install.
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { cleanupTmp, tmpDir } from './helpers.js';

let server: Server;
let base = '';
/** The project's rebuilt MNIST_SAMPLE archive, which is not fastai's file. */
let rebuilt: Buffer;

beforeAll(async () => {
  const { mnistSampleArchive } = await import('@onecycle/mnist-sample');
  rebuilt = readFileSync(mnistSampleArchive);
  server = createServer((req, res) => {
    if (req.url === '/rebuilt/mnist_sample.tgz') {
      res.writeHead(200, { 'content-length': rebuilt.length });
      res.end(rebuilt);
      return;
    }
    res.writeHead(404);
    res.end('not here');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  vi.doUnmock('@onecycle/mnist-sample');
  await new Promise((resolve) => server.close(resolve));
  cleanupTmp();
});

/** The package entry loaded as if `@onecycle/mnist-sample` were not installed. */
async function withoutSamplePackage(): Promise<typeof import('../src/node.js')> {
  vi.resetModules();
  vi.doMock('@onecycle/mnist-sample', () => {
    // What Node's resolver throws for a package that is not installed.
    throw Object.assign(
      new Error("Cannot find package '@onecycle/mnist-sample' imported from untar-data.js"),
      {
        code: 'ERR_MODULE_NOT_FOUND',
      },
    );
  });
  return import('../src/node.js');
}

describe('@onecycle/mnist-sample, an optional peer', () => {
  it('is declared as an optional peer dependency, not a dependency', () => {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(manifest.dependencies['@onecycle/mnist-sample']).toBeUndefined();
    expect(manifest.peerDependencies['@onecycle/mnist-sample']).toBeDefined();
    expect(manifest.peerDependenciesMeta['@onecycle/mnist-sample']).toEqual({ optional: true });
  });

  it('installed: shippedArchive is its archive', async () => {
    const { mnistSampleArchive } = await import('@onecycle/mnist-sample');
    const { shippedArchive, URLs } = await import('../src/node.js');
    expect(await shippedArchive(URLs.MNIST_SAMPLE.shipped)).toBe(mnistSampleArchive);
    // fastai's checksum of the download names no shipped archive.
    expect(await shippedArchive(URLs.MNIST_SAMPLE.checksum)).toBeNull();
    expect(await shippedArchive(URLs.MNIST_TINY.checksum)).toBeNull();
  });

  it('not installed: a failed MNIST_SAMPLE download says to install it', async () => {
    const { shippedArchive, untarData, URLs } = await withoutSamplePackage();
    expect(await shippedArchive(URLs.MNIST_SAMPLE.shipped)).toBeNull();
    const dest = tmpDir();
    const source = { ...URLs.MNIST_SAMPLE, url: `${base}/mnist_sample.tgz` };
    await expect(untarData(source, { dest, retries: 0 })).rejects.toThrow(
      /^untarData: MNIST_SAMPLE could not be downloaded: .*answered HTTP 404.*\nIts archive ships in the optional package @onecycle\/mnist-sample, which is not installed: install it next to @onecycle\/vision-data \(npm install @onecycle\/mnist-sample\) to use MNIST_SAMPLE offline\.$/s,
    );
    expect(readdirSync(dest).filter((f) => f !== 'archives')).toEqual([]);
    // Other data sets fail as before, without the hint.
    const other = { ...URLs.MNIST_TINY, url: `${base}/mnist_tiny.tgz` };
    await expect(untarData(other, { dest, retries: 0 })).rejects.toThrow(/HTTP 404/);
    await expect(untarData(other, { dest, retries: 0 })).rejects.not.toThrow(/mnist-sample/);
  });

  it("not installed: the download is verified with fastai's checksum, so the rebuilt archive is refused", async () => {
    const { untarData, URLs } = await withoutSamplePackage();
    const dest = tmpDir();
    const source = { ...URLs.MNIST_SAMPLE, url: `${base}/rebuilt/mnist_sample.tgz` };
    await expect(untarData(source, { dest, retries: 0 })).rejects.toThrow(
      new RegExp(
        `checksum mismatch for ${base}/rebuilt/mnist_sample\\.tgz: expected size 3214948 bytes, ` +
          `md5 of first MiB 2dbc7ec6f9259b583af0072c55816a88, got size ${rebuilt.length} bytes`,
      ),
    );
    expect(readdirSync(dest).filter((f) => f !== 'archives')).toEqual([]);
    expect(readdirSync(`${dest}/archives`)).toEqual([]);
  });
});
