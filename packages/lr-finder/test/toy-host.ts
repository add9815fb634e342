import type { HyperparameterName } from '@onecycle/annealing';
import type { HyperparamTarget, Snapshot, TrainingHost } from '@onecycle/callbacks';

class ToyOpt implements HyperparamTarget {
  readonly nGroups = 1;
  values: Record<HyperparameterName, number[]> = { lr: [0.01], mom: [0.9], beta: [0.99], wd: [0] };
  get(name: HyperparameterName): number[] {
    return [...this.values[name]];
  }
  set(name: HyperparameterName, value: number | readonly number[]): void {
    this.values[name] = typeof value === 'number' ? [value] : [...value];
  }
}

/**
 * A toy model in plain JS: loss(w) = ½ Σ hᵢ (wᵢ − tᵢ)², trained by SGD with momentum
 * (v ← mom·v + g; w ← w − lr·v). Loss against lr is known: it falls, then diverges once
 * lr > 2(1 + mom)/max(h).
 */
export class ToyHost implements TrainingHost {
  readonly opt = new ToyOpt();
  readonly h = Float64Array.from([0.5, 1, 2, 4]);
  readonly t = Float64Array.from([1, -2, 0.5, 3]);
  w = Float64Array.from([0.3, 0.7, -1.1, 2.2]);
  v = new Float64Array(4);
  g = new Float64Array(4);
  live = 0;
  snapshots = 0;
  validCalls = 0;

  snapshot(): Snapshot {
    this.snapshots++;
    this.live++;
    const w = this.w.slice();
    const v = this.v.slice();
    return {
      restore: () => {
        this.w.set(w);
        this.v.set(v);
      },
      dispose: () => {
        this.live--;
      },
    };
  }

  loss(): number {
    let l = 0;
    for (let i = 0; i < this.w.length; i++) l += 0.5 * this.h[i]! * (this.w[i]! - this.t[i]!) ** 2;
    return l;
  }

  forwardBackward = (): number => {
    for (let i = 0; i < this.w.length; i++) this.g[i] = this.h[i]! * (this.w[i]! - this.t[i]!);
    return this.loss();
  };

  step = (): void => {
    const lr = this.opt.get('lr')[0]!;
    const mom = this.opt.get('mom')[0]!;
    for (let i = 0; i < this.w.length; i++) {
      this.v[i] = mom * this.v[i]! + this.g[i]!;
      this.w[i] = this.w[i]! - lr * this.v[i]!;
    }
  };

  validationBatchLoss = async (): Promise<number> => {
    this.validCalls++;
    return this.loss() + 1;
  };

  /** The bytes of the trainable state (weights and momentum buffer). */
  bytes(): number[] {
    return [...new Uint8Array(this.w.slice().buffer), ...new Uint8Array(this.v.slice().buffer)];
  }
}
