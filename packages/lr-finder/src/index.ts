export { type LrFindCurve, type LrFindPlotOptions, lrFindPlotSvg } from './lr-find-plot.js';
export {
  type LRFindData,
  LRFindResult,
  type LrFindStop,
  type NamedSuggestion,
  SUGGESTION_DESCRIPTIONS,
  type SuggestionName,
} from './lr-find-result.js';
export { LRFinder, type LRFinderOptions, lrFindEpochs } from './lr-finder.js';
export { type LRFinderMode, lrFinderSchedule } from './lr-finder-schedule.js';
export { type Suggestions, type SuggestOptions, suggestLrs } from './suggest-lrs.js';
export {
  minimum,
  numericGradient,
  type SlideOptions,
  type Suggestion,
  type SuggestionMethod,
  slide,
  steep,
  valley,
} from './suggestion-methods.js';
