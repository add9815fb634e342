/**
 * Gives the browser a turn (to paint charts and handle clicks) between training batches.
 * A MessageChannel message is a macrotask that is neither clamped to 4 ms like nested setTimeout
 * calls nor paused in a hidden tab like requestAnimationFrame.
 */
const channel = typeof MessageChannel === 'function' ? new MessageChannel() : null;
const waiting: (() => void)[] = [];
if (channel) {
  channel.port1.onmessage = () => waiting.shift()?.();
}

/**
 * Resolves after the browser has had a chance to run other tasks.
 *
 * @example
 * ```ts
 * for (const batch of batches) { train(batch); await yieldToBrowser(); }
 * ```
 */
export function yieldToBrowser(): Promise<void> {
  return new Promise((resolve) => {
    if (channel) {
      waiting.push(resolve);
      channel.port2.postMessage(0);
    } else {
      setTimeout(resolve, 0);
    }
  });
}
