/**
 * Gives the browser a turn (to paint charts and handle clicks) between training batches, once a
 * frame: a turn costs the training loop the task hand-over and whatever else the browser runs then,
 * and a batch takes a few milliseconds, so yielding after every batch would spend time on turns the
 * screen never shows. A MessageChannel message is a macrotask that is neither clamped to 4 ms like
 * nested setTimeout calls nor paused in a hidden tab like requestAnimationFrame.
 */
const FRAME_MS = 16;

const channel = typeof MessageChannel === 'function' ? new MessageChannel() : null;
const waiting: (() => void)[] = [];
if (channel) {
  channel.port1.onmessage = () => waiting.shift()?.();
}

/** Resolves on the browser's next task. */
function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    if (channel) {
      waiting.push(resolve);
      channel.port2.postMessage(0);
    } else {
      setTimeout(resolve, 0);
    }
  });
}

/**
 * A yield function that gives the browser a turn (`turn`) when `frameMs` or more have passed since
 * its last one (by `now`, in milliseconds), and otherwise resolves at once.
 *
 * @example
 * ```ts
 * const yieldNow = frameYielder(16);
 * for (const batch of batches) { train(batch); await yieldNow(); } // at most one turn a frame
 * ```
 */
export function frameYielder(
  frameMs = FRAME_MS,
  now: () => number = () => performance.now(),
  turn: () => Promise<void> = nextTask,
): () => Promise<void> {
  let last = Number.NEGATIVE_INFINITY;
  return async () => {
    if (now() - last < frameMs) return;
    await turn();
    last = now();
  };
}

/**
 * Resolves after the browser has had a chance to run other tasks, if it has not had one in the
 * last frame (16 ms); at once otherwise.
 *
 * @example
 * ```ts
 * for (const batch of batches) { train(batch); await yieldToBrowser(); }
 * ```
 */
export const yieldToBrowser: () => Promise<void> = frameYielder();
