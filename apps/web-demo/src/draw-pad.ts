/**
 * A canvas to draw a digit on with a mouse, a pen or a finger: thick white strokes on black, like
 * MNIST's digits.
 */

/**
 * The drawing pad. `onStrokeEnd` fires when a stroke ends (to predict as the user draws).
 *
 * @example
 * ```ts
 * const pad = new DrawPad(canvas, () => predict(pad.imageData()));
 * pad.clear();
 * ```
 */
export class DrawPad {
  private readonly ctx: CanvasRenderingContext2D;
  private drawing = false;
  private last: [number, number] | null = null;
  private inked = false;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly onStrokeEnd: () => void,
  ) {
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('the drawing pad needs a 2D canvas context, which this browser refused');
    this.ctx = ctx;
    this.clear();
    canvas.addEventListener('pointerdown', (e) => this.down(e));
    canvas.addEventListener('pointermove', (e) => this.move(e));
    canvas.addEventListener('pointerup', () => this.up());
    canvas.addEventListener('pointercancel', () => this.up());
    canvas.addEventListener('pointerleave', () => this.up());
  }

  /** True once something has been drawn since the last clear. */
  get hasInk(): boolean {
    return this.inked;
  }

  /** Paints the pad black. */
  clear(): void {
    this.ctx.fillStyle = 'black';
    this.ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
    this.inked = false;
  }

  /** The pad's pixels (RGBA). */
  imageData(): ImageData {
    return this.ctx.getImageData(0, 0, this.canvas.width, this.canvas.height);
  }

  private point(e: PointerEvent): [number, number] {
    const r = this.canvas.getBoundingClientRect();
    return [
      ((e.clientX - r.left) * this.canvas.width) / r.width,
      ((e.clientY - r.top) * this.canvas.height) / r.height,
    ];
  }

  private down(e: PointerEvent): void {
    e.preventDefault();
    this.canvas.setPointerCapture?.(e.pointerId);
    this.drawing = true;
    this.last = this.point(e);
    this.line(this.last, this.last);
  }

  private move(e: PointerEvent): void {
    if (!this.drawing || this.last === null) return;
    const p = this.point(e);
    this.line(this.last, p);
    this.last = p;
  }

  private up(): void {
    if (!this.drawing) return;
    this.drawing = false;
    this.last = null;
    this.onStrokeEnd();
  }

  private line(from: [number, number], to: [number, number]): void {
    const ctx = this.ctx;
    ctx.strokeStyle = 'white';
    ctx.lineWidth = this.canvas.width / 13;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.beginPath();
    ctx.moveTo(from[0], from[1]);
    ctx.lineTo(to[0], to[1]);
    ctx.stroke();
    this.inked = true;
  }
}
