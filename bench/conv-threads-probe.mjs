#!/usr/bin/env node
// What two threads do for the WASM SIMD convolution kernels (@onecycle/backends' SimdConv), over the
// built packages (run `pnpm build` first):
//  1. each simpleCnn convolution alone, on 1 and on 2 threads (best of 200 calls);
//  2. two threads each running independent kernels (own instance, own memory) at once, against one
//     alone: whether the cores slow each other down inside one process;
//  3. whole training steps (simpleCnn on an MNIST_SAMPLE batch, Adam), alternating blocks of 40 steps
//     on 1 and 2 threads in one process after 300 warm-up steps (median and best block);
//  4. the same for ResNet-20 (batch-norm, 16–64 channels) on a random 64×32×32×3 batch, blocks of 5.
// usage: node bench/conv-threads-probe.mjs [--rounds 20]
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import { loadMnistSample, simpleCnnTrainer } from './simple-cnn-trainer.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = (name, file = 'index.js') =>
  import(pathToFileURL(join(root, 'packages', name, 'dist', file)).href);
const tf = await import(
  pathToFileURL(join(root, 'packages/backends/node_modules/@tensorflow/tfjs-core/dist/tf-core.node.js')).href
);
const { SimdConv, convGeometry, setupBackend } = await pkg('backends');

const LAYERS = [
  [64, 28, 28, 3, 16],
  [64, 14, 14, 16, 16],
  [64, 7, 7, 16, 2],
];
const random = (n) => Float32Array.from({ length: n }, () => Math.random() - 0.5);
const geometry = ([n, h, w, ci, co]) =>
  convGeometry(tf.backend_util.computeConv2DInfo([n, h, w, ci], [3, 3, ci, co], 2, 1, 1));

/** ms per forward call of layer 1 for `ms` milliseconds on this thread (one-thread kernels). */
function busyForward(ms) {
  SimdConv.useThreads(1);
  const simd = SimdConv.load();
  const g = geometry(LAYERS[1]);
  const x = random(g.n * g.h * g.w * g.ci);
  const f = random(g.k * g.co);
  const y = new Float32Array(g.p * g.co);
  const end = performance.now() + ms;
  let calls = 0;
  const t0 = performance.now();
  while (performance.now() < end) {
    simd.forward(g, x, f, null, false, y);
    calls++;
  }
  return (performance.now() - t0) / calls;
}

if (!isMainThread) {
  parentPort.postMessage(busyForward(2200));
} else {
  const { values: args } = parseArgs({ options: { rounds: { type: 'string', default: '20' } } });

  console.log(
    '1. each convolution alone, best of 200 calls (ms): forward / filter gradient / input gradient',
  );
  for (const threads of [1, 2]) {
    SimdConv.useThreads(threads);
    const simd = SimdConv.load();
    for (const layer of LAYERS) {
      const g = geometry(layer);
      const x = random(g.n * g.h * g.w * g.ci);
      const f = random(g.k * g.co);
      const dy = random(g.p * g.co);
      const [y, dw, dx] = [
        new Float32Array(g.p * g.co),
        new Float32Array(g.k * g.co),
        new Float32Array(x.length),
      ];
      const best = [Infinity, Infinity, Infinity];
      for (let r = 0; r < 200; r++) {
        const calls = [
          () => simd.forward(g, x, f, null, true, y),
          () => simd.filterGrad(g, x, dy, dw),
          () => simd.inputGrad(g, dy, f, dx),
        ];
        calls.forEach((call, i) => {
          const t0 = performance.now();
          call();
          best[i] = Math.min(best[i], performance.now() - t0);
        });
      }
      console.log(
        `   ${threads} thread(s), x [${layer.slice(0, 4)}] → ${layer[4]}: ${best.map((v) => v.toFixed(3)).join(' / ')}`,
      );
    }
  }

  console.log('2. independent kernels on two threads of one process (layer 1 forward, ms per call)');
  const alone = busyForward(2000);
  const worker = new Worker(fileURLToPath(import.meta.url));
  const other = new Promise((r) => worker.on('message', r));
  await new Promise((r) => setTimeout(r, 300));
  const together = busyForward(2000);
  console.log(
    `   main alone ${alone.toFixed(3)}; main with the worker busy ${together.toFixed(3)}; the worker meanwhile ${(await other).toFixed(3)}`,
  );

  console.log('3. training steps, alternating blocks of 40 on 1 and 2 threads (ms per step)');
  const { simpleCnn } = await pkg('models');
  const { ImageDataBunch } = await pkg('vision-data', 'node.js');
  const { Adam, crossEntropy } = await pkg('learner');
  await setupBackend('wasm');
  const data = await loadMnistSample(root, ImageDataBunch);
  const { step: train } = simpleCnnTrainer(tf, { simpleCnn, Adam, crossEntropy });
  const batch = data.train.batches(0)[Symbol.iterator]().next().value;
  const step = () => train(batch.x, batch.y);
  for (let i = 0; i < 300; i++) step();
  const times = { 1: [], 2: [] };
  for (let r = 0; r < Number(args.rounds); r++) {
    for (const threads of [1, 2]) {
      SimdConv.useThreads(threads);
      for (let i = 0; i < 5; i++) step();
      const t0 = performance.now();
      for (let i = 0; i < 40; i++) step();
      times[threads].push((performance.now() - t0) / 40);
    }
  }
  const median = (a) => [...a].sort((p, q) => p - q)[a.length >> 1];
  for (const threads of [1, 2]) {
    console.log(
      `   ${threads} thread(s): median ${median(times[threads]).toFixed(2)}, best ${Math.min(...times[threads]).toFixed(2)}`,
    );
  }

  console.log('4. ResNet-20 training steps, batch 64 × 32×32×3, alternating blocks of 5 (ms per step)');
  const { resnet } = await pkg('models');
  const net = resnet({ depth: 20, nClasses: 10, inChannels: 3, seed: 0 });
  net.train();
  const netParams = net.parameters();
  const netVars = netParams.map((p) => p.variable);
  const netOpt = new Adam([netParams.map((p) => ({ name: p.name, variable: p.variable, decay: true }))], {
    lr: 1e-3,
  });
  const rx = tf.randomUniform([64, 32, 32, 3], 0, 1, 'float32', 3);
  const ry = tf.tensor1d(
    Array.from({ length: 64 }, (_, i) => i % 10),
    'int32',
  );
  const netStep = () => {
    const { value, grads } = tf.variableGrads(() => crossEntropy(net.forward(rx), ry), netVars);
    value.dataSync();
    netOpt.step(grads);
    tf.dispose([value, ...Object.values(grads)]);
  };
  for (let i = 0; i < 5; i++) netStep();
  const netTimes = { 1: [], 2: [] };
  for (let r = 0; r < 3; r++) {
    for (const threads of [1, 2]) {
      SimdConv.useThreads(threads);
      netStep();
      const t0 = performance.now();
      for (let i = 0; i < 5; i++) netStep();
      netTimes[threads].push((performance.now() - t0) / 5);
    }
  }
  for (const threads of [1, 2]) {
    console.log(
      `   ${threads} thread(s): median ${median(netTimes[threads]).toFixed(0)}, best ${Math.min(...netTimes[threads]).toFixed(0)}`,
    );
  }
  SimdConv.useThreads(1);
  await worker.terminate();
}
