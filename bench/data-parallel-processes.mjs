#!/usr/bin/env node
// Probe: data parallelism over two *processes* (the plan's next lever for both cores, since two
// threads in one process slow each other down while two processes do not). Each process holds a
// replica of simpleCnn([3,16,16,2]) and its own WASM backend, loads MNIST_SAMPLE itself, and runs
// one training pass with the same shuffled order: the parent takes the first half of every batch of
// 64, the child the second. After each backward pass they swap gradients through two named pipes
// (blocking reads, 12 KB each way), both average them in the same order and take the same Adam
// step, so the replicas stay identical (checked at the end). Against one process training on the
// whole batches, in the same run. No validation, schedule or callbacks: steps only.
//
// usage: node bench/data-parallel-processes.mjs [--passes 2]   (after pnpm build)
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { loadMnistSample, simpleCnnTrainer } from './simple-cnn-trainer.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = (name, file = 'index.js') =>
  import(pathToFileURL(join(root, 'packages', name, 'dist', file)).href);
const tf = await import(
  pathToFileURL(join(root, 'packages/backends/node_modules/@tensorflow/tfjs-core/dist/tf-core.node.js')).href
);
const { setupBackend } = await pkg('backends');
const { simpleCnn } = await pkg('models');
const { ImageDataBunch } = await pkg('vision-data', 'node.js');
const { Adam, crossEntropy } = await pkg('learner');
const { values: args } = parseArgs({
  options: {
    passes: { type: 'string', default: '2' },
    child: { type: 'string' }, // the pipes' folder (set for the child process)
  },
});

await setupBackend('wasm');
const data = await loadMnistSample(root, ImageDataBunch);

function replica() {
  const { model, vars, opt } = simpleCnnTrainer(tf, { simpleCnn, Adam, crossEntropy });
  const params = model.parameters();
  const names = params.map((p) => p.variable.name);
  const sizes = vars.map((v) => v.size);
  const total = sizes.reduce((a, b) => a + b, 0);
  /** Gradients of the mean loss over the items of `batch` in [lo, hi), flattened. */
  const gradients = (batch, lo, hi) => {
    const flat = new Float32Array(total);
    tf.tidy(() => {
      const x = lo === 0 && hi === batch.x.shape[0] ? batch.x : tf.slice(batch.x, lo, hi - lo);
      const y = lo === 0 && hi === batch.y.shape[0] ? batch.y : tf.slice(batch.y, lo, hi - lo);
      const { value, grads } = tf.variableGrads(() => crossEntropy(model.forward(x), y), vars);
      value.dataSync();
      let at = 0;
      for (const name of names) {
        flat.set(grads[name].dataSync(), at);
        at += grads[name].size;
      }
    });
    return flat;
  };
  /** One Adam step with the flattened gradients. */
  const apply = (flat) => {
    let at = 0;
    const grads = {};
    names.forEach((name, i) => {
      grads[name] = tf.tensor(flat.subarray(at, at + sizes[i]), vars[i].shape);
      at += sizes[i];
    });
    opt.step(grads);
    tf.dispose(Object.values(grads));
  };
  const checksum = () => vars.reduce((s, v) => s + v.dataSync().reduce((a, b) => a + Math.abs(b), 0), 0);
  return { gradients, apply, checksum, total };
}

/** Reads exactly `bytes.length` bytes from a blocking file descriptor. */
function readFully(fd, bytes) {
  for (let got = 0; got < bytes.length; ) got += readSync(fd, bytes, got, bytes.length - got, null);
}

function exchangeMean(mine, inFd, outFd, parentFirst, isParent) {
  const theirs = new Float32Array(mine.length);
  writeSync(outFd, new Uint8Array(mine.buffer));
  readFully(inFd, new Uint8Array(theirs.buffer));
  // The same order of addition in both processes (parent's half first): identical averages.
  const [a, b] = isParent === parentFirst ? [mine, theirs] : [theirs, mine];
  const mean = new Float32Array(mine.length);
  for (let i = 0; i < mean.length; i++) mean[i] = (a[i] + b[i]) / 2;
  return mean;
}

const passes = Number(args.passes);
if (args.child !== undefined) {
  // The child: second half of every batch.
  const inFd = openSync(join(args.child, 'to-child'), 'r');
  const outFd = openSync(join(args.child, 'to-parent'), 'w');
  const r = replica();
  for (let e = 0; e < passes; e++) {
    for (const batch of data.train.batches(e)) {
      const n = batch.x.shape[0];
      const g = r.gradients(batch, n >> 1, n);
      r.apply(exchangeMean(g, inFd, outFd, true, false));
      tf.dispose([batch.x, batch.y]);
    }
  }
  writeSync(outFd, new Uint8Array(new Float64Array([r.checksum()]).buffer));
  closeSync(inFd);
  closeSync(outFd);
  process.exit(0);
}

// One process, whole batches.
const single = replica();
const singleSeconds = [];
for (let e = 0; e < passes; e++) {
  const t0 = performance.now();
  for (const batch of data.train.batches(e)) {
    single.apply(single.gradients(batch, 0, batch.x.shape[0]));
    tf.dispose([batch.x, batch.y]);
  }
  singleSeconds.push((performance.now() - t0) / 1000);
}

// Two processes, half batches.
const pipes = mkdtempSync(join(tmpdir(), 'onecycle-ddp-pipes-'));
spawnSync('mkfifo', [join(pipes, 'to-child'), join(pipes, 'to-parent')]);
const child = spawn(
  process.execPath,
  [fileURLToPath(import.meta.url), '--passes', String(passes), '--child', pipes],
  {
    stdio: 'inherit',
  },
);
const outFd = openSync(join(pipes, 'to-child'), 'w');
const inFd = openSync(join(pipes, 'to-parent'), 'r');
const r = replica();
const ddpSeconds = [];
for (let e = 0; e < passes; e++) {
  const t0 = performance.now();
  for (const batch of data.train.batches(e)) {
    const g = r.gradients(batch, 0, batch.x.shape[0] >> 1);
    r.apply(exchangeMean(g, inFd, outFd, true, true));
    tf.dispose([batch.x, batch.y]);
  }
  ddpSeconds.push((performance.now() - t0) / 1000);
}
const theirs = new Float64Array(1);
readFully(inFd, new Uint8Array(theirs.buffer));
closeSync(inFd);
closeSync(outFd);
await new Promise((done) => child.on('exit', done));
rmSync(pipes, { recursive: true, force: true });
const f = (xs) => xs.map((s) => s.toFixed(2)).join(', ');
console.log(
  `MNIST_SAMPLE, simpleCnn, batch 64, ${passes} training passes (no validation), seconds per pass:`,
);
console.log(`  one process, whole batches:   ${f(singleSeconds)}`);
console.log(`  two processes, half batches:  ${f(ddpSeconds)}`);
console.log(
  `  speed-up, last pass: ${(singleSeconds.at(-1) / ddpSeconds.at(-1)).toFixed(2)}×; replicas identical: ${r.checksum() === theirs[0]}`,
);
