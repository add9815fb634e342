import type { HyperparameterName } from '@onecycle/annealing';
import type { HyperparamTarget, Snapshot, TrainingHost } from '../src/index.js';

/** A plain-JS optimizer target: one value per group for each hyperparameter, with a set() log. */
export class FakeOpt implements HyperparamTarget {
  readonly values: Record<HyperparameterName, number[]>;
  readonly log: { name: HyperparameterName; value: number | readonly number[] }[] = [];
  constructor(readonly nGroups = 1) {
    this.values = {
      lr: Array(nGroups).fill(0.01),
      mom: Array(nGroups).fill(0.9),
      beta: Array(nGroups).fill(0.99),
      wd: Array(nGroups).fill(0),
    };
  }
  get(name: HyperparameterName): number[] {
    return [...this.values[name]];
  }
  set(name: HyperparameterName, value: number | readonly number[]): void {
    this.log.push({ name, value });
    this.values[name] = typeof value === 'number' ? Array(this.nGroups).fill(value) : [...value];
  }
}

/** A toy model w ↦ loss = (w − target)², trained with SGD on the host's lr (group 0). */
export class QuadraticHost implements TrainingHost {
  readonly opt: FakeOpt;
  w: number;
  grad = 0;
  snapshots = 0;
  restores = 0;
  disposed = 0;
  constructor(
    w0 = 3,
    readonly target = 1,
    nGroups = 1,
  ) {
    this.w = w0;
    this.opt = new FakeOpt(nGroups);
  }
  snapshot(): Snapshot {
    this.snapshots++;
    const saved = this.w;
    return {
      restore: () => {
        this.restores++;
        this.w = saved;
      },
      dispose: () => {
        this.disposed++;
      },
    };
  }
  forwardBackward = (): number => {
    const d = this.w - this.target;
    this.grad = 2 * d;
    return d * d;
  };
  step = (): void => {
    this.w -= this.opt.get('lr')[0]! * this.grad;
  };
}
