/**
 * Step 2: the 1cycle settings and a chart of the lr and momentum they give, redrawn as they change.
 */
import { sampleSchedule } from './chart-data.js';
import { LineChart } from './line-chart.js';
import { makeOneCycle, type OneCycleSchedule } from './one-cycle-schedule.js';
import { type OneCycleForm, type OneCycleInputs, parseOneCycleForm, roundLr } from './settings.js';

const FIELDS = ['lrMax', 'epochs', 'pctStart', 'divFactor', 'moms', 'variant'] as const;

/**
 * The schedule step.
 *
 * @example
 * ```ts
 * const step = new ScheduleStep(document, 193);
 * step.setLrMax(0.03);
 * const inputs = step.inputs(); // null while a field is invalid
 * ```
 */
export class ScheduleStep {
  private readonly form: HTMLFormElement;
  private readonly chart: LineChart;
  private readonly chartEl: HTMLElement;
  private readonly errorsEl: HTMLElement;
  private readonly summaryEl: HTMLElement;
  private current: OneCycleInputs | null = null;
  private enabled = true;
  private readonly listeners: ((inputs: OneCycleInputs | null) => void)[] = [];

  constructor(
    doc: Document,
    private stepsPerEpoch: number,
  ) {
    this.form = doc.querySelector<HTMLFormElement>('#schedule-form')!;
    this.chartEl = doc.querySelector<HTMLElement>('#schedule-chart')!;
    this.errorsEl = doc.querySelector<HTMLElement>('#schedule-errors')!;
    this.summaryEl = doc.querySelector<HTMLElement>('#schedule-summary')!;
    this.chart = new LineChart(this.chartEl, {
      xLabel: 'step',
      yLabel: 'lr',
      y2Label: 'momentum',
      series: [
        { label: 'lr', color: '#2563eb' },
        { label: 'momentum', color: '#d97706', scale: 'y2' },
      ],
    });
    this.form.addEventListener('input', () => this.update());
    this.form.addEventListener('change', () => this.update());
    this.form.addEventListener('submit', (e) => e.preventDefault());
  }

  /** The valid inputs, or null while a field is invalid. */
  inputs(): OneCycleInputs | null {
    return this.current;
  }

  /** The schedule of the current inputs over `stepsPerEpoch` batches per epoch. */
  schedule(stepsPerEpoch = this.stepsPerEpoch): OneCycleSchedule | null {
    return this.current ? makeOneCycle(this.current, stepsPerEpoch) : null;
  }

  /** Calls `listener` whenever the inputs change. */
  onChange(listener: (inputs: OneCycleInputs | null) => void): void {
    this.listeners.push(listener);
  }

  /** Puts a learning rate (rounded to two digits) into the lrMax field. */
  setLrMax(lr: number): void {
    this.field('lrMax').value = String(roundLr(lr));
    this.update();
  }

  /** Sets the number of epochs. */
  setEpochs(epochs: number): void {
    this.field('epochs').value = String(epochs);
    this.update();
  }

  /** Changes the batches per epoch (known once the data is loaded). */
  setStepsPerEpoch(n: number): void {
    this.stepsPerEpoch = n;
    this.update();
  }

  /** Enables or disables the form (while training). */
  setEnabled(enabled: boolean): void {
    this.enabled = enabled;
    for (const name of FIELDS) this.field(name).disabled = !enabled;
    this.field('pctStart').disabled = !enabled || this.field('variant').value === 'smith';
  }

  /** Re-reads the form and redraws the chart. */
  update(): void {
    const raw = Object.fromEntries(FIELDS.map((name) => [name, this.field(name).value])) as OneCycleForm;
    // Leslie Smith's variant has no pctStart: its two first phases are equally long.
    const pct = this.field('pctStart');
    pct.disabled = raw.variant === 'smith' || !this.enabled;
    pct.title = raw.variant === 'smith' ? "not used by 'smith': phases 1 and 2 are equally long" : '';
    const parsed = parseOneCycleForm(raw);
    for (const name of FIELDS) {
      this.field(name).setAttribute('aria-invalid', String(!parsed.ok && name in parsed.errors));
    }
    if (!parsed.ok) {
      this.current = null;
      this.errorsEl.textContent = Object.values(parsed.errors).join('; ');
      this.errorsEl.hidden = false;
    } else {
      this.errorsEl.hidden = true;
      this.current = parsed.value;
      try {
        this.draw(makeOneCycle(parsed.value, this.stepsPerEpoch), parsed.value);
      } catch (error) {
        this.current = null;
        this.errorsEl.textContent = error instanceof Error ? error.message : String(error);
        this.errorsEl.hidden = false;
      }
    }
    for (const listener of this.listeners) listener(this.current);
  }

  private draw(schedule: OneCycleSchedule, inputs: OneCycleInputs): void {
    const columns = sampleSchedule((s) => schedule.at(s), schedule.totalSteps);
    const [steps, lrs] = columns;
    let peak = 0;
    lrs.forEach((lr, i) => {
      if (lr > lrs[peak]!) peak = i;
    });
    this.chart.setData(columns);
    this.chart.flush();
    this.chartEl.dataset.variant = inputs.variant;
    this.chartEl.dataset.peakStep = String(steps[peak]);
    const lrs0 = lrs[0]!;
    const lrEnd = lrs[lrs.length - 1]!;
    this.summaryEl.textContent =
      `${schedule.totalSteps} steps (${inputs.epochs} epoch${inputs.epochs === 1 ? '' : 's'} × ${this.stepsPerEpoch} batches); ` +
      `lr ${lrs0.toExponential(1)} → ${inputs.lrMax} at step ${steps[peak]} → ${lrEnd.toExponential(1)}; ` +
      `momentum ${inputs.moms[0]} → ${inputs.moms[1]} → ${inputs.moms[0]}`;
  }

  private field(name: (typeof FIELDS)[number]): HTMLInputElement | HTMLSelectElement {
    return this.form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement;
  }
}
