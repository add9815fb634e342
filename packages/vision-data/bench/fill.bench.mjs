#!/usr/bin/env node
// Batch assembly of ImageDataLoader on MNIST_SAMPLE-shaped data (12,396 gray 28×28 images, batch 64,
// 3 channels) and on an RGB set (5,000 images of 32×32×3): microseconds per batch of `fill` (bytes →
// float32 batch) and of a `batches()` pass (fill + tf.tensor4d, WASM backend on 1 thread), best of
// 7 passes in CPU time (which other work on the machine does not inflate). Synthetic seeded pixels,
// no download. Run after a build: `pnpm --filter @onecycle/vision-data bench`, or alone:
//   node bench/fill.bench.mjs [--baseline <another build's dist folder>]
// With --baseline (a dist folder inside this package, e.g. one built from another commit), each
// case is timed on both builds in the same run, alternating, and the ratio printed.
// Each (build, case) runs in its own process, so that one case's JIT feedback does not slow another.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROUNDS = 3;
const PASSES = 7;

const CASES = {
  'gray → RGB': { n: 12396, size: 28, channels: 1 },
  'gray → RGB, normalised': { n: 12396, size: 28, channels: 1, normalize: { mean: [0.1307], std: [0.3081] } },
  'RGB, 32×32': { n: 5000, size: 32, channels: 3 },
  'RGB, 32×32, normalised': {
    n: 5000,
    size: 32,
    channels: 3,
    normalize: { mean: [0.4914, 0.4822, 0.4465], std: [0.247, 0.2435, 0.2616] },
  },
  'gray → RGB, batches() on WASM': { n: 12396, size: 28, channels: 1, tensors: true },
};

/** Child: one case on one build; prints { us, ns } per batch and per output value. */
async function measure(dist, name) {
  const { ImageDataLoader, seededRandom } = await import(pathToFileURL(resolve(dist, 'index.js')).href);
  const { n, size, channels, normalize, tensors } = CASES[name];
  const rand = seededRandom(0);
  const pixels = Uint8Array.from({ length: n * size * size * channels }, () => Math.floor(rand() * 256));
  const set = { n, height: size, width: size, channels, pixels, labels: new Int32Array(n) };
  const dl = new ImageDataLoader(set, {
    batchSize: 64,
    shuffle: true,
    dropLast: true,
    normalization: normalize,
  });
  let pass;
  if (tensors) {
    const { setupBackend } = await import('@onecycle/backends');
    await setupBackend('wasm', { threads: 1 });
    pass = (epoch) => {
      for (const { x, y } of dl.batches(epoch)) {
        x.dispose();
        y.dispose();
      }
    };
  } else {
    pass = (epoch) => {
      const order = dl.order(epoch);
      for (let b = 0; b < dl.length; b++) dl.fill(order.subarray(b * 64, (b + 1) * 64));
    };
  }
  pass(0); // warm-up: compile the loops
  let best = Number.POSITIVE_INFINITY;
  for (let e = 1; e <= PASSES; e++) {
    const start = process.cpuUsage();
    pass(e);
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / dl.length);
  }
  return { us: best, ns: (best * 1000) / (64 * size * size * 3) };
}

const [, , flag, value] = process.argv;
if (flag === '--child') {
  const [dist, name] = JSON.parse(value);
  process.stdout.write(JSON.stringify(await measure(dist, name)));
} else {
  const self = fileURLToPath(import.meta.url);
  const builds = { current: fileURLToPath(new URL('../dist', import.meta.url)) };
  if (flag === '--baseline') builds.baseline = resolve(value);
  const best = {};
  for (let r = 0; r < ROUNDS; r++) {
    for (const name of Object.keys(CASES)) {
      for (const [build, dist] of Object.entries(builds)) {
        const out = execFileSync(process.execPath, [self, '--child', JSON.stringify([dist, name])], {
          encoding: 'utf8',
        });
        const { us, ns } = JSON.parse(out);
        const key = `${build}|${name}`;
        if (!(best[key]?.us <= us)) best[key] = { us, ns };
      }
    }
  }
  console.log(`batch assembly, batch 64, best of ${ROUNDS} processes × ${PASSES} passes, CPU µs per batch`);
  const width = Math.max(...Object.keys(CASES).map((k) => k.length));
  const head = Object.keys(builds).map((b) => `${b.padStart(9)}  ns/value`);
  console.log(`${'case'.padEnd(width)}  ${head.join('  ')}${builds.baseline ? '  baseline / current' : ''}`);
  for (const name of Object.keys(CASES)) {
    const cells = Object.keys(builds).map((b) => {
      const { us, ns } = best[`${b}|${name}`];
      return `${us.toFixed(1).padStart(9)}  ${ns.toFixed(2).padStart(8)}`;
    });
    const ratio = builds.baseline
      ? (best[`baseline|${name}`].us / best[`current|${name}`].us).toFixed(2)
      : '';
    console.log(`${name.padEnd(width)}  ${cells.join('  ')}  ${ratio.padStart(19)}`.trimEnd());
  }
}
