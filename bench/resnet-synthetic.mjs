#!/usr/bin/env node
// Our side of the ResNet-20 case of compare-torch.mjs (its peer: bench/peer_torch_resnet.py):
// @onecycle/models' resnet() (depth 20, widths 16/32/64, 10 classes) trained with the learner's Adam
// (betas 0.9/0.99, true weight decay 1e-2, lr 1e-3, batch 64) on IMAGES synthetic 32×32×3 images
// (uniform in [0, 1], labels i mod 10) on the WASM backend, the convolution kernels on THREADS
// threads: timing only. Over the built packages (pnpm build).
// usage: node bench/resnet-synthetic.mjs IMAGES EPOCHS [THREADS] [SEED]
// Prints one JSON line with the fields compare-torch.mjs reads from the trainer's --json.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtPackages, fastaiAdam } from './simple-cnn-trainer.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const usage = 'usage: node bench/resnet-synthetic.mjs IMAGES EPOCHS [THREADS] [SEED]';
const BATCH = 64;
const argv = process.argv.slice(2);
function integer(name, text, low) {
  if (!/^\d+$/.test(text ?? '') || Number(text) < low) {
    console.error(`resnet-synthetic: ${name} must be an integer ≥ ${low}, got '${text}'\n${usage}`);
    process.exit(2);
  }
  return Number(text);
}
if (argv.length < 2 || argv.length > 4) {
  console.error(`resnet-synthetic: expected 2 to 4 arguments, got ${argv.length}\n${usage}`);
  process.exit(2);
}
const images = integer('IMAGES', argv[0], BATCH);
const epochs = integer('EPOCHS', argv[1], 1);
const threads = argv[2] === undefined ? 1 : integer('THREADS', argv[2], 1);
const seed = argv[3] === undefined ? 0 : integer('SEED', argv[3], 0);

const { tf, setupBackend, resnet, Adam, crossEntropy } = await builtPackages(root);
const { reason } = await setupBackend('wasm', { convThreads: threads });

/**
 * Uniform values in [0, 1) from a 32-bit xorshift generator seeded by `seed`, handed out a run at a
 * time (`next(out)` fills `out` with the next values): synthetic pixels, made fast (tfjs's seeded
 * randomUniform takes ≈ 0.3 µs a value).
 */
function uniformStream(seed) {
  let state = (seed ^ 0x9e3779b9) >>> 0 || 1;
  return (out) => {
    for (let i = 0; i < out.length; i++) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      out[i] = (state >>> 0) / 4294967296;
    }
    return out;
  };
}

// The images go straight into one tensor per batch, as PyTorch's peer holds them once (it slices
// views of one tensor): no whole-set tensor, no copies of it.
const t0 = performance.now();
const batches = Math.floor(images / BATCH);
const next = uniformStream(seed);
const xs = Array.from({ length: batches }, () =>
  tf.tensor4d(next(new Float32Array(BATCH * 32 * 32 * 3)), [BATCH, 32, 32, 3]),
);
const ys = Array.from({ length: batches }, (_, b) =>
  tf.tensor1d(
    Array.from({ length: BATCH }, (_, i) => (b * BATCH + i) % 10),
    'int32',
  ),
);
const loadSeconds = (performance.now() - t0) / 1000;

const net = resnet({ depth: 20, nClasses: 10, inChannels: 3, seed });
net.train();
const params = net.parameters();
const vars = params.map((p) => p.variable);
const opt = fastaiAdam(Adam, params);
const cpu0 = process.cpuUsage();
const epochRecords = [];
let loss = Number.NaN;
for (let e = 0; e < epochs; e++) {
  const t = performance.now();
  for (let b = 0; b < batches; b++) {
    const { value, grads } = tf.variableGrads(() => crossEntropy(net.forward(xs[b]), ys[b]), vars);
    if (b === batches - 1) loss = value.dataSync()[0];
    opt.step(grads);
    tf.dispose([value, ...Object.values(grads)]);
  }
  epochRecords.push({ seconds: (performance.now() - t) / 1000 });
}
const cpu = process.cpuUsage(cpu0);
console.log(
  JSON.stringify({
    backend: reason,
    model: 'resnet20 (32×32×3, 10 classes)',
    trainItems: batches * BATCH,
    loadSeconds,
    epochs: epochRecords,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    accuracy: Number.NaN,
    validLoss: Number.NaN,
    loss,
  }),
);
