// Test helper: a few hundred MNIST_SAMPLE images read straight from the archive (no extraction to disk).
import { mnistSampleArchive } from '@onecycle/mnist-sample';
import { decode } from 'fast-png';
import { list } from 'tar';

export interface Images {
  /** NHWC float32 in [0, 1], 3 channels (gray repeated, as fastai opens them). */
  x: Float32Array;
  /** 0 for a '3', 1 for a '7'. */
  y: Int32Array;
  n: number;
}

/**
 * Reads the first `perClass` images of each class of `split` in archive order, interleaved 3, 7, 3, 7, …
 */
export async function loadMnistSample(perClass: number, split: 'train' | 'valid' = 'train'): Promise<Images> {
  const byClass: Uint8Array[][] = [[], []];
  const pattern = new RegExp(`^mnist_sample/${split}/([37])/[^/]+\\.png$`);
  await list({
    file: mnistSampleArchive,
    onReadEntry: (entry) => {
      const m = pattern.exec(entry.path);
      const cls = m ? (m[1] === '3' ? 0 : 1) : -1;
      if (cls < 0 || byClass[cls]!.length >= perClass) {
        entry.resume();
        return;
      }
      const chunks: Buffer[] = [];
      const slot = byClass[cls]!;
      const index = slot.length;
      slot.push(new Uint8Array());
      entry.on('data', (c: Buffer) => chunks.push(c));
      entry.on('end', () => {
        slot[index] = new Uint8Array(Buffer.concat(chunks));
      });
    },
  });
  const n = 2 * perClass;
  if (byClass[0]!.length < perClass || byClass[1]!.length < perClass) {
    throw new Error(
      `loadMnistSample: found ${byClass[0]!.length} and ${byClass[1]!.length} images, need ${perClass}`,
    );
  }
  const x = new Float32Array(n * 28 * 28 * 3);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const cls = i % 2;
    const png = decode(byClass[cls]![Math.floor(i / 2)]!);
    if (png.width !== 28 || png.height !== 28)
      throw new Error(`unexpected image size ${png.width}×${png.height}`);
    const ch = png.channels;
    for (let p = 0; p < 28 * 28; p++) {
      const v = Number(png.data[p * ch]) / 255;
      x.set([v, v, v], (i * 28 * 28 + p) * 3);
    }
    y[i] = cls;
  }
  return { x, y, n };
}
