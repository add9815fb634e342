#!/usr/bin/env node
// End-to-end probe of the plan's main lever: Learner.fitOneCycle(2, 5e-2) on MNIST_SAMPLE with the
// forward and backward passes of each batch split over two worker_threads (each with its own WASM
// backend and a replica of simpleCnn([3,16,16,2])), against the plain Learner, in the same run.
//
// How (a probe, not a design): the Learner gets a model whose training-mode forward hands the two
// halves of the batch and the current weights to the workers through shared memory and waits
// (Atomics); each worker returns its logits and the gradients of its half's mean cross-entropy; the
// forward returns the logits through tf.customGrad, whose gradient is the workers' mean gradient
// (the gradient of the mean loss over 64 images; this assumes the default cross-entropy loss). The
// labels reach the forward through a wrapper of the training loader. Validation, the optimizer, the
// schedule and the callbacks stay the Learner's own.
//
// usage: node bench/data-parallel-fit.mjs [--epochs 2]   (after pnpm build)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { isMainThread, Worker, workerData } from 'node:worker_threads';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const load = (p) => import(pathToFileURL(join(root, p)).href);
const tf = await load('packages/backends/node_modules/@tensorflow/tfjs-core/dist/tf-core.node.js');
const { setupBackend } = await load('packages/backends/dist/index.js');
const { simpleCnn } = await load('packages/models/dist/index.js');
const { crossEntropy, accuracy, Learner } = await load('packages/learner/dist/index.js');
await setupBackend('wasm');

const IMG = 28 * 28 * 3;
const HALF = 32;
const CLASSES = 2;

/** Shared buffers of one worker: its half batch in, its logits and gradients out. */
function sharedFor(nParams) {
  return {
    x: new SharedArrayBuffer(4 * HALF * IMG),
    y: new SharedArrayBuffer(4 * HALF),
    logits: new SharedArrayBuffer(4 * HALF * CLASSES),
    grads: new SharedArrayBuffer(4 * nParams),
  };
}

if (!isMainThread) {
  const { ctrl, weights, mine, rank } = workerData;
  const c = new Int32Array(ctrl);
  const w = new Float32Array(weights);
  const xs = new Float32Array(mine.x);
  const ys = new Int32Array(mine.y);
  const logitsOut = new Float32Array(mine.logits);
  const gradsOut = new Float32Array(mine.grads);
  const model = simpleCnn([3, 16, 16, CLASSES], undefined, undefined, false, { seed: 0 });
  model.train();
  const vars = model.parameters().map((p) => p.variable);
  for (let gen = 1; ; gen++) {
    while (Atomics.load(c, 0) < gen && Atomics.load(c, 3) === 0) Atomics.wait(c, 0, gen - 1, 1000);
    if (Atomics.load(c, 3) !== 0) break;
    let off = 0;
    for (const v of vars) {
      v.assign(tf.tensor(w.slice(off, off + v.size), v.shape));
      off += v.size;
    }
    const x = tf.tensor4d(xs, [HALF, 28, 28, 3]);
    const y = tf.tensor1d(ys, 'int32');
    let logits;
    const { value, grads } = tf.variableGrads(() => {
      const out = model.forward(x);
      logits = tf.keep(out);
      return crossEntropy(out, y);
    }, vars);
    logitsOut.set(logits.dataSync());
    off = 0;
    for (const v of vars) {
      gradsOut.set(grads[v.name].dataSync(), off);
      off += v.size;
    }
    tf.dispose([x, y, logits, value, ...Object.values(grads)]);
    Atomics.store(c, 1 + rank, gen);
    Atomics.notify(c, 1 + rank);
    // Back to the event loop once per step: a worker that only blocks in Atomics.wait never runs the
    // tasks that install V8's optimised WASM code, and stays on the baseline code.
    await new Promise((done) => setImmediate(done));
  }
} else {
  const { values } = parseArgs({ options: { epochs: { type: 'string', default: '2' } } });
  const epochs = Number(values.epochs);
  const work = mkdtempSync(join(tmpdir(), 'onecycle-dp-fit-'));
  let workers = [];
  let ctrlView;
  try {
    spawnSync('tar', ['xzf', join(root, 'packages/mnist-sample/data/mnist_sample.tgz'), '-C', work]);
    const { ImageDataBunch } = await load('packages/vision-data/dist/index.js');
    const data = await ImageDataBunch.fromFolder(join(work, 'mnist_sample'), { bs: 64, seed: 0 });

    // --- the plain Learner ------------------------------------------------------------------------
    const plainModel = simpleCnn([3, 16, 16, 2], undefined, undefined, false, { seed: 0 });
    const plain = new Learner(data, plainModel, { metrics: [accuracy] });
    await plain.fitOneCycle(epochs, 5e-2);
    const plainEpochs = plain.recorder.epochs;
    plain.dispose();
    plainModel.dispose();

    // --- the data-parallel one --------------------------------------------------------------------
    const model = simpleCnn([3, 16, 16, 2], undefined, undefined, false, { seed: 0 });
    const params = model.parameters();
    const nParams = params.reduce((a, p) => a + p.variable.size, 0);
    const ctrl = new SharedArrayBuffer(4 * 4);
    const weights = new SharedArrayBuffer(4 * nParams);
    const c = new Int32Array(ctrl);
    ctrlView = c;
    const w = new Float32Array(weights);
    const mine = [sharedFor(nParams), sharedFor(nParams)];
    workers = [0, 1].map(
      (rank) =>
        new Worker(fileURLToPath(import.meta.url), { workerData: { ctrl, weights, mine: mine[rank], rank } }),
    );
    const views = mine.map((m) => ({
      x: new Float32Array(m.x),
      y: new Int32Array(m.y),
      logits: new Float32Array(m.logits),
      grads: new Float32Array(m.grads),
    }));
    let gen = 0;
    let currentY;
    let gradCheck;
    let waitMs = 0;
    const realForward = model.forward.bind(model);
    const parallelForward = (x) => {
      if (x.shape[0] !== 2 * HALF) return realForward(x);
      const xv = x.dataSync();
      const yv = currentY.dataSync();
      let off = 0;
      for (const p of params) {
        w.set(p.variable.dataSync(), off);
        off += p.variable.size;
      }
      views.forEach((v, r) => {
        v.x.set(xv.subarray(r * HALF * IMG, (r + 1) * HALF * IMG));
        v.y.set(yv.subarray(r * HALF, (r + 1) * HALF));
      });
      gen += 1;
      const t0 = performance.now();
      Atomics.store(c, 0, gen);
      Atomics.notify(c, 0);
      for (let r = 0; r < 2; r++) while (Atomics.load(c, 1 + r) < gen) Atomics.wait(c, 1 + r, gen - 1);
      waitMs += performance.now() - t0;
      const logits = new Float32Array(2 * HALF * CLASSES);
      views.forEach((v, r) => {
        logits.set(v.logits, r * HALF * CLASSES);
      });
      const vars = params.map((p) => p.variable);
      if (gradCheck === undefined) {
        // Once: the workers' mean gradient against this thread's own on the whole batch.
        const { value, grads } = tf.variableGrads(() => crossEntropy(realForward(x), currentY), vars);
        let o = 0;
        gradCheck = 0;
        for (const v of vars) {
          const g = grads[v.name].dataSync();
          let max = 0;
          let diff = 0;
          for (let i = 0; i < v.size; i++) {
            max = Math.max(max, Math.abs(g[i]));
            diff = Math.max(diff, Math.abs(g[i] - (views[0].grads[o + i] + views[1].grads[o + i]) / 2));
          }
          gradCheck = Math.max(gradCheck, diff / max);
          o += v.size;
        }
        tf.dispose([value, ...Object.values(grads)]);
      }
      const f = tf.customGrad((...args) => ({
        value: tf.tensor2d(logits, [2 * HALF, CLASSES]),
        gradFunc: () => {
          const out = [tf.zerosLike(args[0])];
          let o = 0;
          for (const v of vars) {
            const g = new Float32Array(v.size);
            for (let i = 0; i < v.size; i++) g[i] = (views[0].grads[o + i] + views[1].grads[o + i]) / 2;
            out.push(tf.tensor(g, v.shape));
            o += v.size;
          }
          return out;
        },
      }));
      return f(x, ...vars);
    };
    model.forward = (x) => (model.training ? parallelForward(x) : realForward(x));
    const train = data.train;
    const trainWrapper = {
      get batchSize() {
        return train.batchSize;
      },
      get length() {
        return train.length;
      },
      get size() {
        return train.size;
      },
      *batches(epoch) {
        for (const b of train.batches(epoch)) {
          currentY = b.y;
          yield b;
        }
      },
    };
    const bunch = { train: trainWrapper, valid: data.valid, classes: data.classes, c: data.c };
    const learn = new Learner(bunch, model, { metrics: [accuracy] });
    const fitStart = performance.now();
    await learn.fitOneCycle(epochs, 5e-2);
    const fitMs = performance.now() - fitStart;
    const dpEpochs = learn.recorder.epochs;
    learn.dispose();

    const fmt = (es) => es.map((e) => e.seconds.toFixed(2)).join(' / ');
    const best = (es) => Math.min(...es.map((e) => e.seconds));
    console.log(`fitOneCycle(${epochs}, 5e-2) on MNIST_SAMPLE, simpleCnn([3,16,16,2]), WASM:`);
    console.log(
      `  one thread:        epochs ${fmt(plainEpochs)} s, accuracy ${plainEpochs.at(-1).metrics.accuracy.toFixed(4)}`,
    );
    console.log(
      `  two workers (DP):  epochs ${fmt(dpEpochs)} s, accuracy ${dpEpochs.at(-1).metrics.accuracy.toFixed(4)}`,
    );
    console.log(
      `  per training step: ${(waitMs / gen).toFixed(2)} ms waiting for the workers, ${((fitMs - waitMs) / gen).toFixed(2)} ms on the main thread (data, optimizer, validation, callbacks)`,
    );
    console.log(`  first step: largest relative difference of the gradients ${gradCheck.toExponential(1)}`);
    console.log(`  best epoch: ${(best(plainEpochs) / best(dpEpochs)).toFixed(2)}× faster`);
  } finally {
    if (ctrlView) {
      Atomics.store(ctrlView, 3, 1);
      Atomics.notify(ctrlView, 0);
    }
    for (const wk of workers) await wk.terminate();
    rmSync(work, { recursive: true, force: true });
  }
}
