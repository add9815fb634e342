#!/usr/bin/env node
// Probe of the plan's main lever: both cores in Node through data parallelism. WASM runs one thread
// in Node, so each of two worker_threads holds its own WASM backend and a replica of
// simpleCnn([3,16,16,2]); every step the main thread sends the weights, each worker computes the
// gradients of half of the batch of 64, and the main thread averages them (the gradient of the mean
// loss over 64 images is the mean of the two halves'). Compared, in the same run, with the
// single-thread step on the whole batch and on half of it (same weight hand-over, so only the
// parallelism differs). Needs a second core that is actually free to show a gain.
//
// usage: node bench/data-parallel-probe.mjs [--steps 100] [--rounds 3]   (after pnpm build)
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const load = (p) => import(pathToFileURL(join(root, p)).href);
const { setupBackend } = await load('packages/backends/dist/index.js');
const { simpleCnn } = await load('packages/models/dist/index.js');
const { crossEntropy } = await load('packages/learner/dist/index.js');
const tf = await load('packages/backends/node_modules/@tensorflow/tfjs-core/dist/tf-core.node.js');

/** A replica: model, a fixed batch of `n` images (seeded by `seed`), and a gradient step on it. */
async function replica(n, seed) {
  await setupBackend('wasm');
  const model = simpleCnn([3, 16, 16, 2], undefined, undefined, false, { seed: 0 });
  model.train();
  const vars = model.parameters().map((p) => p.variable);
  const sizes = vars.map((v) => v.size);
  const total = sizes.reduce((a, b) => a + b, 0);
  const x = tf.randomUniform([n, 28, 28, 3], 0, 1, 'float32', seed);
  const y = tf.tensor1d(
    Array.from({ length: n }, (_, i) => (i + seed) % 2),
    'int32',
  );
  /** Loads the flat weights, returns the flat gradients of the mean loss over the n images. */
  const step = (weights) => {
    let off = 0;
    vars.forEach((v, i) => {
      v.assign(tf.tensor(weights.subarray(off, off + sizes[i]), v.shape));
      off += sizes[i];
    });
    const { value, grads } = tf.variableGrads(() => crossEntropy(model.forward(x), y), vars);
    const flat = new Float32Array(total);
    off = 0;
    for (const v of vars) {
      flat.set(grads[v.name].dataSync(), off);
      off += v.size;
    }
    value.dispose();
    tf.dispose(grads);
    return flat;
  };
  const weights = new Float32Array(total);
  let off = 0;
  for (const v of vars) {
    weights.set(v.dataSync(), off);
    off += v.size;
  }
  return { step, weights };
}

if (!isMainThread) {
  const r = await replica(workerData.n, workerData.seed);
  if (workerData.shared) {
    // Shared memory: flags[0] = step generation (main → workers), flags[1 + rank] = done generation;
    // weights and this worker's gradients live in SharedArrayBuffers; Atomics.wait blocks, no messages.
    const { flags, weights, grads, rank } = workerData.shared;
    const f = new Int32Array(flags);
    const w = new Float32Array(weights);
    const g = new Float32Array(grads);
    parentPort.postMessage('ready');
    for (let gen = 1; ; gen++) {
      while (Atomics.load(f, 0) < gen) Atomics.wait(f, 0, gen - 1);
      if (Atomics.load(f, 0) < 0) break;
      g.set(r.step(w));
      Atomics.store(f, 1 + rank, gen);
      Atomics.notify(f, 1 + rank);
      // Back to the event loop once per step (see data-parallel-fit.mjs).
      await new Promise((done) => setImmediate(done));
    }
  } else {
    parentPort.on('message', (w) => {
      const g = r.step(w);
      parentPort.postMessage(g, [g.buffer]);
    });
    parentPort.postMessage('ready');
  }
} else {
  const { values } = parseArgs({
    options: { steps: { type: 'string', default: '100' }, rounds: { type: 'string', default: '3' } },
  });
  const steps = Number(values.steps);
  const rounds = Number(values.rounds);
  const single = await replica(64, 1);
  const half = await replica(32, 1);
  const workers = [0, 1].map(
    (rank) => new Worker(fileURLToPath(import.meta.url), { workerData: { n: 32, seed: 1 + rank } }),
  );
  await Promise.all(workers.map((w) => new Promise((ok) => w.once('message', ok))));
  const parallelStep = (w) =>
    Promise.all(
      workers.map(
        (wk) =>
          new Promise((ok) => {
            wk.once('message', ok);
            wk.postMessage(w);
          }),
      ),
    ).then(([a, b]) => {
      for (let i = 0; i < a.length; i++) a[i] = (a[i] + b[i]) / 2;
      return a;
    });
  const weights = single.weights;
  const result = { singleMs: [], halfMs: [], parallelMs: [] };
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < 5; i++) single.step(weights);
    let t = performance.now();
    for (let i = 0; i < steps; i++) single.step(weights);
    result.singleMs.push((performance.now() - t) / steps);
    t = performance.now();
    for (let i = 0; i < steps; i++) half.step(weights);
    result.halfMs.push((performance.now() - t) / steps);
    for (let i = 0; i < 5; i++) await parallelStep(weights);
    t = performance.now();
    for (let i = 0; i < steps; i++) await parallelStep(weights);
    result.parallelMs.push((performance.now() - t) / steps);
  }
  for (const w of workers) await w.terminate();

  // The same with shared memory and Atomics instead of messages.
  const total = weights.length;
  const flags = new SharedArrayBuffer(4 * 3);
  const sharedW = new SharedArrayBuffer(4 * total);
  const sharedG = [0, 1].map(() => new SharedArrayBuffer(4 * total));
  const f = new Int32Array(flags);
  const w = new Float32Array(sharedW);
  const gs = sharedG.map((b) => new Float32Array(b));
  const sharedWorkers = [0, 1].map(
    (rank) =>
      new Worker(fileURLToPath(import.meta.url), {
        workerData: {
          n: 32,
          seed: 1 + rank,
          shared: { flags, weights: sharedW, grads: sharedG[rank], rank },
        },
      }),
  );
  await Promise.all(sharedWorkers.map((wk) => new Promise((ok) => wk.once('message', ok))));
  let gen = 0;
  const sharedStep = (src) => {
    w.set(src);
    gen += 1;
    Atomics.store(f, 0, gen);
    Atomics.notify(f, 0);
    for (let rank = 0; rank < 2; rank++) {
      while (Atomics.load(f, 1 + rank) < gen) Atomics.wait(f, 1 + rank, gen - 1);
    }
    const out = new Float32Array(total);
    for (let i = 0; i < total; i++) out[i] = (gs[0][i] + gs[1][i]) / 2;
    return out;
  };
  result.sharedMs = [];
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < 5; i++) sharedStep(weights);
    const t = performance.now();
    for (let i = 0; i < steps; i++) sharedStep(weights);
    result.sharedMs.push((performance.now() - t) / steps);
  }
  Atomics.store(f, 0, -1);
  Atomics.notify(f, 0);
  for (const wk of sharedWorkers) await wk.terminate();
  const best = (xs) => Math.min(...xs);
  console.log(
    `forward + backward of simpleCnn([3,16,16,2]) on 64 images, ms per step (best of ${rounds} rounds of ${steps}):`,
  );
  console.log(`  one thread, batch 64:                 ${best(result.singleMs).toFixed(2)}`);
  console.log(`  one thread, batch 32 (one worker's share): ${best(result.halfMs).toFixed(2)}`);
  console.log(`  two worker threads, 32 each, averaged: ${best(result.parallelMs).toFixed(2)}`);
  console.log(`  two worker threads, shared memory + Atomics: ${best(result.sharedMs).toFixed(2)}`);
  const speedup = best(result.singleMs) / best(result.parallelMs);
  const sharedSpeedup = best(result.singleMs) / best(result.sharedMs);
  console.log(
    `  speed-up: ${speedup.toFixed(2)}× with messages, ${sharedSpeedup.toFixed(2)}× with shared memory`,
  );
  console.log(JSON.stringify({ ...result, speedup, sharedSpeedup }));
}
