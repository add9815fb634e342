// Internal: a precomputed table of phases stepped the way fastai v1 steps its schedulers.
// Batch 0 gets the first phase's start values; after each batch the current phase's Scheduler is
// stepped once (position += 1, value = func(start, end, position / n)) and, once it is done, the
// next phase takes over. So position p with offset_i < p ≤ offset_i + n_i is phase i at
// (p − offset_i) / n_i. Every phase lasts at least one step (fastai's `max(1, n_iter)`).

import type { AnnealFunc } from '@onecycle/annealing';
import { type KernelKind, kernelConstant, kernelFactor, kernelKind, kernelValue } from './anneal-kernel.js';
import { checkStep } from './check-options.js';

/** One phase: its length and the learning-rate (per group) and momentum end points. */
export interface PlanPhase {
  readonly n: number;
  readonly lrStart: readonly number[];
  readonly lrEnd: readonly number[];
  readonly lrFunc: AnnealFunc;
  readonly momStart: number;
  readonly momEnd: number;
  readonly momFunc: AnnealFunc;
}

/** The values of a step: `lr` is a number for a single learning rate, else one per group. */
export interface PlanValues<L> {
  lr: L;
  mom: number;
}

/** A compiled phase table; `at(step)` allocates only its result. */
export class PhasePlan<L extends number | number[]> {
  readonly phases: readonly PlanPhase[];
  /** The position where the last phase ends (≥ totalSteps; larger only when a phase was padded to one step). */
  readonly end: number;
  readonly #where: string;
  readonly #scalar: boolean;
  readonly #groups: number;
  readonly #ends: Float64Array;
  readonly #offsets: Float64Array;
  readonly #lengths: Float64Array;
  readonly #lrStart: Float64Array; // [phase * groups + group]
  readonly #lrEnd: Float64Array;
  readonly #lrFunc: AnnealFunc[];
  readonly #lrKind: KernelKind[];
  readonly #lrConst: Float64Array;
  readonly #momKind: KernelKind[];
  readonly #momConst: Float64Array;
  readonly #momStart: Float64Array;
  readonly #momEnd: Float64Array;
  readonly #momFunc: AnnealFunc[];
  readonly #template: number[];
  readonly #lr0: number;
  readonly #mom0: number;
  readonly #lrLast: number;
  readonly #momLast: number;

  constructor(where: string, phases: readonly PlanPhase[], scalar: boolean) {
    this.#where = where;
    this.phases = phases;
    this.#scalar = scalar;
    const groups = phases[0]!.lrStart.length;
    this.#groups = groups;
    const count = phases.length;
    this.#ends = new Float64Array(count);
    this.#offsets = new Float64Array(count);
    this.#lengths = new Float64Array(count);
    this.#lrStart = new Float64Array(count * groups);
    this.#lrEnd = new Float64Array(count * groups);
    this.#momStart = new Float64Array(count);
    this.#momEnd = new Float64Array(count);
    this.#lrFunc = [];
    this.#momFunc = [];
    this.#lrKind = [];
    this.#momKind = [];
    this.#lrConst = new Float64Array(count * groups);
    this.#momConst = new Float64Array(count);
    let offset = 0;
    phases.forEach((phase, i) => {
      const n = Math.max(1, phase.n);
      this.#offsets[i] = offset;
      this.#lengths[i] = n;
      offset += n;
      this.#ends[i] = offset;
      const lrKind = kernelKind(phase.lrFunc);
      const momKind = kernelKind(phase.momFunc);
      for (let g = 0; g < groups; g++) {
        this.#lrStart[i * groups + g] = phase.lrStart[g]!;
        this.#lrEnd[i * groups + g] = phase.lrEnd[g]!;
        this.#lrConst[i * groups + g] = kernelConstant(lrKind, phase.lrStart[g]!, phase.lrEnd[g]!);
      }
      this.#lrFunc.push(phase.lrFunc);
      this.#lrKind.push(lrKind);
      this.#momStart[i] = phase.momStart;
      this.#momEnd[i] = phase.momEnd;
      this.#momConst[i] = kernelConstant(momKind, phase.momStart, phase.momEnd);
      this.#momFunc.push(phase.momFunc);
      this.#momKind.push(momKind);
    });
    this.end = offset;
    this.#template = Array.from({ length: groups }, () => 0.5);
    this.#lr0 = this.#lrStart[0]!;
    this.#mom0 = this.#momStart[0]!;
    this.#lrLast = this.#lrEnd[(count - 1) * groups]!;
    this.#momLast = this.#momEnd[count - 1]!;
  }

  at(step: number): PlanValues<L> {
    if (step > 0 && step < this.end) {
      let i = 0;
      while (step > this.#ends[i]!) i++;
      const pct = (step - this.#offsets[i]!) / this.#lengths[i]!;
      const lrKind = this.#lrKind[i]!;
      const momKind = this.#momKind[i]!;
      const lrFactor = kernelFactor(lrKind, pct);
      const momFactor = momKind === lrKind ? lrFactor : kernelFactor(momKind, pct);
      const mom = kernelValue(
        momKind,
        this.#momFunc[i]!,
        this.#momStart[i]!,
        this.#momEnd[i]!,
        this.#momConst[i]!,
        momFactor,
        pct,
      );
      const lrFunc = this.#lrFunc[i]!;
      if (this.#scalar) {
        const lr = kernelValue(
          lrKind,
          lrFunc,
          this.#lrStart[i]!,
          this.#lrEnd[i]!,
          this.#lrConst[i]!,
          lrFactor,
          pct,
        );
        return { lr: lr as L, mom };
      }
      const groups = this.#groups;
      const base = i * groups;
      const lrStart = this.#lrStart;
      const lrEnd = this.#lrEnd;
      const lrConst = this.#lrConst;
      const lr = this.#template.slice(); // a packed array of doubles, cheaper than new Array(n)
      if (lrKind === 1) {
        // the cosine branch of kernelValue, unrolled for the common case
        for (let g = 0; g < groups; g++) lr[g] = lrEnd[base + g]! + lrConst[base + g]! * lrFactor;
      } else {
        for (let g = 0; g < groups; g++) {
          const k = base + g;
          lr[g] = kernelValue(lrKind, lrFunc, lrStart[k]!, lrEnd[k]!, lrConst[k]!, lrFactor, pct);
        }
      }
      return { lr: lr as L, mom };
    }
    if (step === 0) {
      return {
        lr: (this.#scalar ? this.#lr0 : Array.from(this.#lrStart.subarray(0, this.#groups))) as L,
        mom: this.#mom0,
      };
    }
    checkStep(`${this.#where}.at`, step);
    // at or past the end: the final values
    if (this.#scalar) return { lr: this.#lrLast as L, mom: this.#momLast };
    const last = (this.phases.length - 1) * this.#groups;
    return { lr: Array.from(this.#lrEnd.subarray(last, last + this.#groups)) as L, mom: this.#momLast };
  }
}
