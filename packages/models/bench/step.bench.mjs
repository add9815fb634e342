// Milliseconds per training step (forward + backward + SGD update) of simpleCnn([3, 16, 16, 2]) at
// batch size 64 on 28×28×3 inputs, on the WASM backend (or the one named as the first argument).
// Run after building: `pnpm --filter @onecycle/models bench` (or `node bench/step.bench.mjs cpu`).
import { setupBackend } from '@onecycle/backends';
import { simpleCnn } from '@onecycle/models';
import * as tf from '@tensorflow/tfjs-core';

const backend = process.argv[2] ?? 'wasm';
const batchSize = Number(process.argv[3] ?? 64);
const steps = Number(process.argv[4] ?? 50);
const warmup = 5;

const { reason } = await setupBackend(backend);
const model = simpleCnn([3, 16, 16, 2], undefined, undefined, false, { seed: 0 });
const x = tf.randomUniform([batchSize, 28, 28, 3], 0, 1, 'float32', 1);
const y = tf.oneHot(
  tf.tensor1d(
    Array.from({ length: batchSize }, (_, i) => i % 2),
    'int32',
  ),
  2,
);
const vars = model.parameters().map((p) => p.variable);

const loss = () => tf.losses.softmaxCrossEntropy(y, model.forward(x));

function trainStep() {
  return tf.tidy(() => {
    const { value, grads } = tf.variableGrads(loss, vars);
    for (const v of vars) v.assign(tf.sub(v, tf.mul(grads[v.name], 0.01)));
    return value.dataSync()[0];
  });
}

function forwardStep() {
  return tf.tidy(() => model.forward(x).dataSync()[0]);
}

function time(fn, n) {
  for (let i = 0; i < warmup; i++) fn();
  const ms = [];
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    fn();
    ms.push(performance.now() - t);
  }
  const cpu = process.cpuUsage(cpu0);
  ms.sort((a, b) => a - b);
  // CPU time of this process per step: less sensitive than wall time to other work on the machine
  const cpuMs = (cpu.user + cpu.system) / 1000 / n;
  return { median: ms[Math.floor(n / 2)], p10: ms[Math.floor(n / 10)], min: ms[0], cpuMs };
}

const before = tf.memory().numTensors;
const train = time(trainStep, steps);
const fwdTrainMode = time(forwardStep, steps);
model.eval();
const fwdEval = time(forwardStep, steps);
const leaked = tf.memory().numTensors - before;

console.log(`backend: ${tf.getBackend()} (${reason})`);
console.log(`simpleCnn([3,16,16,2]), batch ${batchSize}, 28×28×3, ${steps} steps after ${warmup} warm-up`);
console.log(
  `training step (forward + backward + SGD): ${train.median.toFixed(2)} ms median, ${train.p10.toFixed(2)} ms 10th percentile, ${train.min.toFixed(2)} ms min, ${train.cpuMs.toFixed(2)} ms CPU time`,
);
console.log(`forward only (train mode):               ${fwdTrainMode.median.toFixed(2)} ms median`);
console.log(`forward only (eval mode):                ${fwdEval.median.toFixed(2)} ms median`);
console.log(`tensors leaked: ${leaked}`);
model.dispose();
tf.dispose([x, y]);
