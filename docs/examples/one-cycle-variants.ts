// This example runs in CI; its output is printed below it.
import { oneCycle, torchOneCycle } from '@onecycle/one-cycle';

const lrMax = 5e-2;
const totalSteps = 386; // fit_one_cycle(2, 5e-2) on MNIST_SAMPLE: 2 epochs × 193 batches
const variants = {
  fastai: oneCycle({ lrMax, totalSteps }),
  seed: oneCycle({ lrMax, totalSteps, variant: 'seed' }),
  smith: oneCycle({ lrMax, totalSteps, variant: 'smith' }),
  torch: torchOneCycle({ maxLr: lrMax, totalSteps }),
};

const fmt = (x: number | number[] | undefined) =>
  typeof x === 'number' ? x.toExponential(2).padStart(9) : '        -';
console.log('variant   first lr   peak lr (step)  last lr    mom first/low/last');
for (const [name, s] of Object.entries(variants)) {
  const values = Array.from({ length: s.totalSteps }, (_, step) => s.at(step));
  const lrs = values.map((v) => v.lr as number);
  const peak = lrs.indexOf(Math.max(...lrs));
  const moms = values.map((v) => v.mom ?? Number.NaN);
  console.log(
    `${name.padEnd(8)} ${fmt(lrs[0])} ${fmt(lrs[peak])} (${String(peak).padStart(3)}) ${fmt(lrs.at(-1))}` +
      `   ${moms[0]?.toFixed(2)}/${Math.min(...moms).toFixed(2)}/${moms.at(-1)?.toFixed(2)}`,
  );
}
