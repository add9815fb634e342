// Reference implementations transcribed from the original formulas and stepping rules, written
// independently of src/ so the tests compare two separate derivations.

type Anneal = (start: number, end: number, pct: number) => number;
export const cos: Anneal = (s, e, p) => e + ((s - e) / 2) * (Math.cos(Math.PI * p) + 1);
export const lin: Anneal = (s, e, p) => s + p * (e - s);
export const no: Anneal = (s) => s;

/** fastai v1's Scheduler: n_iter = max(1, n_iter); step(): n += 1, func(start, end, n / n_iter). */
class FastaiScheduler {
  n = 0;
  readonly nIter: number;
  constructor(
    readonly start: number,
    readonly end: number,
    nIter: number,
    readonly func: Anneal,
  ) {
    this.nIter = Math.max(1, nIter);
  }
  step(): number {
    this.n += 1;
    return this.func(this.start, this.end, this.n / this.nIter);
  }
  get isDone(): boolean {
    return this.n >= this.nIter;
  }
}

type Phase = [start: number, end: number, n: number, func: Anneal];

/**
 * fastai v1's OneCycleScheduler/GeneralScheduler loop: on_train_begin sets the first phase's start
 * values; on_batch_end steps the current phase's schedulers and moves on when it is done. Returns
 * [lr, mom] for batches 0 … count − 1 (shorter if the schedule runs out, like fastai's stop).
 */
export function fastaiSequence(lrPhases: Phase[], momPhases: Phase[], count: number): [number, number][] {
  const lrs = lrPhases.map((p) => new FastaiScheduler(...p));
  const moms = momPhases.map((p) => new FastaiScheduler(...p));
  let lr = lrs[0]!.start;
  let mom = moms[0]!.start;
  let idx = 0;
  const out: [number, number][] = [];
  for (let batch = 0; batch < count; batch++) {
    out.push([lr, mom]);
    if (idx >= lrs.length) break;
    lr = lrs[idx]!.step();
    mom = moms[idx]!.step();
    if (lrs[idx]!.isDone) idx += 1;
  }
  return out;
}

/** fastai v1 OneCycleScheduler: a1 = int(n·pct_start), two cosine phases, final_div = div·1e4. */
export function fastaiOneCycle(
  n: number,
  lrMax: number,
  opts: { moms?: number[]; div?: number; pct?: number; finalDiv?: number; count?: number } = {},
): [number, number][] {
  const { moms = [0.95, 0.85], div = 25, pct = 0.3, count = n + 1 } = opts;
  const finalDiv = opts.finalDiv ?? div * 1e4;
  const a1 = Math.trunc(n * pct);
  const a2 = n - a1;
  const low = lrMax / div;
  return fastaiSequence(
    [
      [low, lrMax, a1, cos],
      [lrMax, lrMax / finalDiv, a2, cos],
    ],
    [
      [moms[0]!, moms[1]!, a1, cos],
      [moms[1]!, moms[0]!, a2, cos],
    ],
    count,
  );
}

/** The seed document's two phases: linear up, cosine from lr_max to 0. */
export function seedOneCycle(n: number, lrMax: number, { moms = [0.95, 0.85], div = 25, pct = 0.3 } = {}) {
  const a1 = Math.trunc(n * pct);
  const low = lrMax / div;
  return fastaiSequence(
    [
      [low, lrMax, a1, lin],
      [lrMax, 0, n - a1, cos],
    ],
    [
      [moms[0]!, moms[1]!, a1, lin],
      [moms[1]!, moms[0]!, n - a1, cos],
    ],
    n + 1,
  );
}

/** Leslie Smith's three linear phases (fastai 0.7's version: a = int(n·(1 − pct_end)/2)). */
export function smithOneCycle(
  n: number,
  lrMax: number,
  { moms = [0.95, 0.85], div = 25, pctEnd = 0.1 } = {},
) {
  const a = Math.trunc((n * (1 - pctEnd)) / 2);
  const b = n - 2 * a;
  const low = lrMax / div;
  return fastaiSequence(
    [
      [low, lrMax, a, lin],
      [lrMax, low, a, lin],
      [low, lrMax / (div * 100), b, lin],
    ],
    [
      [moms[0]!, moms[1]!, a, lin],
      [moms[1]!, moms[0]!, a, lin],
      [moms[0]!, moms[0]!, b, no],
    ],
    n + 1,
  );
}

/** PyTorch OneCycleLR.get_lr for one group at step_num (phases as in its constructor). */
export function torchStep(
  stepNum: number,
  T: number,
  {
    maxLr = 0.1,
    pct = 0.3,
    strategy = 'cos',
    div = 25,
    finalDiv = 1e4,
    base = 0.85,
    max = 0.95,
    three = false,
  } = {},
): [number, number] {
  const f: Anneal = strategy === 'cos' ? cos : (s, e, p) => (e - s) * p + s;
  const initial = maxLr / div;
  const min = initial / finalDiv;
  const phases = three
    ? [
        [pct * T - 1, initial, maxLr, max, base],
        [2 * pct * T - 2, maxLr, initial, base, max],
        [T - 1, initial, min, max, max],
      ]
    : [
        [pct * T - 1, initial, maxLr, max, base],
        [T - 1, maxLr, min, base, max],
      ];
  let startStep = 0;
  for (let i = 0; i < phases.length; i++) {
    const [endStep, sl, el, sm, em] = phases[i]!;
    if (stepNum <= endStep! || i === phases.length - 1) {
      const p = (stepNum - startStep) / (endStep! - startStep);
      return [f(sl!, el!, p), f(sm!, em!, p)];
    }
    startStep = endStep!;
  }
  throw new Error('unreachable');
}

/** |a − b| ≤ rel · max(|a|, |b|) (or ≤ 1e-300 near zero). */
export function close(a: number, b: number, rel = 1e-12): boolean {
  return Math.abs(a - b) <= Math.max(rel * Math.max(Math.abs(a), Math.abs(b)), 1e-300);
}
