// Trains the shipped weights of @onecycle/backbone-mnist8: mnist8Cnn on MNIST's training images of
// the digits 0, 1, 2, 4, 5, 6, 8, 9 (3 and 7 left out), validated on the same digits of MNIST's
// test set, then writes data/mnist8-cnn.safetensors (with the run's settings and accuracy in its
// metadata). Needs the built packages (`pnpm build`).
//
//   node scripts/train-backbone-mnist8.mjs [mnistIdxDir]
//
// Without an argument the MNIST idx files of @onecycle/mnist are used.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MNIST8_DIGITS, mnist8Cnn } from '@onecycle/backbone-mnist8';
import { setupBackend } from '@onecycle/backends';
import { accuracy, Learner } from '@onecycle/learner';
import { serializeWeights } from '@onecycle/models';
import { findIdxFile, ImageDataBunch, loadIdx } from '@onecycle/vision-data/node';

const SETTINGS = { epochs: 2, maxLr: 1e-2, bs: 128, seed: 0, wd: 1e-2 };

const here = dirname(fileURLToPath(import.meta.url));
const file = join(here, '..', 'packages', 'backbone-mnist8', 'data', 'mnist8-cnn.safetensors');
const idxDir = process.argv[2] ?? (await import('@onecycle/mnist')).mnistDataDir;

/** The images and labels of one split, keeping the eight digits and numbering them 0…7. */
function eightDigits(split) {
  const images = loadIdx(findIdxFile(idxDir, split, 'images'));
  const labels = loadIdx(findIdxFile(idxDir, split, 'labels'));
  const [n, h, w] = images.shape;
  const keep = [];
  for (let i = 0; i < n; i++) if (MNIST8_DIGITS.includes(labels.data[i])) keep.push(i);
  const x = new Uint8Array(keep.length * h * w);
  const y = new Int32Array(keep.length);
  keep.forEach((i, k) => {
    x.set(images.data.subarray(i * h * w, (i + 1) * h * w), k * h * w);
    y[k] = MNIST8_DIGITS.indexOf(labels.data[i]);
  });
  return { x, y, shape: [keep.length, h, w, 1] };
}

await setupBackend('wasm');
const train = eightDigits('train');
const valid = eightDigits('t10k');
const data = ImageDataBunch.fromArrays(train.x, train.y, train.shape, MNIST8_DIGITS.map(String), {
  bs: SETTINGS.bs,
  seed: SETTINGS.seed,
  valid: { x: valid.x, labels: valid.y },
});
console.log(`training on ${train.shape[0]} images, validating on ${valid.shape[0]}`);
const model = mnist8Cnn({ seed: SETTINGS.seed });
const learn = new Learner(data, model, { metrics: [accuracy], wd: SETTINGS.wd });
const started = Date.now();
await learn.fitOneCycle(SETTINGS.epochs, SETTINGS.maxLr, {
  callbacks: [
    {
      onEpochEnd: (s) =>
        console.log(
          `epoch ${s.epoch}: valid loss ${s.validLoss.toFixed(4)}, accuracy ${s.metrics.accuracy.toFixed(4)}`,
        ),
    },
  ],
});
const seconds = (Date.now() - started) / 1000;
const { metrics } = await learn.validate();
const metadata = {
  digits: MNIST8_DIGITS.join(','),
  trainImages: String(train.shape[0]),
  validImages: String(valid.shape[0]),
  validAccuracy: metrics.accuracy.toFixed(4),
  settings: JSON.stringify(SETTINGS),
};
writeFileSync(file, serializeWeights(model, { metadata }));
console.log(`wrote ${file} (valid accuracy ${metadata.validAccuracy}, ${seconds.toFixed(0)} s of training)`);
learn.dispose();
model.dispose();
