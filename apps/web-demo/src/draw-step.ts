/**
 * Step 4: draw a digit; the trained model says 3 or 7 with probabilities.
 */
import { MNIST_SIDE, rgbaToGray, toMnist } from './digit-preprocess.js';
import { DrawPad } from './draw-pad.js';
import type { ErrorBanner } from './error-banner.js';
import type { DemoTrainer } from './training.js';

/**
 * Mounts step 4.
 *
 * @example
 * ```ts
 * const step = new DrawStep(document, trainer, banner);
 * step.modelReady(); // after training
 * ```
 */
export class DrawStep {
  private readonly pad: DrawPad;
  private readonly preview: CanvasRenderingContext2D;
  private readonly prediction: HTMLElement;
  private ready = false;

  constructor(
    doc: Document,
    private readonly trainer: DemoTrainer,
    private readonly banner: ErrorBanner,
  ) {
    const canvas = doc.querySelector<HTMLCanvasElement>('#draw-pad')!;
    this.pad = new DrawPad(canvas, () => void this.predict());
    this.preview = doc.querySelector<HTMLCanvasElement>('#draw-preview')!.getContext('2d')!;
    this.prediction = doc.querySelector<HTMLElement>('#prediction')!;
    doc.querySelector<HTMLButtonElement>('#draw-clear')!.addEventListener('click', () => {
      this.pad.clear();
      this.preview.clearRect(0, 0, MNIST_SIDE, MNIST_SIDE);
      this.showMessage(this.ready ? 'Draw a 3 or a 7.' : 'Train a model first, then draw.');
    });
  }

  /** Called when a trained model is available. */
  modelReady(): void {
    this.ready = true;
    if (this.pad.hasInk) void this.predict();
    else this.showMessage('Draw a 3 or a 7.');
  }

  private showMessage(text: string): void {
    const p = document.createElement('p');
    p.className = 'muted';
    p.textContent = text;
    this.prediction.replaceChildren(p);
    delete this.prediction.dataset.label;
    delete this.prediction.dataset.probs;
  }

  private async predict(): Promise<void> {
    const { width, height, data } = this.pad.imageData();
    const img = toMnist(rgbaToGray(data, width, height), width, height);
    if (img === null) return;
    this.drawPreview(img);
    if (!this.ready) {
      this.showMessage('Train a model in step 3 first.');
      return;
    }
    try {
      const probs = await this.trainer.predict(img);
      this.showProbabilities(probs);
    } catch (error) {
      this.banner.show(error);
    }
  }

  private drawPreview(img: Float32Array): void {
    const pixels = this.preview.createImageData(MNIST_SIDE, MNIST_SIDE);
    img.forEach((v, i) => {
      const g = Math.round(v * 255);
      pixels.data.set([g, g, g, 255], i * 4);
    });
    this.preview.putImageData(pixels, 0, 0);
  }

  private showProbabilities(probs: readonly number[]): void {
    const classes = this.trainer.classes;
    let best = 0;
    probs.forEach((p, i) => {
      if (p > probs[best]!) best = i;
    });
    const verdict = document.createElement('p');
    verdict.className = 'verdict';
    verdict.textContent = `It's a ${classes[best]} (${(probs[best]! * 100).toFixed(1)}%)`;
    const bars = classes.map((c, i) => {
      const row = document.createElement('div');
      row.className = 'bar';
      const name = document.createElement('span');
      name.textContent = c;
      const track = document.createElement('span');
      const fill = document.createElement('div');
      fill.style.width = `${(probs[i]! * 100).toFixed(1)}%`;
      track.append(fill);
      const value = document.createElement('span');
      value.textContent = probs[i]!.toFixed(3);
      row.append(name, track, value);
      return row;
    });
    this.prediction.replaceChildren(verdict, ...bars);
    this.prediction.dataset.label = classes[best];
    this.prediction.dataset.probs = JSON.stringify(probs);
  }
}
