import { builtPackages, loadMnistSample, simpleCnnTrainer } from './simple-cnn-trainer.mjs';

const root = new URL('..', import.meta.url).pathname;
const pk = await builtPackages(root);
const { tf, setupBackend, simpleCnn, ImageDataBunch } = pk;
const { Learner, accuracy } = await import(root + 'packages/learner/dist/index.js');
await setupBackend('wasm');
const data = await loadMnistSample(root, ImageDataBunch);
const warm = process.argv[2] === 'warm';
if (warm) {
  const t0 = performance.now();
  const tr = simpleCnnTrainer(tf, pk);
  const x = tf.randomUniform([4, 28, 28, 3]);
  const y = tf.tensor1d([0, 1, 0, 1], 'int32');
  for (let i = 0; i < Number(process.argv[3] ?? 40); i++) tr.step(x, y);
  tf.dispose([x, y]);
  tr.opt.dispose?.();
  for (const v of tr.vars) v.dispose();
  console.error('warm-up ms', (performance.now() - t0).toFixed(0));
}
const learn = new Learner(data, simpleCnn([3, 16, 16, 2], undefined, undefined, false, { seed: 0 }), {
  metrics: [accuracy],
});
const secs = [];
await learn.fitOneCycle(3, 5e-2, {
  callbacks: [
    {
      name: 't',
      order: 0,
      onEpochBegin: () => secs.push(performance.now()),
      onEpochEnd: () => {
        secs[secs.length - 1] = performance.now() - secs[secs.length - 1];
      },
    },
  ],
});
console.log(
  process.argv[2],
  secs.map((s) => (s / 1000).toFixed(3)).join(' '),
  'ratio',
  (secs[0] / secs[1]).toFixed(3),
  (secs[0] / secs[2]).toFixed(3),
);
