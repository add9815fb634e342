/**
 * Step 1: the LR range test with a live chart of the smoothed loss against the lr (log axis), the
 * suggestions marked on it, and click-to-pick.
 */
import { LiveSeries, lossRange } from './chart-data.js';
import type { ErrorBanner } from './error-banner.js';
import { LineChart, type Marker } from './line-chart.js';
import { roundLr } from './settings.js';
import type { DemoTrainer, LrSuggestion } from './training.js';

const MARKER_COLORS = ['#059669', '#7c3aed', '#db2777', '#0891b2'];

/**
 * What the step needs from the page.
 *
 * @example
 * ```ts
 * const deps: LrFindStepDeps = { trainer, iterations: 100, banner, pick: (lr) => schedule.setLrMax(lr), setBusy };
 * ```
 */
export interface LrFindStepDeps {
  trainer: DemoTrainer;
  iterations: number;
  banner: ErrorBanner;
  /** Called with a picked lr (chart click or suggestion button). */
  pick: (lr: number) => void;
  /** Marks the page busy (only one run at a time). */
  setBusy: (busy: boolean) => void;
}

/**
 * Mounts step 1 on the page.
 *
 * @example
 * ```ts
 * const step = new LrFindStep(document, { trainer, iterations: 100, banner, pick, setBusy });
 * step.setEnabled(true);
 * ```
 */
export class LrFindStep {
  private readonly section: HTMLElement;
  private readonly button: HTMLButtonElement;
  private readonly progress: HTMLElement;
  private readonly suggestionsEl: HTMLElement;
  private readonly chart: LineChart;
  private readonly series = new LiveSeries(1);

  constructor(
    doc: Document,
    private readonly deps: LrFindStepDeps,
  ) {
    this.section = doc.querySelector<HTMLElement>('#step-lr-find')!;
    this.button = doc.querySelector<HTMLButtonElement>('#lr-find-run')!;
    this.progress = doc.querySelector<HTMLElement>('#lr-find-progress')!;
    this.suggestionsEl = doc.querySelector<HTMLElement>('#lr-find-suggestions')!;
    let range: [number, number] | null = null;
    this.chart = new LineChart(doc.querySelector<HTMLElement>('#lr-find-chart')!, {
      xLabel: 'learning rate (log)',
      yLabel: 'loss (smoothed)',
      logX: true,
      series: [{ label: 'loss', color: '#2563eb' }],
      yRange: (min, max) => {
        range = lossRange(this.series.columns()[1]!);
        return range ?? [min, max];
      },
      onPick: (lr) => {
        if (this.series.length > 0) deps.pick(lr);
      },
    });
    this.section.dataset.state = 'idle';
    this.button.addEventListener('click', () => void this.run());
  }

  /** Enables the run button. */
  setEnabled(enabled: boolean): void {
    this.button.disabled = !enabled;
  }

  private async run(): Promise<void> {
    const { trainer, iterations, banner, setBusy } = this.deps;
    setBusy(true);
    this.section.dataset.state = 'running';
    this.series.clear();
    this.chart.setMarkers([]);
    this.suggestionsEl.replaceChildren();
    this.progress.textContent = `0 / ${iterations} iterations`;
    try {
      const result = await trainer.lrFind(iterations, (i, lr, loss) => {
        this.series.push(lr, [loss]);
        this.chart.setData(this.series.columns());
        this.progress.textContent = `${i + 1} / ${iterations} iterations · lr ${lr.toExponential(2)}`;
      });
      this.chart.setData(result.columns);
      this.chart.flush();
      this.showSuggestions(result.suggestions);
      this.progress.textContent = `done: ${result.iterations} iterations${result.stoppedEarly ? ' (stopped when the loss diverged)' : ''}`;
      this.section.dataset.state = 'done';
    } catch (error) {
      this.section.dataset.state = 'error';
      this.progress.textContent = 'failed';
      banner.show(error);
    } finally {
      setBusy(false);
    }
  }

  private showSuggestions(suggestions: readonly LrSuggestion[]): void {
    const markers: Marker[] = suggestions.map((s, i) => ({
      x: s.lr,
      label: `${s.name} ${s.lr.toExponential(1)}`,
      color: MARKER_COLORS[i % MARKER_COLORS.length]!,
    }));
    this.chart.setMarkers(markers);
    const label = document.createElement('span');
    label.className = 'muted';
    label.textContent = suggestions.length > 0 ? 'Use a suggestion:' : 'No suggestion (the loss never fell).';
    this.suggestionsEl.append(label);
    for (const s of suggestions) {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'secondary';
      button.textContent = `${s.name}: ${roundLr(s.lr)}`;
      button.title = s.description;
      button.addEventListener('click', () => this.deps.pick(s.lr));
      this.suggestionsEl.append(button);
    }
  }
}
