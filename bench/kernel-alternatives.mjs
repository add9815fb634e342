#!/usr/bin/env node
// Measurements behind the speed plan (bench/README.md): the two largest remaining costs of a
// simpleCnn training step on WASM, and cheaper formulations of them, timed in the same process.
//
//  1. The bias gradient: tfjs sums dy over [N, H, W]; WASM's Sum reduces only innermost axes, so it
//     transposes first. A global average pool (XNNPACK) times the count gives the same sums.
//  2. The filter gradient (Conv2DBackpropFilter, this project's kernel): its parts — two transposes,
//     a pad, one XNNPACK convolution with dy as the filter — and what XNNPACK's packing of a new
//     filter on every call costs (a convolution with a fresh filter against one with a cached filter).
//  3. The step-level effect of (1): a WASM Sum kernel that reduces all axes but the last through
//     XNNPACK's average pool, registered in this process only, against the stock Sum (gradients
//     compared, CPU time per forward + backward step, alternating).
//
// usage: node bench/kernel-alternatives.mjs   (after pnpm build)
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const load = (p) => import(pathToFileURL(join(root, p)).href);
const { setupBackend } = await load('packages/backends/dist/index.js');
const { simpleCnn } = await load('packages/models/dist/index.js');
const { crossEntropy } = await load('packages/learner/dist/index.js');
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

console.log('\n3. a training step with a pooling Sum kernel (CPU ms per forward + backward step)');
{
  const stock = tf.getKernel('Sum', 'wasm');
  const avgPool = tf.getKernel('AvgPool', 'wasm').kernelFunc;
  const reshape = tf.getKernel('Reshape', 'wasm').kernelFunc;
  const pooling = {
    kernelName: 'Sum',
    backendName: 'wasm',
    setupFunc: stock.setupFunc,
    kernelFunc: (a) => {
      const { inputs, backend, attrs } = a;
      const x = inputs.x;
      const r = x.shape.length;
      const axes = tf.util.parseAxisParam(attrs.axis, x.shape).sort((p, q) => p - q);
      if (
        x.dtype !== 'float32' ||
        attrs.keepDims ||
        r < 2 ||
        axes.length !== r - 1 ||
        axes.some((v, i) => v !== i)
      ) {
        return stock.kernelFunc(a);
      }
      const c = x.shape[r - 1];
      const m = tf.util.sizeFromShape(x.shape) / c;
      const cols = x.shape[r - 2];
      const img = reshape({ inputs: { x }, backend, attrs: { shape: [1, m / cols, cols, c] } });
      const pooled = avgPool({
        inputs: { x: img },
        backend,
        attrs: { filterSize: [m / cols, cols], strides: 1, pad: 'valid' },
      });
      backend.disposeData(img.dataId);
      const sums = backend.typedArrayFromHeap(pooled);
      for (let i = 0; i < sums.length; i++) sums[i] *= m;
      const out = reshape({ inputs: { x: pooled }, backend, attrs: { shape: [c] } });
      backend.disposeData(pooled.dataId);
      return out;
    },
  };
  const use = (k) => {
    tf.unregisterKernel('Sum', 'wasm');
    tf.registerKernel(k);
  };
  const model = simpleCnn([3, 16, 16, 2], undefined, undefined, false, { seed: 0 });
  model.train();
  const vars = model.parameters().map((p) => p.variable);
  const x = tf.randomUniform([64, 28, 28, 3], 0, 1, 'float32', 4);
  const y = tf.tensor1d(
    Array.from({ length: 64 }, (_, i) => i % 2),
    'int32',
  );
  const gradsWith = (k) => {
    use(k);
    const { value, grads } = tf.variableGrads(() => crossEntropy(model.forward(x), y), vars);
    const out = Object.fromEntries(Object.entries(grads).map(([n, g]) => [n, g.dataSync().slice()]));
    tf.dispose([value, ...Object.values(grads)]);
    return out;
  };
  const g0 = gradsWith(stock);
  const g1 = gradsWith(pooling);
  let rel = 0;
  for (const n of Object.keys(g0)) {
    let max = 0;
    let diff = 0;
    for (let i = 0; i < g0[n].length; i++) {
      max = Math.max(max, Math.abs(g0[n][i]));
      diff = Math.max(diff, Math.abs(g0[n][i] - g1[n][i]));
    }
    rel = Math.max(rel, diff / max);
  }
  const step = () => {
    const { value, grads } = tf.variableGrads(() => crossEntropy(model.forward(x), y), vars);
    value.dataSync();
    tf.dispose([value, ...Object.values(grads)]);
  };
  const cpu = { stock: [], pooling: [] };
  for (let round = 0; round < 10; round++) {
    for (const [name, k] of [
      ['stock', stock],
      ['pooling', pooling],
    ]) {
      use(k);
      for (let i = 0; i < 3; i++) step();
      const c0 = process.cpuUsage();
      for (let i = 0; i < 40; i++) step();
      const c = process.cpuUsage(c0);
      cpu[name].push((c.user + c.system) / 1000 / 40);
    }
  }
  use(stock);
  console.log(`  largest relative gradient difference: ${rel.toExponential(1)}`);
  for (const [name, xs] of Object.entries(cpu)) {
    xs.sort((p, q) => p - q);
    console.log(
      `  ${`${name} Sum`.padEnd(44)} ${xs[0].toFixed(3).padStart(7)} ${xs[5].toFixed(3).padStart(7)}`,
    );
  }
  model.dispose();
  tf.dispose([x, y]);
}
