// Writes MNIST_SAMPLE as one compact binary into public/data/ for the page to fetch (build step,
// runs before `vite build` and `vite`). The images come from the archive shipped in
// @onecycle/mnist-sample, unpacked and decoded by @onecycle/vision-data (untarData, fromFolder) and
// written with its encodeImageSets. The packages are loaded from their TypeScript sources through
// Vite's module runner, so nothing needs building first. Skips the work when the file is newer
// than the archive.
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runnerImport } from 'vite';

const appDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const outFile = join(appDir, 'public', 'data', 'mnist_sample.ocimg');
const conditions = ['@onecycle/source', 'node', 'import', 'module', 'default'];
/** @type {import('vite').InlineConfig} */
const viteConfig = {
  configFile: false,
  root: appDir,
  logLevel: 'warn',
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['node'] } },
};

/**
 * The images of a loader as a stand-alone set (the loader may serve a subset of a larger set).
 * @param {{ set: import('@onecycle/vision-data').ImageSet; indices: Int32Array }} loader
 */
function setOf(loader) {
  const { set, indices } = loader;
  const per = set.height * set.width * set.channels;
  const pixels = new Uint8Array(indices.length * per);
  const labels = new Int32Array(indices.length);
  indices.forEach((src, dst) => {
    pixels.set(set.pixels.subarray(src * per, (src + 1) * per), dst * per);
    labels[dst] = set.labels[src];
  });
  if (!(set.pixels instanceof Uint8Array)) throw new Error('make-data: expected 8-bit images');
  return { n: indices.length, height: set.height, width: set.width, channels: set.channels, pixels, labels };
}

async function main() {
  const { module: mnist } = await runnerImport('@onecycle/mnist-sample', viteConfig);
  if (existsSync(outFile) && statSync(outFile).mtimeMs > statSync(mnist.mnistSampleArchive).mtimeMs) {
    console.log(`make-data: ${relative(appDir, outFile)} is up to date`);
    return;
  }
  const started = Date.now();
  const { module: vd } = await runnerImport('@onecycle/vision-data', viteConfig);
  const path = await vd.untarData(vd.URLs.MNIST_SAMPLE);
  const bunch = await vd.ImageDataBunch.fromFolder(path, { channels: 1 });
  const bytes = vd.encodeImageSets({
    classes: bunch.classes,
    sets: { train: setOf(bunch.train), valid: setOf(bunch.valid) },
    meta: {
      source: 'MNIST_SAMPLE',
      license: mnist.mnistSampleLayout.license,
      archiveSha256: mnist.mnistSampleSha256,
    },
  });
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, bytes);
  console.log(
    `make-data: wrote ${relative(appDir, outFile)} (${(bytes.length / 1e6).toFixed(1)} MB: ` +
      `${bunch.train.size} training and ${bunch.valid.size} validation images) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}

main().catch((error) => {
  console.error('make-data: failed:', error);
  process.exit(1);
});
