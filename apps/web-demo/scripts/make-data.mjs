// Writes MNIST_SAMPLE as one compact, gzip-compressed binary into public/data/ for the page's
// ImageDataBunch.fromUrl (runs before `vite build` and `vite`). The images come from the archive
// shipped in @onecycle/mnist-sample, unpacked and decoded by @onecycle/vision-data (untarData,
// packImageFolder). The packages are loaded from their TypeScript sources through Vite's module
// runner, so nothing needs building first. Skips the work when the file is newer than the archive.
import { existsSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runnerImport } from 'vite';

const appDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const outFile = join(appDir, 'public', 'data', 'mnist_sample.ocimg.gz');
const conditions = ['@onecycle/source', 'node', 'import', 'module', 'default'];
/** @type {import('vite').InlineConfig} */
const viteConfig = {
  configFile: false,
  root: appDir,
  logLevel: 'warn',
  // runnerImport runs modules in its 'inline' environment, which hands every dependency to Node
  // (that would want the packages' dist/). The workspace packages are run from source instead.
  environments: { inline: { resolve: { noExternal: [/^@onecycle\//], conditions } } },
};

async function main() {
  const { module } = await runnerImport(join(appDir, 'scripts', 'data-packages.ts'), viteConfig);
  const { mnistSample: mnist, visionData: vd } = module;
  if (existsSync(outFile) && statSync(outFile).mtimeMs > statSync(mnist.mnistSampleArchive).mtimeMs) {
    console.log(`make-data: ${relative(appDir, outFile)} is up to date`);
    return;
  }
  const started = Date.now();
  const path = await vd.untarData(vd.URLs.MNIST_SAMPLE);
  const { bytes } = await vd.packImageFolder(path, outFile);
  console.log(
    `make-data: wrote ${relative(appDir, outFile)} (${(bytes / 1e6).toFixed(1)} MB) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}

main().catch((error) => {
  console.error('make-data: failed:', error);
  process.exit(1);
});
