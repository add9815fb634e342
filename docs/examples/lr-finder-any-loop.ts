// This example runs in CI; its output is printed below it.
import { writeFileSync } from 'node:fs';
import type { HyperparameterName } from '@onecycle/annealing';
import { type HyperparamTarget, Recorder, runTrainingLoop } from '@onecycle/callbacks';
import { LRFinder, lrFindEpochs } from '@onecycle/lr-finder';

// A model with two weights trained by SGD on y = 2·x0 − 3·x1 (mean squared error), written out
// so that the range test's mechanics are visible. The Learner does the same with tfjs.
let seed = 1; // a tiny deterministic random number generator
const rand = () => {
  seed = (seed * 48271) % 2147483647;
  return (seed / 2147483647) * 2 - 1;
};
const data = Array.from({ length: 512 }, () => {
  const x = [3 * rand(), 3 * rand()] as const;
  return { x, y: 2 * x[0] - 3 * x[1] + 0.1 * rand() };
});
const batchSize = 16;
const nBatches = data.length / batchSize;
let w = [0, 0];
let grad = [0, 0];

// What callbacks may read and set: the optimizer's hyperparameters, one value per group.
const hyper: Record<HyperparameterName, number[]> = { lr: [1e-3], mom: [0], beta: [0], wd: [0] };
const opt: HyperparamTarget = {
  nGroups: 1,
  get: (name) => [...hyper[name]],
  set: (name, value) => {
    hyper[name] = typeof value === 'number' ? [value] : [...value];
  },
};
const host = {
  opt,
  // the finder trains the model to destruction, then puts the weights back
  snapshot: () => {
    const saved = [...w];
    return {
      restore: () => {
        w = [...saved];
      },
      dispose: () => {},
    };
  },
};

const finder = new LRFinder({ startLr: 1e-5, endLr: 10, numIt: 100 });
await runTrainingLoop({
  host,
  nEpochs: lrFindEpochs(finder.numIt, nBatches),
  nBatches,
  callbacks: [new Recorder(), finder],
  forwardBackward: (batch) => {
    let loss = 0;
    grad = [0, 0];
    for (const { x, y } of data.slice(batch * batchSize, (batch + 1) * batchSize)) {
      const err = w[0]! * x[0] + w[1]! * x[1] - y;
      loss += (err * err) / batchSize;
      grad = [grad[0]! + (2 * err * x[0]) / batchSize, grad[1]! + (2 * err * x[1]) / batchSize];
    }
    return loss;
  },
  step: () => {
    const lr = opt.get('lr')[0]!;
    w = [w[0]! - lr * grad[0]!, w[1]! - lr * grad[1]!];
  },
});

const result = finder.result();
console.log(`${result.lrs.length} of ${result.numIt} iterations, stopped by: ${result.stoppedBy}`);
for (const s of result.suggestionList()) {
  console.log(`${s.name.padEnd(8)} ${s.lr.toExponential(2)}  (${s.description})`);
}
console.log(`weights restored: [${w.join(', ')}]`);
writeFileSync('lr-find.svg', result.plot());
