// Measures transfer from @onecycle/backbone-mnist8 (trained on MNIST without 3 and 7) to
// MNIST_SAMPLE (3 vs 7): validation accuracy after one epoch of `fineTune` against one epoch of
// 1cycle training of the same network from random weights, for three seeds. Prints a Markdown
// table. Needs the built packages (`pnpm build`).
//
//   node scripts/measure-fine-tune.mjs
import { setupBackend } from '@onecycle/backends';
import { accuracy, createCnnLearner } from '@onecycle/learner';
import { ImageDataBunch, untarData, URLs } from '@onecycle/vision-data';

const LR = 1e-2;
const SEEDS = [0, 1, 2];

await setupBackend('wasm');
const path = await untarData(URLs.MNIST_SAMPLE);
const runs = {
  'from scratch, fitOneCycle(1)': (learn) => learn.fitOneCycle(1, LR),
  'fineTune(1, { freezeEpochs: 0 })': (learn) => learn.fineTune(1, LR, { freezeEpochs: 0 }),
  'fineTune(1) (1 frozen + 1 unfrozen epoch)': (learn) => learn.fineTune(1, LR),
};
const rows = [];
for (const [name, run] of Object.entries(runs)) {
  const accs = [];
  for (const seed of SEEDS) {
    const data = await ImageDataBunch.fromFolder(path, { bs: 64, seed });
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
console.log(`| run (lr ${LR}, bs 64) | seed ${SEEDS.join(' | seed ')} | mean |`);
console.log(`|---|${SEEDS.map(() => '---:').join('|')}|---:|`);
for (const r of rows) console.log(r);
