/**
 * The web demo's entry: starts the WASM backend, loads MNIST_SAMPLE and mounts the four steps.
 */
import './style.css';
import { startWasmBackend } from './backend.js';
import { loadDemoData } from './data.js';
import { DrawStep } from './draw-step.js';
import { ErrorBanner } from './error-banner.js';
import { LrFindStep } from './lr-find-step.js';
import { ScheduleStep } from './schedule-step.js';
import { readDemoSettings } from './settings.js';
import { TrainStep } from './train-step.js';
import { DemoTrainer } from './training.js';

async function main(): Promise<void> {
  const banner = new ErrorBanner(document.querySelector<HTMLElement>('#errors')!);
  banner.catchGlobal();
  const backendStatus = document.querySelector<HTMLElement>('#backend-status')!;
  const dataStatus = document.querySelector<HTMLElement>('#data-status')!;
  const settings = readDemoSettings(location.search);
  if (settings.testMode) {
    const mode = document.querySelector<HTMLElement>('#mode-banner')!;
    mode.textContent =
      `Test mode (?e2e=1): training on a ${settings.trainSubset?.toLocaleString('en-US')}-image subset, ` +
      `${settings.lrFindIterations} LR-finder iterations, ${settings.epochs} epoch${settings.epochs === 1 ? '' : 's'}. Open the page without ?e2e=1 for the full demo.`;
    mode.hidden = false;
  }

  const schedule = new ScheduleStep(
    document,
    Math.floor((settings.trainSubset ?? 12396) / settings.batchSize),
  );
  schedule.setEpochs(settings.epochs);

  const backend = await startWasmBackend().catch((error: unknown) => {
    backendStatus.textContent = 'unavailable';
    throw error;
  });
  backendStatus.textContent = backend.summary;
  const data = await loadDemoData(settings).catch((error: unknown) => {
    dataStatus.textContent = 'failed to load';
    throw error;
  });
  dataStatus.textContent = data.label;
  schedule.setStepsPerEpoch(data.bunch.train.length);

  const trainer = new DemoTrainer(data, backend.summary);
  let busy = false;
  const steps: { setEnabled(enabled: boolean): void }[] = [];
  const setBusy = (b: boolean) => {
    busy = b;
    for (const step of steps) step.setEnabled(!busy);
  };
  const draw = new DrawStep(document, trainer, banner);
  steps.push(
    new LrFindStep(document, {
      trainer,
      iterations: settings.lrFindIterations,
      banner,
      pick: (lr) => schedule.setLrMax(lr),
      setBusy,
    }),
    new TrainStep(document, { trainer, schedule, banner, setBusy, onTrained: () => draw.modelReady() }),
  );
  setBusy(false);
}

main().catch((error: unknown) => {
  const banner = new ErrorBanner(document.querySelector<HTMLElement>('#errors')!);
  banner.show(error);
});
