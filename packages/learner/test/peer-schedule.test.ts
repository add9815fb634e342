import { oneCycle } from '@onecycle/one-cycle';
import { expect, it } from 'vitest';

/** The schedule of bench/peer_torch.py (`fastai_one_cycle`), transcribed. */
function peerOneCycle(it: number, total: number, lrMax: number): [number, number] {
  const cos = (start: number, end: number, pct: number) =>
    end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
  const a1 = Math.floor(total * 0.3);
  const low = lrMax / 25;
  if (it < a1) return [cos(low, lrMax, it / a1), cos(0.95, 0.85, it / a1)];
  const p = (it - a1) / (total - a1);
  return [cos(lrMax, low / 1e4, p), cos(0.85, 0.95, p)];
}

it("fitOneCycle's default schedule is the PyTorch peer's (lr and beta1 per batch)", () => {
  // 2 epochs of the full MNIST_SAMPLE: 193 batches of 64 each.
  const total = 2 * 193;
  const s = oneCycle({ lrMax: 5e-2, totalSteps: total });
  for (let i = 0; i < total; i++) {
    const [lr, mom] = peerOneCycle(i, total, 5e-2);
    expect(Math.abs((s.at(i).lr as number) - lr) / lr).toBeLessThan(1e-12);
    expect(s.at(i).mom).toBeCloseTo(mom, 14);
  }
});
