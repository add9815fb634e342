#!/usr/bin/env node
// Measurements behind the speed plan (bench/README.md): the two largest remaining costs of a
// simpleCnn training step on WASM, and cheaper formulations of them, timed in the same process.
//
//  1. The bias gradient: tfjs sums dy over [N, H, W]; WASM's Sum reduces only innermost axes, so it
//     transposes first. A global average pool (XNNPACK) times the count gives the same sums.
//  2. The filter gradient (Conv2DBackpropFilter, this project's kernel): its parts — two transposes,
//     a pad, one XNNPACK convolution with dy as the filter — and what XNNPACK's packing of a new
//     filter on every call costs (a convolution with a fresh filter against one with a cached filter).
//
// usage: node bench/kernel-alternatives.mjs   (after pnpm build)
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const load = (p) => import(pathToFileURL(join(root, p)).href);
const { setupBackend } = await load('packages/backends/dist/index.js');
const tf = await load('packages/backends/node_modules/@tensorflow/tfjs-core/dist/tf-core.node.js');
await setupBackend('wasm');

/** Fastest and median milliseconds of `f` over `n` calls (after warm-up); its result is disposed. */
function time(f, n = 40) {
  for (let i = 0; i < 5; i++) tf.dispose(f());
  const t = [];
  for (let i = 0; i < n; i++) {
    const a = performance.now();
    const r = f();
    if (r instanceof tf.Tensor) r.dataSync();
    tf.dispose(r);
    t.push(performance.now() - a);
  }
  t.sort((a, b) => a - b);
  return { min: t[0], median: t[n >> 1] };
}
const show = (label, r) =>
  console.log(`  ${label.padEnd(44)} ${r.min.toFixed(3).padStart(7)} ${r.median.toFixed(3).padStart(7)}`);

console.log('1. bias gradient, sum of dy over N, H, W (ms: fastest, median)');
for (const shape of [
  [64, 14, 14, 16],
  [64, 7, 7, 16],
]) {
  const dy = tf.randomNormal(shape, 0, 1, 'float32', 1);
  const [n, h, w, c] = shape;
  const viaPool = () =>
    tf.tidy(() =>
      tf.reshape(tf.mul(tf.avgPool(tf.reshape(dy, [1, n * h, w, c]), [n * h, w], 1, 'valid'), n * h * w), [
        c,
      ]),
    );
  const a = tf.sum(dy, [0, 1, 2]);
  const b = viaPool();
  const rel = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] / tf.max(tf.abs(a)).dataSync()[0]);
  console.log(` dy [${shape}] (relative difference ${rel.toExponential(1)})`);
  show(
    'tf.sum(dy, [0, 1, 2])  (WASM Sum: transpose + reduce)',
    time(() => tf.sum(dy, [0, 1, 2])),
  );
  show('global avgPool × N·H·W (XNNPACK)', time(viaPool));
  tf.dispose([dy, a, b]);
}

console.log('\n2. filter gradient of a 3×3 stride-2 conv (ms: fastest, median)');
for (const [xShape, dyShape] of [
  [
    [64, 28, 28, 3],
    [64, 14, 14, 16],
  ],
  [
    [64, 14, 14, 16],
    [64, 7, 7, 16],
  ],
]) {
  const x = tf.randomNormal(xShape, 0, 1, 'float32', 2);
  const dy = tf.randomNormal(dyShape, 0, 1, 'float32', 3);
  const filterShape = [3, 3, xShape[3], dyShape[3]];
  const bottom = 3 + (dyShape[1] - 1) * 2 - xShape[1] - 1;
  console.log(` x [${xShape}], dy [${dyShape}]`);
  show(
    'Conv2DBackpropFilter (whole kernel)',
    time(() =>
      tf
        .engine()
        .runKernel(
          tf.Conv2DBackpropFilter,
          { x, dy },
          { strides: [2, 2], pad: 1, dataFormat: 'NHWC', filterShape },
        ),
    ),
  );
  const xT = tf.transpose(x, [3, 1, 2, 0]);
  const xP = tf.pad(xT, [
    [0, 0],
    [1, bottom],
    [1, bottom],
    [0, 0],
  ]);
  const dyT = tf.transpose(dy, [1, 2, 0, 3]);
  show(
    '  transpose x → [C, H, W, N]',
    time(() => tf.transpose(x, [3, 1, 2, 0])),
  );
  show(
    '  pad',
    time(() =>
      tf.pad(xT, [
        [0, 0],
        [1, bottom],
        [1, bottom],
        [0, 0],
      ]),
    ),
  );
  show(
    '  transpose dy → [OH, OW, N, Cout]',
    time(() => tf.transpose(dy, [1, 2, 0, 3])),
  );
  show(
    '  dilated conv, filter cached by XNNPACK',
    time(() => tf.conv2d(xP, dyT, 1, 'valid', 'NHWC', 2)),
  );
  show(
    '  dilated conv, new filter each call (packing)',
    time(() =>
      tf.tidy(() => {
        const fresh = tf.add(dyT, 0); // a new tensor: XNNPACK packs it again, as in training
        return tf.conv2d(xP, fresh, 1, 'valid', 'NHWC', 2);
      }),
    ),
  );
  show(
    '  (the copy that makes the new filter)',
    time(() => tf.add(dyT, 0)),
  );
  tf.dispose([x, dy, xT, xP, dyT]);
}
