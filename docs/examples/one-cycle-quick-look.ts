// This example runs in CI; its output is printed below it.
import { oneCycle } from '@onecycle/one-cycle';

// fastai's fit_one_cycle(2, 5e-2) on MNIST_SAMPLE: 2 epochs of 193 batches
const schedule = oneCycle({ lrMax: 5e-2, totalSteps: 2 * 193 });

for (const step of [0, 57, 115, 250, 385]) {
  const { lr, mom } = schedule.at(step);
  console.log(`step ${String(step).padStart(3)}: lr ${lr.toExponential(3)}  mom ${mom.toFixed(4)}`);
}
