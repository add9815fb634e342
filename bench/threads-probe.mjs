#!/usr/bin/env node
// Probe: the threaded WASM binary under Node (bench/wasm-threads-node.mjs) against the stock
// single-threaded SIMD binary, each in fresh processes, alternating: milliseconds per training step
// (forward + backward + Adam) of simpleCnn([3,16,16,2]) at batch 64, and one real epoch of
// Learner.fitOneCycle(2, 5e-2) on MNIST_SAMPLE (seconds per epoch and final accuracy, so a broken
// threaded build would show).
//
// usage: node bench/threads-probe.mjs [--threads 2] [--rounds 2]   (after pnpm build)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { simpleCnnTrainer } from './simple-cnn-trainer.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    threads: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '2' },
    child: { type: 'string' },
    data: { type: 'string' },
  },
});

if (values.child !== undefined) {
  const threads = Number(values.child);
  const load = (p) => import(pathToFileURL(join(root, p)).href);
  const tf = await load('packages/backends/node_modules/@tensorflow/tfjs-core/dist/tf-core.node.js');
  // Importing the backends package registers the WASM backend (and its flags) without starting it.
  const { setupBackend } = await load('packages/backends/dist/index.js');
  let restore = () => {};
  if (threads > 1) {
    const { enableWasmThreadsInNode } = await import('./wasm-threads-node.mjs');
    restore = enableWasmThreadsInNode({ tf, threads });
  }
  const choice = await setupBackend('wasm', threads > 1 ? { threads } : {});
  restore();
  const { simpleCnn } = await load('packages/models/dist/index.js');
  const { Adam, Learner, accuracy, crossEntropy } = await load('packages/learner/dist/index.js');
  const { ImageDataBunch } = await load('packages/vision-data/dist/index.js');

  const { model, opt, step: train } = simpleCnnTrainer(tf, { simpleCnn, Adam, crossEntropy });
  const x = tf.randomUniform([64, 28, 28, 3], 0, 1, 'float32', 5);
  const y = tf.tensor1d(
    Array.from({ length: 64 }, (_, i) => i % 2),
    'int32',
  );
  const step = () => train(x, y);
  for (let i = 0; i < 10; i++) step();
  const stepMs = [];
  for (let r = 0; r < 5; r++) {
    const t = performance.now();
    for (let i = 0; i < 30; i++) step();
    stepMs.push((performance.now() - t) / 30);
  }
  opt.dispose();
  model.dispose();

  const data = await ImageDataBunch.fromFolder(values.data, { bs: 64, seed: 0 });
  const net = simpleCnn([3, 16, 16, 2], undefined, undefined, false, { seed: 0 });
  const learn = new Learner(data, net, { metrics: [accuracy] });
  await learn.fitOneCycle(2, 5e-2);
  const epochs = learn.recorder.epochs;
  console.log(
    JSON.stringify({
      threads,
      backend: choice.reason,
      stepMsBest: Math.min(...stepMs),
      stepMsMedian: [...stepMs].sort((a, b) => a - b)[2],
      epochSeconds: epochs.map((e) => e.seconds),
      accuracy: epochs.at(-1).metrics.accuracy,
    }),
  );
  process.exit(0);
}

const threads = Number(values.threads);
const rounds = Number(values.rounds);
const work = mkdtempSync(join(tmpdir(), 'onecycle-threads-probe-'));
const runs = { 1: [], [threads]: [] };
try {
  spawnSync('tar', ['xzf', join(root, 'packages/mnist-sample/data/mnist_sample.tgz'), '-C', work]);
  const data = join(work, 'mnist_sample');
  for (let r = 0; r < rounds; r++) {
    for (const t of [1, threads]) {
      const p = spawnSync(
        process.execPath,
        [fileURLToPath(import.meta.url), '--child', String(t), '--data', data],
        {
          encoding: 'utf8',
          timeout: 600_000,
        },
      );
      if (p.status !== 0) {
        console.error(`threads ${t} failed (${p.status}):\n${p.stderr.slice(-3000)}`);
        process.exit(1);
      }
      const res = JSON.parse(p.stdout.trim().split('\n').pop());
      runs[t].push(res);
      console.error(
        `  ${res.backend}: step ${res.stepMsBest.toFixed(2)} ms (median ${res.stepMsMedian.toFixed(2)}), epochs ${res.epochSeconds.map((s) => s.toFixed(2)).join(' / ')} s, accuracy ${res.accuracy.toFixed(4)}`,
      );
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
const best = (t, f) => Math.min(...runs[t].flatMap(f));
const s1 = best(1, (r) => [r.stepMsBest]);
const sN = best(threads, (r) => [r.stepMsBest]);
const e1 = best(1, (r) => r.epochSeconds);
const eN = best(threads, (r) => r.epochSeconds);
console.log(
  `WASM in Node, 1 thread (stock) against ${threads} threads (threaded binary), best of ${rounds} runs:`,
);
console.log(
  `  training step (forward + backward + Adam), ms: ${s1.toFixed(2)} → ${sN.toFixed(2)}  (${(s1 / sN).toFixed(2)}×)`,
);
console.log(
  `  MNIST_SAMPLE epoch (Learner.fitOneCycle), s:   ${e1.toFixed(2)} → ${eN.toFixed(2)}  (${(e1 / eN).toFixed(2)}×)`,
);
console.log(JSON.stringify({ threads, runs }));
