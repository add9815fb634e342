/**
 * The sub-pixel form of a strided convolution's input gradient, along one spatial axis.
 *
 * Output row `i` of the input gradient, with `i + pad = q·s + p` (`0 ≤ p < s`), receives
 * `Σ_t dy[q − t] · W[p + s·t]`. Grouping rows by `r = i mod s` ("phase") turns each group into a stride-1
 * correlation of the un-dilated `dy`; all phases share one correlation window of `taps` rows if each phase's
 * flipped sub-filter is placed at the right offset. Row `j` of that correlation (reading `dy` rows
 * `j − padBefore … j − padBefore + taps − 1`) holds output rows `j·s + r` for every phase `r`.
 *
 * @example
 * ```ts
 * const { taps, padBefore, entries } = subPixelAxis(3, 2, 1);
 * ```
 */
export interface SubPixelAxis {
  /** Window length of the combined filter along this axis. */
  taps: number;
  /** Rows of (virtual) zero padding before `dy` row 0 (negative: that many rows of `dy` are skipped). */
  padBefore: number;
  /** `[phase r, window position u, original filter position k]` for every tap that carries a weight. */
  entries: [number, number, number][];
}

/**
 * Computes the {@link SubPixelAxis} layout for a filter of length `k`, stride `s` and leading padding `pad`.
 *
 * @example
 * ```ts
 * subPixelAxis(3, 2, 1); // 3-tap filter, stride 2, one row of padding before
 * ```
 */
export function subPixelAxis(k: number, s: number, pad: number): SubPixelAxis {
  const phases: { r: number; p: number; q: number; count: number }[] = [];
  for (let r = 0; r < s; r++) {
    const p = (r + pad) % s;
    const q = Math.floor((r + pad) / s);
    const count = p < k ? Math.ceil((k - p) / s) : 0;
    phases.push({ r, p, q, count });
  }
  const used = phases.filter((ph) => ph.count > 0);
  const padBefore = Math.max(...used.map((ph) => ph.count - 1 - ph.q));
  const taps = Math.max(...used.map((ph) => ph.q + padBefore)) + 1;
  const entries: [number, number, number][] = [];
  for (const { r, p, q, count } of used) {
    for (let t = 0; t < count; t++) entries.push([r, q - t + padBefore, p + s * t]);
  }
  return { taps, padBefore, entries };
}

/**
 * Builds the combined sub-pixel filter `[tapsH, tapsW, Cout, s·s·Cin]` from a conv filter `[KH, KW, Cin, Cout]`
 * (row-major data): output channel `(rh·s + rw)·Cin + ci` holds the phase `(rh, rw)` weights, the channel
 * order of TensorFlow's `DepthToSpace`.
 *
 * @example
 * ```ts
 * const rows = subPixelAxis(3, 2, 1);
 * const f = subPixelFilter(weights, [3, 3, cIn, cOut], rows, rows, 2); // [2, 2, cOut, 4·cIn]
 * ```
 */
export function subPixelFilter(
  w: ArrayLike<number>,
  shape: [number, number, number, number],
  rows: SubPixelAxis,
  cols: SubPixelAxis,
  s: number,
): Float32Array {
  const [, kw, cIn, cOut] = shape;
  const outC = s * s * cIn;
  const out = new Float32Array(rows.taps * cols.taps * cOut * outC);
  for (const [rh, uh, kh] of rows.entries) {
    for (const [rw, uw, kwi] of cols.entries) {
      const phase = (rh * s + rw) * cIn;
      for (let ci = 0; ci < cIn; ci++) {
        const src = ((kh * kw + kwi) * cIn + ci) * cOut;
        for (let co = 0; co < cOut; co++) {
          out[((uh * cols.taps + uw) * cOut + co) * outC + phase + ci] = w[src + co]!;
        }
      }
    }
  }
  return out;
}
