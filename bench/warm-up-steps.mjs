#!/usr/bin/env node
// Where the first epoch's extra time goes: wall and CPU milliseconds per training step (simpleCnn on
// MNIST_SAMPLE batches, Adam, as the Learner builds them) in buckets of 25 steps over the first
// `--steps` steps of a fresh process, from the first step on. Node flags (e.g. --no-liftoff) can be
// passed to node to compare warm-up strategies. Over the built packages (pnpm build).
// usage: node [flags] bench/warm-up-steps.mjs [--steps 600] [--conv-threads 1]
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { builtPackages, loadMnistSample, simpleCnnTrainer } from './simple-cnn-trainer.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: { steps: { type: 'string', default: '600' }, 'conv-threads': { type: 'string', default: '1' } },
});
const steps = Number(args.steps);
const threads = Number(args['conv-threads']);
if (!Number.isInteger(steps) || steps < 25 || !Number.isInteger(threads) || threads < 1 || threads > 8) {
  console.error('usage: warm-up-steps.mjs [--steps N ≥ 25] [--conv-threads 1..8]');
  process.exit(2);
}
const { tf, setupBackend, simpleCnn, ImageDataBunch, Adam, crossEntropy } = await builtPackages(root);
const { reason } = await setupBackend('wasm', { convThreads: threads });
const data = await loadMnistSample(root, ImageDataBunch);
const { step } = simpleCnnTrainer(tf, { simpleCnn, Adam, crossEntropy });
const buckets = [];
let done = 0;
let t0 = performance.now();
let c0 = process.cpuUsage();
for (let epoch = 0; done < steps; epoch++) {
  for (const b of data.train.batches(epoch)) {
    step(b.x, b.y);
    tf.dispose([b.x, b.y]);
    if (++done % 25 === 0) {
      const c = process.cpuUsage(c0);
      buckets.push({ wallMs: (performance.now() - t0) / 25, cpuMs: (c.user + c.system) / 1000 / 25 });
      t0 = performance.now();
      c0 = process.cpuUsage();
    }
    if (done >= steps) break;
  }
}
console.log(
  `${reason}; ms per step (wall / CPU) in buckets of 25 steps, ${process.execArgv.join(' ') || 'no node flags'}:`,
);
console.log(
  buckets
    .map((b, i) => `${i * 25 + 1}–${i * 25 + 25}: ${b.wallMs.toFixed(2)} / ${b.cpuMs.toFixed(2)}`)
    .join('\n'),
);
const cpu = (from, to) => {
  const part = buckets.slice(from / 25, to / 25);
  return part.reduce((a, b) => a + b.cpuMs, 0) / part.length;
};
if (steps >= 600) {
  console.log(
    `CPU ms per step: steps 1–25 ${cpu(0, 25).toFixed(2)}, 26–200 ${cpu(25, 200).toFixed(2)}, 401–600 ${cpu(400, 600).toFixed(2)}`,
  );
}
