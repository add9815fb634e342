export type { Stepper } from './stepper.js';
