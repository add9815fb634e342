export * from './callback-handler.js';
export * from './hyper-schedule.js';
export * from './param-scheduler.js';
export * from './recorder.js';
export * from './smooth-loss.js';
export * from './train-state.js';
export * from './training-loop.js';
export * from './types.js';
