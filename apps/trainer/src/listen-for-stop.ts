import type { Output } from './output.js';
import { tellSupervisor } from './signal-supervisor.js';
import { StopOnSignal, stopNotice } from './stop-on-signal.js';

/**
 * A {@link StopOnSignal} that is listening. On the first signal the CLI says that the command stops
 * after this batch (and saves `save`, when given): the supervising process says it at once, or this
 * one at the batch's end when it runs alone. Close it when the command is done.
 */
export function listenForStop(out: Output, save?: string): StopOnSignal {
  const supervised = tellSupervisor({ stopNotice: { json: out.json, ...(save ? { save } : {}) } });
  const stop = new StopOnSignal(
    (sig) => {
      if (!supervised) out.info(stopNotice(sig, save));
    },
    () => {
      if (supervised) tellSupervisor({ stopNotice: null });
    },
  );
  stop.listen();
  return stop;
}
