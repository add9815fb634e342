#!/usr/bin/env node
// Where the time of a training step goes: simpleCnn([3,16,16,2]) on MNIST_SAMPLE, batch size 64, on
// the WASM backend, over the built packages (run `pnpm build` first).
//
// Two views:
//  1. Per kernel (tf.profile over whole training steps): forward, backward by layer, optimizer update,
//     each kernel with its input shapes, in milliseconds per step.
//  2. Per phase of one real epoch, timed around the same calls the Learner makes: batch assembly,
//     forward + backward (tf.variableGrads), loss read-back, optimizer update (the learner's Adam),
//     disposal, validation — wall and CPU time (CPU time is the steadier figure on a shared machine).
//
// usage: node bench/step-profile.mjs [--steps 30] [--bs 64] [--conv-threads N] [--json]
// Writes bench/results/step-profile-<timestamp>.json and prints tables.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { loadMnistSample, simpleCnnTrainer } from './simple-cnn-trainer.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    steps: { type: 'string', default: '30' },
    bs: { type: 'string', default: '64' },
    json: { type: 'boolean', default: false },
    'conv-threads': { type: 'string' },
  },
});
const steps = Number(args.steps);
const bs = Number(args.bs);
if (!Number.isInteger(steps) || steps < 1 || !Number.isInteger(bs) || bs < 1) {
  console.error('usage: step-profile.mjs [--steps N ≥ 1] [--bs N ≥ 1]');
  process.exit(2);
}

/** Imports a workspace package's build output (the packages are not linked at the root). */
async function pkg(name, file = 'index.js') {
  const url = pathToFileURL(join(root, 'packages', name, 'dist', file)).href;
  try {
    return await import(url);
  } catch (err) {
    console.error(`step-profile: cannot load packages/${name}/dist (run pnpm build first): ${err.message}`);
    process.exit(1);
  }
}
const { setupBackend } = await pkg('backends');
const { simpleCnn } = await pkg('models');
const { Adam, crossEntropy, accuracy } = await pkg('learner');
const { ImageDataBunch } = await pkg('vision-data', 'node.js');
// The same tfjs-core instance the packages load (its CommonJS main, as Node resolves it for them).
const tf = await import(
  pathToFileURL(join(root, 'packages/backends/node_modules/@tensorflow/tfjs-core/dist/tf-core.node.js')).href
);

const choice = await setupBackend(
  'wasm',
  args['conv-threads'] ? { convThreads: Number(args['conv-threads']) } : {},
);
const log = args.json ? (...a) => console.error(...a) : (...a) => console.log(...a);
log(`backend: ${choice.backend} (${choice.reason})`);

// --- data -------------------------------------------------------------------------------------------
const data = await loadMnistSample(root, ImageDataBunch, bs);
log(`data: ${data.train.size} train / ${data.valid.size} valid images, batch size ${bs}`);

// --- model and optimizer, as the Learner builds them (fastai v1 defaults) ---------------------------
const { model, vars, opt, step } = simpleCnnTrainer(tf, { simpleCnn, Adam, crossEntropy }, data.c);

// Kernel counts at the end of the forward pass and of the backward pass, read off the engine's active
// profile (tfjs internals, for the split only) while tf.profile records a step.
let nFwd = 0;
let nFwdBwd = 0;
const profiled = () => tf.engine().state.activeProfile?.kernels?.length ?? 0;

function trainStep(batch) {
  return step(batch.x, batch.y, {
    afterForward: () => {
      nFwd = profiled();
    },
    afterBackward: () => {
      nFwdBwd = profiled();
    },
  });
}

// --- 1. per kernel ------------------------------------------------------------------------------------
const it = data.train.batches(0)[Symbol.iterator]();
const batch = it.next().value;
for (let i = 0; i < 5; i++) trainStep(batch); // warm-up: kernels set up, optimizer state created

// Each kernel (by its position in the step) gets the median of its times over the steps: on a
// shared machine a preemption lands on a random kernel, and the median ignores it.
const agg = new Map(); // position → { phase, kernel, shapes, times }
const stepWall = [];
for (let s = 0; s < steps; s++) {
  const t0 = performance.now();
  const info = await tf.profile(() => {
    trainStep(batch);
  });
  stepWall.push(performance.now() - t0);
  const split = [nFwd, nFwdBwd];
  info.kernels.forEach((k, i) => {
    const phase = i < split[0] ? 'forward' : i < split[1] ? 'backward' : 'optimizer';
    const shapes = k.inputShapes.map((sh) => `[${sh ?? ''}]`).join(' ');
    const e = agg.get(i) ?? { phase, kernel: k.name, shapes, order: i, times: [] };
    e.times.push(k.kernelTimeMs);
    agg.set(i, e);
  });
}
batch.x.dispose();
batch.y.dispose();
const median = (xs) => {
  const a = [...xs].sort((p, q) => p - q);
  const m = a.length >> 1;
  return a.length % 2 ? a[m] : (a[m - 1] + a[m]) / 2;
};
const kernels = [...agg.values()].map(({ times, ...e }) => ({ ...e, ms: median(times) }));
const phaseMs = (ph) => kernels.filter((k) => k.phase === ph).reduce((a, k) => a + k.ms, 0);
const perKernel = {
  steps,
  kernelsPerStep: kernels.length,
  forwardMs: phaseMs('forward'),
  backwardMs: phaseMs('backward'),
  optimizerMs: phaseMs('optimizer'),
  profiledStepWallMs: median(stepWall),
  kernels,
};

// Backward by layer. A conv layer is known by its input, filter and output shapes (read off the
// forward Conv2D kernels): the filter gradient takes the layer's input, the input gradient its
// filter, and the bias and ReLU gradients work on tensors of its output's shape.
const convs = kernels
  .filter(
    (k) =>
      k.phase === 'forward' &&
      (k.kernel === 'Conv2D' || k.kernel === 'FusedConv2D' || k.kernel === 'OnecycleConv2DBiasAct'),
  )
  .map((k, i) => {
    const [xs, fs] = k.shapes.split(' ');
    return { name: `conv ${i} (x ${xs}, filter ${fs})`, x: xs, filter: fs };
  });
convs.forEach((c, i) => {
  c.out = convs[i + 1]?.x;
});
// conv2dBiasAct's gradient kernels (@onecycle/ops' CONV2D_BIAS_ACT_KERNELS) take (x, dy, y), (filter, dy, y)
// and (dy, y); tfjs's own take (x, dy) and (dy, filter).
function layerOf(k) {
  const [first, second] = k.shapes.split(' ');
  if (k.kernel === 'Conv2DBackpropFilter' || k.kernel === 'OnecycleConv2DBiasActFilterGrad')
    return convs.find((c) => c.x === first)?.name;
  if (k.kernel === 'Conv2DBackpropInput') return convs.find((c) => c.filter === second)?.name;
  if (k.kernel === 'OnecycleConv2DBiasActInputGrad') return convs.find((c) => c.filter === first)?.name;
  return convs.find((c) => c.out !== undefined && c.out === first)?.name;
}
const byLayer = new Map();
for (const k of kernels.filter((x) => x.phase === 'backward')) {
  const l = layerOf(k) ?? "loss, pooling and the last layer's bias/ReLU";
  byLayer.set(l, (byLayer.get(l) ?? 0) + k.ms);
}
perKernel.backwardByLayer = Object.fromEntries(byLayer);

// --- 2. per phase of one real epoch -------------------------------------------------------------------
const phases = {
  batchAssembly: 0,
  forwardBackward: 0,
  lossReadback: 0,
  optimizer: 0,
  dispose: 0,
  validation: 0,
};
const cpu = { ...phases };
const clock = () => ({ wall: performance.now(), cpu: process.cpuUsage() });
const lap = (name, t) => {
  const c = process.cpuUsage(t.cpu);
  phases[name] += performance.now() - t.wall;
  cpu[name] += (c.user + c.system) / 1000;
};
let nBatches = 0;
const epochStart = clock();
{
  const iter = data.train.batches(1)[Symbol.iterator]();
  for (;;) {
    let t = clock();
    const r = iter.next();
    lap('batchAssembly', t);
    if (r.done) break;
    const b = r.value;
    t = clock();
    const { value, grads } = tf.variableGrads(() => crossEntropy(model.forward(b.x), b.y), vars);
    lap('forwardBackward', t);
    t = clock();
    await value.data();
    lap('lossReadback', t);
    t = clock();
    opt.step(grads);
    lap('optimizer', t);
    t = clock();
    value.dispose();
    tf.dispose(grads);
    b.x.dispose();
    b.y.dispose();
    lap('dispose', t);
    nBatches++;
  }
  const t = clock();
  model.eval();
  let sums = null;
  for (const { x, y } of data.valid.batches()) {
    const next = tf.tidy(() => {
      const out = model.forward(x);
      const v = tf.stack([tf.mul(crossEntropy(out, y), x.shape[0]), tf.mul(accuracy(out, y), x.shape[0])]);
      return sums ? tf.add(sums, v) : v;
    });
    sums?.dispose();
    sums = next;
    x.dispose();
    y.dispose();
  }
  await sums.data();
  sums.dispose();
  model.train();
  lap('validation', t);
}
const epochWall = performance.now() - epochStart.wall;
const epochCpuUsage = process.cpuUsage(epochStart.cpu);
const epochCpu = (epochCpuUsage.user + epochCpuUsage.system) / 1000;
const perPhase = {
  batches: nBatches,
  epochWallSeconds: epochWall / 1000,
  epochCpuSeconds: epochCpu / 1000,
  wallMs: phases,
  cpuMs: cpu,
  perStepWallMs: Object.fromEntries(
    Object.entries(phases)
      .filter(([k]) => k !== 'validation')
      .map(([k, v]) => [k, v / nBatches]),
  ),
};

opt.dispose();
model.dispose();
data.dispose?.();

// --- print --------------------------------------------------------------------------------------------
const f = (x, d = 2) => x.toFixed(d);
log(
  `\nPer kernel, ms per training step (tf.profile, median of ${steps} steps; ${kernels.length} kernels per step):`,
);
log(
  `  forward ${f(perKernel.forwardMs)}  backward ${f(perKernel.backwardMs)}  optimizer (tfjs kernels; a JS update shows in the epoch phases) ${f(perKernel.optimizerMs)}  ` +
    `(sum ${f(perKernel.forwardMs + perKernel.backwardMs + perKernel.optimizerMs)}; step wall with profiling ${f(perKernel.profiledStepWallMs)})`,
);
log('  backward by layer:');
for (const [l, ms] of byLayer) log(`    ${l.padEnd(36)} ${f(ms)}`);
const top = [...kernels].sort((a, b) => b.ms - a.ms).slice(0, 15);
log('  slowest kernels:');
for (const k of top)
  log(`    ${k.phase.padEnd(9)} ${k.kernel.padEnd(24)} ${f(k.ms, 3).padStart(7)}  ${k.shapes}`);
const byName = new Map();
for (const k of kernels) {
  const key = `${k.phase} ${k.kernel}`;
  const e = byName.get(key) ?? { ms: 0, n: 0 };
  e.ms += k.ms;
  e.n += 1;
  byName.set(key, e);
}
log('  by kernel name (phase kernel: ms per step, calls per step):');
for (const [k, e] of [...byName].sort((a, b) => b[1].ms - a[1].ms).slice(0, 20)) {
  log(`    ${k.padEnd(34)} ${f(e.ms, 3).padStart(7)}  ×${e.n}`);
}
log(
  `\nOne epoch (${nBatches} batches + validation), wall ${f(perPhase.epochWallSeconds)} s, CPU ${f(perPhase.epochCpuSeconds)} s:`,
);
log('  phase              wall ms   cpu ms   wall ms/step');
for (const k of Object.keys(phases)) {
  log(
    `  ${k.padEnd(17)} ${f(phases[k], 0).padStart(8)} ${f(cpu[k], 0).padStart(8)}   ${k === 'validation' ? '' : f(phases[k] / nBatches)}`,
  );
}

const result = {
  date: new Date().toISOString(),
  machine: {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    load1: os.loadavg()[0],
    node: process.version,
  },
  backend: choice.backend,
  model: `simpleCnn([3,16,16,${data.c}])`,
  batchSize: bs,
  perKernel,
  perPhase,
};
mkdirSync(join(root, 'bench/results'), { recursive: true });
const out = join(root, 'bench/results', `step-profile-${result.date.replace(/[:.]/g, '-')}.json`);
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
log(`\nresults: ${out}`);
if (args.json) console.log(JSON.stringify(result));
