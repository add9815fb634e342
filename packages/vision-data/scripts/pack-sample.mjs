#!/usr/bin/env node
// Writes MNIST_SAMPLE, decoded, as one compact binary for the browser's ImageDataBunch.fromUrl.
// Usage (after `pnpm --filter @onecycle/vision-data build`):
//   pnpm --filter @onecycle/vision-data run pack-sample [out-file]   (default: dist/mnist_sample.ocimg.gz)
import { resolve } from 'node:path';
import { packImageFolder, URLs, untarData } from '../dist/node.js';

const out = resolve(process.argv[2] ?? new URL('../dist/mnist_sample.ocimg.gz', import.meta.url).pathname);
const path = await untarData(URLs.MNIST_SAMPLE);
const { file, bytes } = await packImageFolder(path, out);
console.log(`wrote ${file} (${(bytes / 1e6).toFixed(2)} MB)`);
