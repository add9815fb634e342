/**
 * The demo's settings: the sizes chosen by the page's query string (a quick test mode for the
 * end-to-end test) and the 1cycle inputs of step 2, parsed and checked.
 */

/**
 * How much data and how many LR-finder iterations the page uses.
 *
 * @example
 * ```ts
 * const { trainSubset, batchSize } = readDemoSettings(location.search);
 * ```
 */
export interface DemoSettings {
  /** True when the page runs in the reduced test mode (`?e2e=1`). */
  readonly testMode: boolean;
  /** Training images used (the first `trainSubset` of a seeded shuffle); `null` = all of them. */
  readonly trainSubset: number | null;
  /** Batch size for the LR finder and training. */
  readonly batchSize: number;
  /** Iterations of the LR range test. */
  readonly lrFindIterations: number;
  /** Default number of epochs in step 2. */
  readonly epochs: number;
}

function positiveInt(params: URLSearchParams, name: string, fallback: number | null): number | null {
  const raw = params.get(name);
  if (raw === null || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`query parameter '${name}' must be a positive integer, got '${raw}'`);
  }
  return value;
}

/**
 * Reads the demo settings from a query string. `?e2e=1` selects the test mode: 2,000 training
 * images, 40 LR-finder iterations, 3 epochs (about 3 s of training). `train`, `bs`, `iters` and `epochs` override single values.
 *
 * @example
 * ```ts
 * readDemoSettings('?e2e=1').trainSubset; // 2000
 * readDemoSettings('').trainSubset;       // null (all 12,396 images)
 * ```
 */
export function readDemoSettings(search: string): DemoSettings {
  const params = new URLSearchParams(search);
  const testMode = params.get('e2e') === '1';
  const trainSubset = positiveInt(params, 'train', testMode ? 2000 : null);
  const batchSize = positiveInt(params, 'bs', 64) ?? 64;
  const lrFindIterations = positiveInt(params, 'iters', testMode ? 40 : 100) ?? 100;
  const epochs = positiveInt(params, 'epochs', testMode ? 3 : 2) ?? 2;
  return { testMode, trainSubset, batchSize, lrFindIterations, epochs };
}

/**
 * The 1cycle variants the schedule step offers.
 *
 * @example
 * ```ts
 * select.append(...VARIANTS.map((v) => new Option(v)));
 * ```
 */
export const VARIANTS = ['fastai', 'seed', 'smith'] as const;
/**
 * One of {@link VARIANTS}.
 *
 * @example
 * ```ts
 * const v: Variant = 'smith';
 * ```
 */
export type Variant = (typeof VARIANTS)[number];

/**
 * The 1cycle inputs of step 2.
 *
 * @example
 * ```ts
 * const inputs: OneCycleInputs = { lrMax: 0.05, epochs: 2, pctStart: 0.3, divFactor: 25, moms: [0.95, 0.85], variant: 'fastai' };
 * ```
 */
export interface OneCycleInputs {
  lrMax: number;
  epochs: number;
  pctStart: number;
  divFactor: number;
  moms: [number, number];
  variant: Variant;
}

/**
 * Raw form values, as strings.
 *
 * @example
 * ```ts
 * const form: OneCycleForm = { lrMax: '0.05', epochs: '2', pctStart: '0.3', divFactor: '25', moms: '0.95, 0.85', variant: 'fastai' };
 * ```
 */
export type OneCycleForm = Record<keyof OneCycleInputs, string>;

/**
 * A parse result: the inputs, or one message per bad field.
 *
 * @example
 * ```ts
 * const r: ParseResult = parseOneCycleForm(form);
 * if (!r.ok) console.log(r.errors.lrMax);
 * ```
 */
export type ParseResult =
  | { ok: true; value: OneCycleInputs }
  | { ok: false; errors: Partial<Record<keyof OneCycleInputs, string>> };

/**
 * Parses and checks the schedule form. Every bad field gets a message naming the allowed range.
 *
 * @example
 * ```ts
 * const r = parseOneCycleForm({ lrMax: '1e-2', epochs: '2', pctStart: '0.25', divFactor: '25',
 *   moms: '0.95, 0.85', variant: 'fastai' });
 * if (r.ok) console.log(r.value.moms); // [0.95, 0.85]
 * ```
 */
export function parseOneCycleForm(form: OneCycleForm): ParseResult {
  const errors: Partial<Record<keyof OneCycleInputs, string>> = {};
  const lrMax = Number(form.lrMax);
  if (!(Number.isFinite(lrMax) && lrMax > 0 && lrMax <= 10))
    errors.lrMax = 'lrMax must be a number in (0, 10]';
  const epochs = Number(form.epochs);
  if (!(Number.isInteger(epochs) && epochs >= 1 && epochs <= 20)) {
    errors.epochs = 'epochs must be a whole number from 1 to 20';
  }
  const pctStart = Number(form.pctStart);
  if (!(Number.isFinite(pctStart) && pctStart > 0 && pctStart < 1)) {
    errors.pctStart = 'pctStart must be a number in (0, 1)';
  }
  const divFactor = Number(form.divFactor);
  if (!(Number.isFinite(divFactor) && divFactor >= 1)) errors.divFactor = 'divFactor must be a number ≥ 1';
  const momParts = form.moms.split(',').map((s) => s.trim());
  const moms = momParts.map(Number);
  const momsOk = moms.length === 2 && momParts.every((s) => s !== '') && moms.every((m) => m >= 0 && m < 1);
  if (!momsOk) errors.moms = 'moms must be two numbers in [0, 1), e.g. "0.95, 0.85"';
  const variant = form.variant as Variant;
  if (!VARIANTS.includes(variant)) errors.variant = `variant must be one of ${VARIANTS.join(', ')}`;
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: { lrMax, epochs, pctStart, divFactor, moms: [moms[0]!, moms[1]!], variant },
  };
}

/**
 * Rounds a learning rate to two significant digits, for picking one by clicking a chart.
 *
 * @example
 * ```ts
 * roundLr(0.0123456); // 0.012
 * ```
 */
export function roundLr(lr: number): number {
  if (!(Number.isFinite(lr) && lr > 0)) throw new RangeError(`lr must be a positive number, got ${lr}`);
  return Number(lr.toPrecision(2));
}
