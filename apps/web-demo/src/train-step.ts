/**
 * Step 3: fitOneCycle with live charts (loss per batch, where the lr and momentum are on the
 * schedule, accuracy per epoch), a progress bar, a stop button and fastai's results table; an
 * optional constant-lr run on the same charts for comparison; and a button that times one full
 * MNIST_SAMPLE epoch.
 */
import { headLr, LiveSeries, StepSeries } from './chart-data.js';
import type { ErrorBanner } from './error-banner.js';
import { LineChart } from './line-chart.js';
import { resultsTable } from './results-table.js';
import type { ScheduleStep } from './schedule-step.js';
import type { OneCycleInputs } from './settings.js';
import type { BatchEvent, DemoTrainer, EpochEvent, RunControl } from './training.js';

/**
 * What the step needs from the page.
 *
 * @example
 * ```ts
 * const deps: TrainStepDeps = { trainer, schedule, banner, setBusy, onTrained: () => draw.modelReady() };
 * ```
 */
export interface TrainStepDeps {
  trainer: DemoTrainer;
  schedule: ScheduleStep;
  banner: ErrorBanner;
  setBusy: (busy: boolean) => void;
  /** Called when a 1cycle run has finished (the model can be tried in step 4). */
  onTrained: () => void;
}

const RUNS = ['one-cycle', 'constant'] as const;
type RunName = (typeof RUNS)[number];

/**
 * Mounts step 3.
 *
 * @example
 * ```ts
 * const step = new TrainStep(document, { trainer, schedule, banner, setBusy, onTrained });
 * ```
 */
export class TrainStep {
  private readonly section: HTMLElement;
  private readonly trainButton: HTMLButtonElement;
  private readonly stopButton: HTMLButtonElement;
  private readonly timeButton: HTMLButtonElement;
  private readonly compare: HTMLInputElement;
  private readonly progressBar: HTMLProgressElement;
  private readonly status: HTMLElement;
  private readonly results: HTMLElement;
  private readonly epochTime: HTMLElement;
  private readonly lossChart: LineChart;
  private readonly positionChart: LineChart;
  private readonly accuracyChart: LineChart;
  private stopRequested = false;
  private enabled = false;

  constructor(
    doc: Document,
    private readonly deps: TrainStepDeps,
  ) {
    const $ = <T extends HTMLElement>(sel: string) => doc.querySelector<T>(sel)!;
    this.section = $('#step-train');
    this.trainButton = $('#train-run');
    this.stopButton = $('#train-stop');
    this.timeButton = $('#epoch-time-run');
    this.compare = $('#train-compare');
    this.progressBar = $('#train-progress');
    this.status = $('#train-status');
    this.results = $('#results');
    this.epochTime = $('#epoch-time');
    this.lossChart = new LineChart($('#loss-chart'), {
      xLabel: 'batch',
      yLabel: 'loss',
      series: [
        { label: '1cycle', color: '#2563eb' },
        { label: 'constant lr', color: '#ea580c' },
      ],
      // From 0; before any data, 0 to 1.
      yRange: (min, max) => [0, Number.isFinite(max) && max > 0 ? Math.max(max, min + 1e-3) : 1],
    });
    this.positionChart = new LineChart($('#position-chart'), {
      xLabel: 'batch',
      yLabel: 'lr',
      y2Label: 'momentum',
      series: [
        { label: 'lr (planned)', color: '#bfdbfe' },
        { label: 'mom (planned)', color: '#fde68a', scale: 'y2' },
        { label: 'lr', color: '#2563eb' },
        { label: 'mom', color: '#d97706', scale: 'y2' },
      ],
    });
    this.accuracyChart = new LineChart($('#accuracy-chart'), {
      xLabel: 'epoch',
      yLabel: 'accuracy',
      series: [
        { label: '1cycle', color: '#2563eb', points: true },
        { label: 'constant lr', color: '#ea580c', points: true },
      ],
      yRange: (min) => [Math.min(0.9, Number.isFinite(min) ? min : 0.9), 1],
    });
    this.section.dataset.state = 'idle';
    this.trainButton.addEventListener('click', () => void this.train());
    this.timeButton.addEventListener('click', () => void this.timeEpoch());
    this.stopButton.addEventListener('click', () => {
      this.stopRequested = true;
      this.stopButton.disabled = true;
      this.status.textContent = 'stopping after this batch…';
    });
    deps.schedule.onChange(() => this.refreshButtons());
  }

  /** Enables the buttons (when the page is idle and the inputs are valid). */
  setEnabled(enabled: boolean): void {
    this.enabled = enabled;
    this.refreshButtons();
  }

  private refreshButtons(): void {
    const ok = this.enabled && this.deps.schedule.inputs() !== null;
    this.trainButton.disabled = !ok;
    this.timeButton.disabled = !ok;
  }

  private control(onBatch: (e: BatchEvent) => void, onEpoch: (e: EpochEvent) => void): RunControl {
    return { onBatch, onEpoch, shouldStop: () => this.stopRequested };
  }

  private begin(): void {
    this.stopRequested = false;
    this.deps.setBusy(true);
    this.deps.schedule.setEnabled(false);
    this.stopButton.disabled = false;
    this.section.dataset.state = 'running';
  }

  private end(state: 'done' | 'error'): void {
    this.stopButton.disabled = true;
    this.deps.schedule.setEnabled(true);
    this.deps.setBusy(false);
    this.section.dataset.state = state;
  }

  private async train(): Promise<void> {
    const inputs = this.deps.schedule.inputs();
    const { trainer, banner } = this.deps;
    if (!inputs) return;
    const nBatches = trainer.stepsPerEpoch;
    const totalSteps = inputs.epochs * nBatches;
    const runs: RunName[] = this.compare.checked ? ['one-cycle', 'constant'] : ['one-cycle'];
    const constantLr = inputs.lrMax / 10;
    const schedule = this.deps.schedule.schedule(nBatches)!;
    const loss = new StepSeries(totalSteps, 2);
    const position = new StepSeries(totalSteps + 1, 4);
    position.fill(0, (s) => headLr(schedule.at(s).lr));
    position.fill(1, (s) => schedule.at(s).mom);
    const accuracy = new LiveSeries(2);
    const accByEpoch: number[][] = [[], []];
    this.positionChart.setData(position.columns());
    this.lossChart.setData(loss.columns());
    this.accuracyChart.setData(accuracy.columns());
    this.results.replaceChildren();
    this.begin();
    const done = { steps: 0 };
    const allSteps = totalSteps * runs.length;
    this.progressBar.max = allSteps;
    this.progressBar.value = 0;
    try {
      for (const run of runs) {
        const r = RUNS.indexOf(run);
        const title =
          run === 'one-cycle'
            ? `1cycle (${inputs.variant}, lrMax ${inputs.lrMax}, pctStart ${inputs.pctStart}, divFactor ${inputs.divFactor}, moms ${inputs.moms.join('/')})`
            : `constant lr ${constantLr} (lrMax / 10, the optimizer's default momentum)`;
        const control = this.control(
          (e) => {
            loss.set(r, e.iteration, e.loss);
            if (run === 'one-cycle') {
              position.set(2, e.iteration, e.lr);
              position.set(3, e.iteration, e.mom);
              this.positionChart.setData(position.columns());
              this.positionChart.setMarkers([
                { x: e.iteration, label: `batch ${e.iteration + 1}`, color: '#111827' },
              ]);
            }
            this.lossChart.setData(loss.columns());
            done.steps++;
            this.progressBar.value = done.steps;
            this.status.textContent = `${title}: epoch ${e.epoch + 1}/${e.nEpochs}, batch ${e.numBatch + 1}/${e.nBatches}, loss ${e.loss.toFixed(4)}, lr ${e.lr.toExponential(2)}, mom ${e.mom.toFixed(3)}`;
          },
          (e) => {
            accByEpoch[r]![e.epoch] = e.accuracy;
            accuracy.clear();
            for (let ep = 0; ep < inputs.epochs; ep++) {
              const a = accByEpoch[0]![ep];
              const b = accByEpoch[1]![ep];
              if (a !== undefined || b !== undefined)
                accuracy.push(ep + 1, [a ?? Number.NaN, b ?? Number.NaN]);
            }
            this.accuracyChart.setData(accuracy.columns());
          },
        );
        const result =
          run === 'one-cycle'
            ? await trainer.fitOneCycle(inputs, control)
            : await trainer.fitConstant(constantLr, inputs.epochs, control);
        this.results.append(resultsTable(title, run, result.rows));
        if (run === 'one-cycle' && result.rows.length > 0) this.deps.onTrained();
        if (result.stopped) {
          this.status.textContent = `${title}: stopped by you after ${result.iterations} batches`;
          break;
        }
      }
      for (const chart of [this.lossChart, this.positionChart, this.accuracyChart]) chart.flush();
      if (!this.stopRequested) this.status.textContent = this.summary(runs, inputs);
      this.end('done');
    } catch (error) {
      for (const chart of [this.lossChart, this.positionChart, this.accuracyChart]) chart.flush();
      this.status.textContent = 'training failed';
      banner.show(error);
      this.end('error');
    }
  }

  private summary(runs: readonly RunName[], inputs: OneCycleInputs): string {
    const tables = Array.from(this.results.querySelectorAll<HTMLTableElement>('table'));
    const acc = (run: RunName) => Number(tables.find((t) => t.dataset.run === run)?.dataset.accuracy);
    const parts = [`1cycle: accuracy ${acc('one-cycle').toFixed(4)} after ${inputs.epochs} epoch(s)`];
    if (runs.includes('constant')) parts.push(`constant lr: ${acc('constant').toFixed(4)}`);
    return `${parts.join(' · ')}. Draw a digit in step 4.`;
  }

  private async timeEpoch(): Promise<void> {
    const inputs = this.deps.schedule.inputs();
    const { trainer, banner } = this.deps;
    if (!inputs) return;
    this.begin();
    const n = trainer.fullStepsPerEpoch;
    this.progressBar.max = n;
    this.progressBar.value = 0;
    this.epochTime.textContent = '';
    delete this.epochTime.dataset.seconds;
    try {
      const t = await trainer.timeFullEpoch(
        inputs,
        this.control(
          (e) => {
            this.progressBar.value = e.numBatch + 1;
            this.status.textContent = `timing one full epoch: batch ${e.numBatch + 1}/${e.nBatches}`;
          },
          () => {},
        ),
      );
      if (t.stopped) {
        this.status.textContent = 'timing stopped by you';
      } else {
        this.epochTime.dataset.seconds = String(t.seconds);
        this.epochTime.textContent =
          `One full MNIST_SAMPLE epoch (${t.trainImages.toLocaleString('en-US')} training + ${t.validImages.toLocaleString('en-US')} validation images, ` +
          `fresh model, fitOneCycle(1, ${inputs.lrMax})): ${t.seconds.toFixed(2)} s ` +
          `(training ${t.trainSeconds.toFixed(2)} s, validation ${t.validSeconds.toFixed(2)} s), accuracy ${t.accuracy.toFixed(4)} · ${trainer.backendSummary}`;
        this.status.textContent = 'epoch timed';
      }
      this.end('done');
    } catch (error) {
      this.status.textContent = 'timing failed';
      banner.show(error);
      this.end('error');
    }
  }
}
