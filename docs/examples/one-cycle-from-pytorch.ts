// This example runs in CI; its output is printed below it.
import { torchOneCycle } from '@onecycle/one-cycle';

// PyTorch:
//   scheduler = OneCycleLR(optimizer, max_lr=0.1, epochs=10, steps_per_epoch=100,
//                          pct_start=0.25, anneal_strategy='linear', three_phase=True)
//   for epoch in range(10):
//       for batch in loader:
//           ...; optimizer.step(); scheduler.step()
const schedule = torchOneCycle({
  maxLr: 0.1,
  epochs: 10,
  stepsPerEpoch: 100,
  pctStart: 0.25,
  annealStrategy: 'linear',
  threePhase: true,
});

// Batch k trains with the values PyTorch has set after k calls of scheduler.step().
console.log(`phase ends: ${schedule.phaseEnds.join(', ')}`);
for (const step of [0, 249, 498, 750, 999]) {
  const { lr, mom } = schedule.at(step);
  console.log(`step ${String(step).padStart(3)}: lr ${lr.toExponential(4)}  momentum ${mom?.toFixed(4)}`);
}

// PyTorch's snake_case names are caught with a hint rather than silently ignored:
try {
  torchOneCycle({ maxLr: 0.1, totalSteps: 1000, final_div_factor: 100 } as never);
} catch (err) {
  console.log((err as Error).message);
}
