#!/usr/bin/env node
// End-to-end benchmark of the seed's walk-through on the full MNIST_SAMPLE: simpleCnn([3,16,16,2]),
// Learner with fastai v1 defaults, fitOneCycle(2, 5e-2). Prints seconds per epoch, accuracy and
// validation loss per run, then one JSON line. Needs the built packages:
//   pnpm turbo build --filter @onecycle/learner...
// usage: node bench/fit-one-cycle.mjs [--backend wasm|cpu|node|auto] [--seeds 0,1,2] [--compare] [--epochs 2]
//   --compare also runs fit(epochs, 5e-2) and fit(epochs, 5e-3) for each seed (the seed's table).
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { setupBackend } from '@onecycle/backends';
import { accuracy, Learner } from '@onecycle/learner';
import { simpleCnn } from '@onecycle/models';
import { ImageDataBunch, URLs, untarData } from '@onecycle/vision-data/node';

const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'wasm' },
    seeds: { type: 'string', default: '0' },
    epochs: { type: 'string', default: '2' },
    compare: { type: 'boolean', default: false },
    data: { type: 'string', default: join(tmpdir(), 'onecycle-bench-data') },
  },
});
const seeds = values.seeds.split(',').map(Number);
const epochs = Number(values.epochs);
if (seeds.some((s) => !Number.isInteger(s)) || !Number.isInteger(epochs) || epochs < 1) {
  console.error('usage: fit-one-cycle.mjs [--backend wasm] [--seeds 0,1,2] [--epochs 2] [--compare]');
  process.exit(2);
}

const backend = await setupBackend(/** @type {'wasm'} */ (values.backend));
const t0 = performance.now();
const path = await untarData(URLs.MNIST_SAMPLE, { dest: values.data });
const data = await ImageDataBunch.fromFolder(path, { bs: 64, seed: 0 });
console.log(
  `${backend.reason}; data: ${data.train.size} train / ${data.valid.size} valid images, loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
);

const schedules = values.compare
  ? [
      ['fitOneCycle', 5e-2],
      ['fit', 5e-2],
      ['fit', 5e-3],
    ]
  : [['fitOneCycle', 5e-2]];
const runs = [];
for (const seed of seeds) {
  for (const [method, lr] of schedules) {
    // The data loader shuffles with its own seed per epoch; the run's seed is the model's initialisation.
    const model = simpleCnn([3, 16, 16, 2], undefined, undefined, false, { seed });
    const learn = new Learner(data, model, { metrics: [accuracy] });
    // CPU seconds per epoch next to wall seconds: on a shared, loaded machine the process' own CPU
    // time (one WASM thread) is the steadier figure.
    const cpuSeconds = [];
    let cpu0 = process.cpuUsage();
    const cpuClock = {
      onEpochBegin: () => {
        cpu0 = process.cpuUsage();
      },
      onEpochEnd: () => {
        const d = process.cpuUsage(cpu0);
        cpuSeconds.push(Number(((d.user + d.system) / 1e6).toFixed(2)));
      },
    };
    await learn[method](epochs, lr, { callbacks: [cpuClock] });
    const last = learn.recorder.epochs.at(-1);
    const run = {
      method,
      lr,
      seed,
      epochSeconds: learn.recorder.epochs.map((e) => Number(e.seconds.toFixed(2))),
      epochCpuSeconds: cpuSeconds,
      accuracy: Number(last.metrics.accuracy.toFixed(6)),
      validLoss: Number(last.validLoss.toFixed(6)),
      trainLoss: Number(last.smoothLoss.toFixed(6)),
    };
    runs.push(run);
    console.log(
      `${method}(${epochs}, ${lr}) seed ${seed}: ${run.epochSeconds.join(' / ')} s per epoch ` +
        `(CPU ${run.epochCpuSeconds.join(' / ')} s), ` +
        `accuracy ${run.accuracy}, valid loss ${run.validLoss}, train loss ${run.trainLoss}`,
    );
    learn.dispose();
    model.dispose();
  }
}
const summary = {};
for (const [method, lr] of schedules) {
  const rs = runs.filter((r) => r.method === method && r.lr === lr);
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
  summary[`${method}(${epochs}, ${lr})`] = {
    meanAccuracy: Number(mean(rs.map((r) => r.accuracy)).toFixed(6)),
    meanValidLoss: Number(mean(rs.map((r) => r.validLoss)).toFixed(6)),
    meanEpochSeconds: Number(mean(rs.flatMap((r) => r.epochSeconds)).toFixed(2)),
    meanEpochCpuSeconds: Number(mean(rs.flatMap((r) => r.epochCpuSeconds)).toFixed(2)),
  };
}
const load = (await import('node:os')).loadavg()[0];
console.log(
  JSON.stringify({
    backend: backend.backend,
    epochs,
    seeds,
    loadAverage: Number(load.toFixed(1)),
    summary,
    runs,
  }),
);
