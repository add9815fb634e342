import { type LrFindPlotOptions, lrFindPlotSvg } from './lr-find-plot.js';
import type { Suggestions } from './suggest-lrs.js';

/** Why the range test ended. */
export type LrFindStop = 'numIt' | 'diverged' | 'nan' | 'stopped' | 'error';

/**
 * The result of a learning-rate range test as plain data (what `LRFindResult.toJSON()` gives).
 *
 * @example
 * ```ts
 * const data: LRFindData = result.toJSON();
 * ```
 */
export interface LRFindData {
  /** Learning rate of each iteration (group 0). */
  lrs: number[];
  /** Smoothed loss of each iteration (EMA, beta 0.98, bias-corrected). */
  losses: number[];
  /** Raw loss of each iteration. */
  rawLosses: number[];
  /** Loss on one validation batch after each iteration, when asked for. */
  validLosses?: number[];
  /** The four suggestions (on the window `skipStart … n − skipEnd`). */
  suggestions: Suggestions;
  /** fastai's default suggestion: the valley's learning rate (undefined if the curve is too short). */
  suggestedLr: number | undefined;
  /** Iterations asked for. */
  numIt: number;
  /** Why the test ended. */
  stoppedBy: LrFindStop;
  /** The window of the suggestions: points left out at the start. */
  skipStart: number;
  /** The window of the suggestions: points left out at the end. */
  skipEnd: number;
}

/**
 * The result of a learning-rate range test: the curve, the suggestions and an SVG plot.
 *
 * @example
 * ```ts
 * const res = finder.result();
 * console.log(res.suggestions.valley?.lr, res.suggestions.steep?.lr);
 * fs.writeFileSync('lr-find.svg', res.plot());
 * ```
 */
export class LRFindResult implements LRFindData {
  lrs: number[];
  losses: number[];
  rawLosses: number[];
  validLosses?: number[];
  suggestions: Suggestions;
  suggestedLr: number | undefined;
  numIt: number;
  stoppedBy: LrFindStop;
  skipStart: number;
  skipEnd: number;

  /**
   * @param data - The curve and suggestions.
   * @example
   * ```ts
   * const r = new LRFindResult(JSON.parse(text));
   * r.plot();
   * ```
   */
  constructor(data: LRFindData) {
    this.lrs = [...data.lrs];
    this.losses = [...data.losses];
    this.rawLosses = [...data.rawLosses];
    if (data.validLosses) this.validLosses = [...data.validLosses];
    this.suggestions = data.suggestions;
    this.suggestedLr = data.suggestedLr;
    this.numIt = data.numIt;
    this.stoppedBy = data.stoppedBy;
    this.skipStart = data.skipStart;
    this.skipEnd = data.skipEnd;
  }

  /**
   * The loss-against-lr plot with the suggestions marked, as an SVG string.
   * @example
   * ```ts
   * res.plot({ suggestions: ['valley', 'steep'] });
   * ```
   */
  plot(options: LrFindPlotOptions = {}): string {
    return lrFindPlotSvg(this, options);
  }

  /**
   * The result as plain data.
   * @example
   * ```ts
   * JSON.stringify(res);
   * ```
   */
  toJSON(): LRFindData {
    const out: LRFindData = {
      lrs: [...this.lrs],
      losses: [...this.losses],
      rawLosses: [...this.rawLosses],
      suggestions: this.suggestions,
      suggestedLr: this.suggestedLr,
      numIt: this.numIt,
      stoppedBy: this.stoppedBy,
      skipStart: this.skipStart,
      skipEnd: this.skipEnd,
    };
    if (this.validLosses) out.validLosses = [...this.validLosses];
    return out;
  }
}
