// Milliseconds per forward+backward step of a 3-layer stride-2 3×3 convnet (3→16→16→2, ReLU, global mean
// pool, softmax cross-entropy) on a 64×28×28×3 batch, with WASM's stock kernels ("before") and
// with this package's kernels ("after"), plus the time per kernel. Run: `pnpm --filter @onecycle/backends bench`
// (builds first). Options: --steps N (default 30), --batch N (default 64). Reports the fastest step (least
// disturbed by other processes) and the median.

import { registerWasmTrainingKernels, setupBackend, unregisterWasmTrainingKernels } from '@onecycle/backends';
import * as tf from '@tensorflow/tfjs-core';
import { makeConv2DBackpropFilterKernel } from '../dist/kernels/conv2d-backprop-filter.js';

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const steps = arg('steps', 30);
const batch = arg('batch', 64);

const choice = await setupBackend('wasm');
console.log(`backend: ${choice.backend} (${choice.reason})`);

const baseline = tf.memory().numTensors;
const x = tf.randomUniform([batch, 28, 28, 3], 0, 1, 'float32', 1);
const labels = tf.tidy(() => tf.oneHot(tf.randomUniform([batch], 0, 2, 'int32', 2), 2));
const channels = [3, 16, 16, 2];
const weights = channels
  .slice(1)
  .map((c, i) =>
    tf.tidy(() =>
      tf.variable(
        tf.randomNormal([3, 3, channels[i], c], 0, Math.sqrt(2 / (9 * channels[i])), 'float32', 10 + i),
        true,
        `w${i}`,
      ),
    ),
  );
const biases = channels.slice(1).map((c, i) => tf.tidy(() => tf.variable(tf.zeros([c]), true, `b${i}`)));

function loss() {
  let h = x;
  for (let i = 0; i < weights.length; i++) {
    h = tf.conv2d(h, weights[i], 2, 'same');
    h = tf.add(h, biases[i]);
    if (i < weights.length - 1) h = tf.relu(h);
  }
  const logits = tf.mean(h, [1, 2]);
  return tf.losses.softmaxCrossEntropy(labels, logits);
}

function step() {
  const { value, grads } = tf.variableGrads(loss);
  value.dataSync();
  for (const g of Object.values(grads)) g.dataSync();
  tf.dispose([value, ...Object.values(grads)]);
}

const variants = {
  // WASM's own kernels (Conv2DBackpropInput, Identity, …); it has no Conv2DBackpropFilter, so ours stands in.
  before: () => {
    unregisterWasmTrainingKernels();
    tf.registerKernel(makeConv2DBackpropFilterKernel('wasm'));
  },
  after: () => {
    if (tf.getKernel(tf.Conv2DBackpropFilter, 'wasm') != null)
      tf.unregisterKernel(tf.Conv2DBackpropFilter, 'wasm');
    registerWasmTrainingKernels();
  },
};

function stats(times) {
  const sorted = [...times].sort((a, b) => a - b);
  return { min: sorted[0], median: sorted[Math.floor(sorted.length / 2)] };
}

async function kernelProfile() {
  const profile = await tf.profile(() => step());
  const perKernel = new Map();
  for (const k of profile.kernels) {
    const t = await k.kernelTimeMs;
    const entry = perKernel.get(k.name) ?? { ms: 0, calls: 0 };
    entry.ms += typeof t === 'number' ? t : 0;
    entry.calls += 1;
    perKernel.set(k.name, entry);
  }
  return perKernel;
}

// Rounds alternate the variants so that both see the same load on a shared machine.
const times = { before: [], after: [] };
for (const name of Object.keys(variants)) {
  variants[name]();
  for (let i = 0; i < 3; i++) step(); // warm-up
}
const rounds = Math.max(1, Math.round(steps / 5));
for (let r = 0; r < rounds; r++) {
  for (const name of Object.keys(variants)) {
    variants[name]();
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      step();
      times[name].push(performance.now() - t0);
    }
  }
}
const summary = {};
for (const name of Object.keys(variants)) {
  variants[name]();
  // Per-kernel times: the smallest of 5 profiled steps, kernel by kernel.
  const best = new Map();
  for (let i = 0; i < 5; i++) {
    for (const [k, e] of await kernelProfile()) {
      const prev = best.get(k);
      if (prev == null || e.ms < prev.ms) best.set(k, e);
    }
  }
  const s = stats(times[name]);
  summary[name] = s;
  const kernelSum = [...best.values()].reduce((a, e) => a + e.ms, 0);
  console.log(
    `\n${name}: ${s.min.toFixed(2)} ms/step (min; median ${s.median.toFixed(2)}) over ${times[name].length} steps, batch ${batch}; kernels ${kernelSum.toFixed(2)} ms`,
  );
  const top = [...best.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 8);
  for (const [k, { ms, calls }] of top)
    console.log(`  ${k.padEnd(24)} ${ms.toFixed(2).padStart(7)} ms  (${calls} calls)`);
}
console.log(
  `\nspeed-up: ${(summary.before.min / summary.after.min).toFixed(2)}× by min, ${(summary.before.median / summary.after.median).toFixed(2)}× by median`,
);
variants.after();
const leaked = tf.memory().numTensors - baseline - (2 + 2 * weights.length);
if (leaked !== 0) throw new Error(`${leaked} tensors leaked`);
