import { type LrFindPlotOptions, lrFindPlotSvg } from './lr-find-plot.js';
import type { Suggestions } from './suggest-lrs.js';
import type { Suggestion } from './suggestion-methods.js';

/**
 * The name of one of the four suggestion methods.
 *
 * @example
 * ```ts
 * const n: SuggestionName = 'valley';
 * ```
 */
export type SuggestionName = keyof Suggestions;

/**
 * What each suggestion method looks for, in one sentence (for UIs and reports).
 *
 * @example
 * ```ts
 * SUGGESTION_DESCRIPTIONS.valley; // 'about halfway down the longest valley of decreasing loss (fastai's default)'
 * ```
 */
export const SUGGESTION_DESCRIPTIONS: Readonly<Record<SuggestionName, string>> = {
  valley: "about halfway down the longest valley of decreasing loss (fastai's default)",
  slide: 'left end of the last interval of the curve whose loss gradients differ by more than a threshold',
  steep: 'where the loss falls fastest against log(lr)',
  minimum: 'a tenth of the learning rate with the lowest loss',
};

/**
 * A suggestion with its method's name and description.
 *
 * @example
 * ```ts
 * const s: NamedSuggestion = result.suggestionList()[0]!;
 * console.log(s.name, s.lr, s.description);
 * ```
 */
export interface NamedSuggestion extends Suggestion {
  /** The method. */
  name: SuggestionName;
  /** What the method looks for. */
  description: string;
}

/**
 * Why the range test ended: after numIt iterations, on divergence, on a NaN loss, stopped by
 * another callback or the loop running out of epochs, or by an error.
 *
 * @example
 * ```ts
 * if (res.stoppedBy === 'diverged') console.log('diverged at', res.lrs.at(-1));
 * ```
 */
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
  /** True when the test ended before numIt iterations (divergence, NaN, an error or a stop). */
  stoppedEarly: boolean;
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
  stoppedEarly: boolean;
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
    this.stoppedEarly = data.stoppedEarly;
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
   * The suggestions that exist, valley first (fastai's default), then slide, steep, minimum, each
   * with its name and description.
   * @example
   * ```ts
   * for (const s of res.suggestionList()) console.log(`${s.name}: ${s.lr.toExponential(2)}`);
   * ```
   */
  suggestionList(): NamedSuggestion[] {
    const names: SuggestionName[] = ['valley', 'slide', 'steep', 'minimum'];
    return names.flatMap((name) => {
      const s = this.suggestions[name];
      return s ? [{ ...s, name, description: SUGGESTION_DESCRIPTIONS[name] }] : [];
    });
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
      stoppedEarly: this.stoppedEarly,
      skipStart: this.skipStart,
      skipEnd: this.skipEnd,
    };
    if (this.validLosses) out.validLosses = [...this.validLosses];
    return out;
  }
}
