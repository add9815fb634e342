export * from './lr-find-plot.js';
export * from './lr-find-result.js';
export * from './lr-finder.js';
export * from './lr-sweep.js';
export * from './suggest-lrs.js';
export * from './suggestion-methods.js';
