// This example runs in CI; its output is printed below it.
import { Stepper } from '@onecycle/annealing';
import { oneCycle } from '@onecycle/one-cycle';

// Any optimizer whose learning rate and momentum you can set will do. Here: plain SGD with
// momentum, written out, fitting y = 3x + 2 by least squares on 64 points, 8 per batch.
const xs = Array.from({ length: 64 }, (_, i) => i / 32 - 1);
const ys = xs.map((x) => 3 * x + 2);
const params = { w: 0, b: 0 };
const velocity = { w: 0, b: 0 };

const epochs = 8;
const batchSize = 8;
const stepsPerEpoch = xs.length / batchSize;
const stepper = new Stepper(oneCycle({ lrMax: 0.03, totalSteps: epochs * stepsPerEpoch }));

for (let epoch = 0; epoch < epochs; epoch++) {
  let sum = 0;
  for (let b = 0; b < stepsPerEpoch; b++) {
    const { lr, mom } = stepper.value; // this batch's values
    let gw = 0;
    let gb = 0;
    for (let i = b * batchSize; i < (b + 1) * batchSize; i++) {
      const err = params.w * xs[i]! + params.b - ys[i]!;
      sum += err * err;
      gw += (2 * err * xs[i]!) / batchSize;
      gb += (2 * err) / batchSize;
    }
    velocity.w = mom * velocity.w + gw; // PyTorch-style momentum: v = μ·v + g; p -= lr·v
    velocity.b = mom * velocity.b + gb;
    params.w -= lr * velocity.w;
    params.b -= lr * velocity.b;
    stepper.step(); // move on to the next batch's values
  }
  console.log(
    `epoch ${epoch + 1}: mse ${(sum / xs.length).toExponential(3)}  w ${params.w.toFixed(4)}  b ${params.b.toFixed(4)}`,
  );
}
console.log(`done: ${stepper.done}, final lr ${stepper.value.lr.toExponential(2)}`);
