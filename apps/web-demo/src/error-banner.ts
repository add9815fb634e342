/**
 * Shows errors to the user: WebAssembly missing, out of memory, a NaN loss, or anything thrown.
 */

/**
 * Turns an error into a sentence a user can act on.
 *
 * @example
 * ```ts
 * describeError(new Error('WebAssembly.Memory(): could not allocate memory')); // 'Out of memory: …'
 * ```
 */
export function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/out of memory|memory\b.*(grow|size|enlarge|exceeded|bounds)|allocat/i.test(message)) {
    return `Out of memory: ${message}. Try a smaller batch size (?bs=32) or a training subset (?train=2000).`;
  }
  if (/nan/i.test(message) && /loss/i.test(message)) {
    return `${message}. The learning rate is probably too high: pick a smaller lrMax in step 2.`;
  }
  return message;
}

/**
 * The page's error area.
 *
 * @example
 * ```ts
 * const banner = new ErrorBanner(document.querySelector('#errors')!);
 * banner.show(new Error('loss is NaN'));
 * ```
 */
export class ErrorBanner {
  constructor(private readonly element: HTMLElement) {}

  /** Shows one error (keeps earlier ones, newest last). */
  show(error: unknown): void {
    const item = document.createElement('p');
    item.textContent = describeError(error);
    this.element.append(item);
    this.element.hidden = false;
  }

  /** Removes every error. */
  clear(): void {
    this.element.replaceChildren();
    this.element.hidden = true;
  }

  /** Shows uncaught errors and unhandled rejections too. */
  catchGlobal(): void {
    addEventListener('error', (e) => this.show(e.error ?? e.message));
    addEventListener('unhandledrejection', (e) => this.show(e.reason));
  }
}
