// This example runs in CI; its output is printed below it.
import { oneCycle } from '@onecycle/one-cycle';

const epochs = 3;
const batchesPerEpoch = 100;
// #region contract
const schedule = oneCycle({ lrMax: 5e-2, totalSteps: epochs * batchesPerEpoch });
schedule.totalSteps; // how many batches the cycle covers
schedule.at(0); // { lr, mom } for batch 0, the first one
// #endregion contract
console.log(schedule.totalSteps, schedule.at(0), schedule.at(schedule.totalSteps));
