// Measures transfer from @onecycle/backbone-mnist8 (trained on MNIST without 3 and 7) to
// MNIST_SAMPLE (3 vs 7): validation accuracy after one epoch of `fineTune` against one epoch of
// 1cycle training of the same network from random weights, for three seeds. Prints a Markdown
// table. Needs the built packages (`pnpm build`).
//
//   node scripts/measure-fine-tune.mjs [trainPerClass]
//
// With trainPerClass, only the first trainPerClass training images of each class are used (batch
// size 16): transfer with little data. The validation set is always the whole of MNIST_SAMPLE's.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setupBackend } from '@onecycle/backends';
import { accuracy, createCnnLearner } from '@onecycle/learner';
import { ImageDataBunch, URLs, untarData } from '@onecycle/vision-data/node';

const LR = 1e-2;
const SEEDS = [0, 1, 2];

const perClass = process.argv[2] === undefined ? undefined : Number(process.argv[2]);
if (perClass !== undefined && !(Number.isInteger(perClass) && perClass >= 8)) {
  throw new RangeError(`trainPerClass must be an integer ≥ 8, got ${process.argv[2]}`);
}
const bs = perClass === undefined ? 64 : 16;

await setupBackend('wasm');
const full = await untarData(URLs.MNIST_SAMPLE);
let path = full;
let scratchDir;
if (perClass !== undefined) {
  scratchDir = mkdtempSync(join(tmpdir(), 'onecycle-fine-tune-'));
  path = scratchDir;
  for (const cls of ['3', '7']) {
    for (const [split, n] of [
      ['train', perClass],
      ['valid', Infinity],
    ]) {
      const from = join(full, split, cls);
      mkdirSync(join(path, split, cls), { recursive: true });
      for (const f of readdirSync(from).sort().slice(0, n)) cpSync(join(from, f), join(path, split, cls, f));
    }
  }
}
const runs = {
  'from scratch, fitOneCycle(1)': (learn) => learn.fitOneCycle(1, LR),
  'fineTune(1, { freezeEpochs: 0 })': (learn) => learn.fineTune(1, LR, { freezeEpochs: 0 }),
  'fineTune(1) (1 frozen + 1 unfrozen epoch)': (learn) => learn.fineTune(1, LR),
};
const rows = [];
for (const [name, run] of Object.entries(runs)) {
  const accs = [];
  for (const seed of SEEDS) {
    const data = await ImageDataBunch.fromFolder(path, { bs, seed });
    const pretrained = !name.startsWith('from scratch');
    const learn = await createCnnLearner(data, 'mnist8-cnn', { metrics: [accuracy], seed, pretrained });
    const result = await run(learn);
    accs.push(result.metrics.accuracy);
    learn.dispose();
    learn.model.dispose();
  }
  const mean = accs.reduce((a, b) => a + b, 0) / accs.length;
  rows.push(`| ${name} | ${accs.map((a) => a.toFixed(4)).join(' | ')} | ${mean.toFixed(4)} |`);
  console.error(rows.at(-1));
}
if (scratchDir) rmSync(scratchDir, { recursive: true, force: true });
const images = perClass === undefined ? 'all training images' : `${perClass} training images per class`;
console.log(`| run (lr ${LR}, bs ${bs}, ${images}) | seed ${SEEDS.join(' | seed ')} | mean |`);
console.log(`|---|${SEEDS.map(() => '---:').join('|')}|---:|`);
for (const r of rows) console.log(r);
