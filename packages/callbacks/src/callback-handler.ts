import { CALLBACK_EVENTS, type Callback, type CallbackEvent, type TrainState } from './types.js';

/**
 * Runs the callbacks of a training loop: keeps them sorted by `order` (ascending, default 0; ties
 * keep the order in which they were added) and fires one event on each in turn, awaiting every
 * handler before the next one runs. An error thrown by a handler propagates to the loop.
 *
 * @example
 * ```ts
 * const handler = new CallbackHandler([recorder, new ParamScheduler(schedule)]);
 * await handler.fire('onTrainBegin', state);
 * ```
 */
export class CallbackHandler {
  private entries: { cb: Callback; seq: number }[] = [];
  private seq = 0;

  /**
   * @param callbacks - The initial callbacks (any order; they are sorted by `order`).
   * @example
   * ```ts
   * new CallbackHandler([{ order: 10, onEpochEnd: (s) => console.log(s.validLoss) }]);
   * ```
   */
  constructor(callbacks: Iterable<Callback> = []) {
    this.add(...callbacks);
  }

  /**
   * The callbacks in the order they run.
   * @example
   * ```ts
   * handler.callbacks.map((c) => c.name);
   * ```
   */
  get callbacks(): readonly Callback[] {
    return this.entries.map((e) => e.cb);
  }

  /**
   * Adds callbacks (each after those of the same `order` already there).
   * @example
   * ```ts
   * handler.add(new Recorder(), new TerminateOnNaN());
   * ```
   */
  add(...callbacks: Callback[]): this {
    for (const cb of callbacks) {
      if (cb == null || typeof cb !== 'object') {
        throw new TypeError(`CallbackHandler: a callback must be an object, got ${String(cb)}`);
      }
      const order = cb.order ?? 0;
      if (typeof order !== 'number' || Number.isNaN(order)) {
        throw new TypeError(`CallbackHandler: callback ${cb.name ?? '(unnamed)'} has a non-numeric order`);
      }
      for (const event of CALLBACK_EVENTS) {
        const h = cb[event];
        if (h !== undefined && typeof h !== 'function') {
          throw new TypeError(`CallbackHandler: ${cb.name ?? 'a callback'}.${event} must be a function`);
        }
      }
      this.entries.push({ cb, seq: this.seq++ });
    }
    this.entries.sort((a, b) => (a.cb.order ?? 0) - (b.cb.order ?? 0) || a.seq - b.seq);
    return this;
  }

  /**
   * Removes a callback; returns whether it was there.
   * @example
   * ```ts
   * handler.remove(finder); // true
   * ```
   */
  remove(callback: Callback): boolean {
    const i = this.entries.findIndex((e) => e.cb === callback);
    if (i < 0) return false;
    this.entries.splice(i, 1);
    return true;
  }

  /**
   * Calls `event` on every callback that handles it, in order, awaiting each one.
   * @example
   * ```ts
   * await handler.fire('onBatchEnd', state);
   * ```
   */
  async fire(event: CallbackEvent, state: TrainState): Promise<void> {
    if (!CALLBACK_EVENTS.includes(event)) {
      throw new RangeError(
        `CallbackHandler.fire: unknown event ${String(event)}; allowed: ${CALLBACK_EVENTS.join(', ')}`,
      );
    }
    // Iterate over a copy: a callback may add or remove callbacks while an event runs.
    for (const { cb } of [...this.entries]) {
      const h = cb[event];
      if (h !== undefined) await h.call(cb, state);
    }
  }
}
