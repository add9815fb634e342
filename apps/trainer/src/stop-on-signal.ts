import type { Callback, TrainState } from '@onecycle/callbacks';

/** The signals that stop a training run, and the exit code of a process stopped by each. */
export const STOP_SIGNALS = { SIGINT: 130, SIGTERM: 143 } as const;

/** A signal that stops training. */
export type StopSignal = keyof typeof STOP_SIGNALS;

/**
 * Stops a training run cleanly on SIGINT or SIGTERM: the first signal lets the current batch
 * finish, then ends the run (the caller saves and writes what it has); a second signal exits the
 * process at once with 130 (SIGINT) or 143 (SIGTERM). Listens between {@link StopOnSignal.listen}
 * and {@link StopOnSignal.close}.
 */
export class StopOnSignal implements Callback {
  readonly name = 'stopOnSignal';
  /** The first signal received, if any. */
  signal: StopSignal | undefined;
  private readonly handlers = new Map<StopSignal, () => void>();

  /**
   * @param onFirst - Told of the first signal (to say that the run will stop after this batch).
   * @param onClose - Told when it stops listening.
   */
  constructor(
    private readonly onFirst: (signal: StopSignal) => void,
    private readonly onClose: () => void = () => {},
  ) {}

  /** Starts listening for the signals. */
  listen(): void {
    for (const sig of Object.keys(STOP_SIGNALS) as StopSignal[]) {
      const handler = () => {
        if (this.signal !== undefined) process.exit(STOP_SIGNALS[sig]);
        this.signal = sig;
        this.onFirst(sig);
      };
      this.handlers.set(sig, handler);
      process.on(sig, handler);
    }
  }

  /** Stops listening (the process' default handling comes back). */
  close(): void {
    for (const [sig, handler] of this.handlers) process.off(sig, handler);
    this.handlers.clear();
    this.onClose();
  }

  /**
   * Lets a pending signal in (a training loop that only awaits promises would never give the
   * event loop a turn), then, after a signal, ends the run at the end of this batch. Mid-epoch, the
   * epoch's validation is skipped (the run continues this epoch on resume); after an epoch's last
   * batch it still runs.
   */
  async onBatchEnd(state: TrainState): Promise<void> {
    await new Promise<void>((done) => setImmediate(done));
    if (this.signal === undefined || !state.train) return;
    state.stopTraining = true;
    state.stopReason = `stopped by ${this.signal}`;
    if (state.numBatch + 1 < state.nBatches) state.skipValidate = true;
  }

  /** A run that starts after the signal (the next stage of a command) trains no batch. */
  onTrainBegin(state: TrainState): void {
    if (this.signal !== undefined) state.stopTraining = true;
  }

  /** A signal during validation ends the run after this epoch. */
  onEpochEnd(state: TrainState): void {
    if (this.signal !== undefined) state.stopTraining = true;
  }
}

/** What the CLI says on the first signal: the command stops after this batch (and saves `save`). */
export function stopNotice(sig: StopSignal, save?: string): string {
  return `\n${sig}: stopping after this batch${save ? ` and saving ${save}` : ''} (${sig} again to quit at once)`;
}
