import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '@onecycle/atomic-file';
import { setupBackend } from '@onecycle/backends';
import {
  type Callback,
  type EpochRecord,
  GradientAccumulation,
  GradientClip,
  ProgressReporter,
  type RecorderData,
  TerminateOnNaN,
} from '@onecycle/callbacks';
import {
  accuracy,
  adam,
  createCnnLearner,
  type FitResult,
  Learner,
  lamb,
  type OptFunc,
  radam,
  rmsprop,
  sgd,
} from '@onecycle/learner';
import type { LRFindResult } from '@onecycle/lr-finder';
import { type Module, resnet, simpleCnn } from '@onecycle/models';
import type { OneCycleVariant } from '@onecycle/one-cycle';
import { ImageDataBunch, URLs, untarData } from '@onecycle/vision-data/node';
import { CliExit } from './cli-exit.js';
import { downloadBar } from './download-bar.js';
import { FineTuneStages } from './fine-tune-stages.js';
import { listenForStop } from './listen-for-stop.js';
import { noSuggestionReason } from './lr-find-report.js';
import { loadModelWeights, readWeightsFile, type WeightsFile, weightsAreFinite } from './model-weights.js';
import type { Output } from './output.js';
import { checkOutputPaths } from './output-paths.js';
import { svgToPng } from './render-png.js';
import {
  type ResumeCheckpoint,
  RUN_OPTIONS_KEY,
  readResumeCheckpoint,
  resumeOptions,
  type StoredOptions,
} from './run-options.js';
import { STOP_SIGNALS, type StopOnSignal, type StopSignal } from './stop-on-signal.js';

/** Options every command takes. */
export interface CommonOptions {
  data?: string;
  mnistIdx?: string;
  /** Resize every image to size × size (fastai's `size=`). */
  size?: number;
  bs: number;
  seed: number;
  model: 'simple_cnn' | 'resnet';
  backend: 'auto' | 'node' | 'wasm' | 'cpu';
  /** Threads for the WASM backend's convolution kernels. */
  threads: number;
  out: string;
  json: boolean;
}

/** The learning-rate schedules of `onecycle fit --schedule`. */
export type ScheduleName = 'constant' | 'one-cycle' | 'flat-cos' | 'sgdr';

/** The optimizers of `onecycle fit --opt`. */
export type OptName = 'adam' | 'sgd' | 'rmsprop' | 'radam' | 'lamb';

/** The optimizers by name, as the CLI builds them (fastai's defaults). */
const OPT_FUNCS: Record<OptName, () => OptFunc> = {
  adam: () => adam({ betas: [0.9, 0.99] }),
  sgd: () => sgd({ mom: 0.9 }),
  rmsprop: () => rmsprop(),
  radam: () => radam({ betas: [0.9, 0.99] }),
  lamb: () => lamb(),
};

/** Options of `onecycle fit`. */
export interface FitCommandOptions extends CommonOptions {
  lr: number | 'auto';
  epochs: number;
  oneCycle: boolean;
  /** Default: one-cycle with `--one-cycle`, else constant. */
  schedule?: ScheduleName;
  opt: OptName;
  /** Largest global gradient norm, if clipping. */
  gradClip?: number;
  /** Batches per optimizer step. */
  accum: number;
  /** sgdr: cycles. */
  cycles: number;
  /** sgdr: growth of the cycles. */
  cycleMult: number;
  variant: OneCycleVariant;
  pctStart: number;
  divFactor: number;
  moms: [number, number];
  wd: number;
  save?: string;
  /** Continue the unfinished run saved in this checkpoint. */
  resume?: string;
  /** Start a new run from the weights in this file. */
  load?: string;
}

/** Options of `onecycle fine-tune`. */
export interface FineTuneCommandOptions extends Omit<CommonOptions, 'model'> {
  lr: number;
  epochs: number;
  freezeEpochs: number;
  lrMult: number;
  save?: string;
  /** Start from the weights in this file. */
  load?: string;
  /** Refused: a fine-tune run cannot be continued (`--resume` is for `fit`). */
  resume?: string;
}

/** Options of `onecycle lr-find`. */
export interface LrFindCommandOptions extends CommonOptions {
  startLr: number;
  endLr: number;
  numIt: number;
}

/** Options of `onecycle demo`. */
export interface DemoCommandOptions extends CommonOptions {
  epochs: number;
  seeds?: number[];
}

/** One epoch of a run, as printed in `--json`. */
export interface EpochSummary {
  epoch: number;
  trainLoss: number;
  validLoss: number;
  accuracy: number;
  seconds: number;
}

/** The JSON result of one training run. */
export interface FitSummary {
  name: string;
  backend: string;
  model: string;
  seed: number;
  schedule: ScheduleName | 'fine-tune';
  /** The optimizer's name (`--opt`). */
  optimizer: OptName;
  lr: number;
  accuracy: number;
  validLoss: number;
  trainLoss: number;
  epochs: EpochSummary[];
  totalSeconds: number;
  /** CPU time of the process (user + system) during training, all threads. */
  cpuSeconds: number;
  /** Peak resident set size of the process so far, in MB. */
  maxRssMb: number;
  loadSeconds: number;
  trainItems: number;
  validItems: number;
  stopReason?: string;
  /**
   * Where a resumed run continued: the epoch (numbered from 1, as `epochs`) and the batches of it
   * already done before.
   */
  resumedFrom?: { epoch: number; batch: number };
  /** The signal that stopped the run, if one did. */
  interruptedBy?: StopSignal;
}

interface Prepared {
  backend: string;
  data: ImageDataBunch;
  loadSeconds: number;
}

async function prepare(opts: Omit<CommonOptions, 'model'>, out: Output): Promise<Prepared> {
  const choice = await setupBackend(opts.backend, { convThreads: opts.threads });
  out.info(`backend: ${choice.backend} (${choice.reason})`);
  if (opts.data !== undefined && opts.mnistIdx !== undefined) {
    throw new RangeError('--data and --mnist-idx name two data sets: give one of them');
  }
  if (opts.size !== undefined && opts.mnistIdx !== undefined) {
    throw new RangeError('--size resizes the images of --data or MNIST_SAMPLE; MNIST idx files are 28×28');
  }
  let path: string;
  if (opts.mnistIdx !== undefined) {
    path = resolve(opts.mnistIdx);
  } else if (opts.data) {
    path = resolve(opts.data);
  } else {
    const bar = downloadBar('mnist_sample.tgz', { write: out.write, isTTY: out.isTTY });
    try {
      path = await untarData(URLs.MNIST_SAMPLE, {
        onNotice: (m: string) => out.info(m),
        progress: bar.progress,
      });
    } finally {
      bar.end();
    }
  }
  const t0 = performance.now();
  const bunchOptions = { bs: opts.bs, seed: opts.seed };
  const data =
    opts.mnistIdx !== undefined
      ? await ImageDataBunch.fromMnistIdx(path, bunchOptions)
      : await ImageDataBunch.fromFolder(path, {
          ...bunchOptions,
          ...(opts.size === undefined ? {} : { size: opts.size }),
          onWarning: (m: string) => out.info(`warning: ${m}`),
        });
  const loadSeconds = (performance.now() - t0) / 1000;
  const how =
    opts.mnistIdx !== undefined ? 'read' : data.loadInfo?.fromCache ? 'from the decode cache' : 'decoded';
  out.info(
    `data: ${path} — classes [${data.classes.join(', ')}], ${data.train.size} training and ${data.valid.size} validation images of ${data.train.width}×${data.train.height} (${how} in ${loadSeconds.toFixed(2)} s)`,
  );
  if (data.train.length === 0) {
    throw new RangeError(
      `--bs ${opts.bs} is larger than the ${data.train.size} training images of ${path}: no full training batch; use a smaller --bs`,
    );
  }
  return { backend: choice.backend, data, loadSeconds };
}

function createModel(kind: CommonOptions['model'], nClasses: number, seed: number): Module {
  if (kind === 'resnet') return resnet({ depth: 20, nClasses, inChannels: 3, seed });
  return simpleCnn([3, 16, 16, nClasses], undefined, undefined, false, { seed });
}

function modelName(kind: CommonOptions['model'], nClasses: number): string {
  return kind === 'resnet'
    ? `resnet({ depth: 20, nClasses: ${nClasses} })`
    : `simpleCnn([3,16,16,${nClasses}])`;
}

async function writePlot(outDir: string, name: string, svg: string, out: Output): Promise<void> {
  const svgPath = join(outDir, `${name}.svg`);
  await writeFileAtomic(svgPath, svg);
  await writeFileAtomic(join(outDir, `${name}.png`), svgToPng(svg));
  out.info(`wrote ${svgPath} (and .png)`);
}

/**
 * Writes the plot of an LR range test. A sweep stopped (by a signal) before the points that the
 * plot leaves out at the start is plotted whole; one stopped before its first point has no plot.
 */
async function writeLrFindPlot(
  outDir: string,
  name: string,
  result: LRFindResult,
  out: Output,
): Promise<void> {
  const n = result.lrs.length;
  if (n === 0) {
    out.info(`no ${name} plot: the sweep stopped before its first batch`);
    return;
  }
  await writePlot(
    outDir,
    name,
    result.skipStart < n ? result.plot() : result.plot({ skipStart: 0, skipEnd: 0 }),
    out,
  );
}

function epochSummaries(records: readonly EpochRecord[]): EpochSummary[] {
  return records.map((e) => ({
    epoch: e.epoch + 1,
    trainLoss: e.smoothLoss,
    validLoss: e.validLoss,
    accuracy: e.metrics.accuracy ?? Number.NaN,
    seconds: e.seconds,
  }));
}

function formatLr(lr: number): string {
  return lr.toExponential(2);
}

interface RunSpec {
  name: string;
  schedule: ScheduleName;
  lr: number;
  epochs: number;
  opt?: OptName;
  gradClip?: number;
  accum?: number;
  cycles?: number;
  cycleMult?: number;
  variant?: OneCycleVariant;
  pctStart?: number;
  divFactor?: number;
  moms?: [number, number];
  wd?: number;
  save?: string;
  seed: number;
}

/** How `fit` runs beyond its spec: signals, resume, starting weights, checkpoint metadata. */
interface RunControl {
  /** Stops the run on SIGINT/SIGTERM. */
  stop?: StopOnSignal;
  /** The checkpoint whose unfinished run this run continues. */
  resume?: { bytes: Uint8Array; path: string };
  /** A weights file to start from. */
  load?: WeightsFile;
  /** Saved with the checkpoint. */
  metadata?: Record<string, string>;
}

/** How a run ended. */
type RunOutcome =
  | { kind: 'finished' }
  | { kind: 'diverged'; message: string }
  | { kind: 'interrupted'; signal: StopSignal; message: string };

async function trainRun(
  prepared: Prepared,
  opts: CommonOptions,
  spec: RunSpec,
  out: Output,
  control: RunControl = {},
): Promise<{ summary: FitSummary; recorder: RecorderData; outcome: RunOutcome }> {
  const { data } = prepared;
  const model = createModel(opts.model, data.c, spec.seed);
  const learn = new Learner(data, model, {
    metrics: [accuracy],
    seed: spec.seed,
    ...(spec.wd === undefined ? {} : { wd: spec.wd }),
    ...(spec.opt === undefined ? {} : { optFunc: OPT_FUNCS[spec.opt]() }),
  });
  try {
    out.info(`\n${spec.name}  (${modelName(opts.model, data.c)}, seed ${spec.seed})`);
    let resumedFrom: FitSummary['resumedFrom'];
    if (control.resume) {
      learn.loadState(control.resume.bytes, control.resume.path);
      const p = learn.runPosition!;
      resumedFrom = { epoch: p.epoch + 1, batch: p.batch };
      out.info(
        `resuming ${control.resume.path}: epoch ${p.epoch + 1} of ${spec.epochs}, after batch ${p.batch} of ${p.nBatches}`,
      );
    }
    if (control.load) {
      loadModelWeights(model, control.load);
      out.info(`starting from the weights of ${control.load.path}`);
    }
    const progress = progressReporter(out);
    const nan = new TerminateOnNaN();
    const callbacks: Callback[] = [progress, nan, ...(control.stop ? [control.stop] : [])];
    if (spec.gradClip !== undefined) callbacks.push(new GradientClip({ maxNorm: spec.gradClip }));
    if (spec.accum !== undefined && spec.accum > 1) callbacks.push(new GradientAccumulation(spec.accum));
    const {
      value: result,
      totalSeconds,
      cpu,
    } = await timed(() => fitBySchedule(learn, spec, callbacks, control.resume !== undefined), out);
    const outcome = await endRun(
      learn,
      model,
      {
        nan,
        ...(control.stop ? { stop: control.stop } : {}),
        lr: spec.lr,
        nBatches: data.train.length,
        position: () => {
          const p = learn.runPosition!;
          return {
            epoch: Math.min(p.epoch + 1, spec.epochs),
            nEpochs: spec.epochs,
            batch: p.epoch >= spec.epochs ? p.nBatches : p.batch,
            nBatches: p.nBatches,
          };
        },
        ...(spec.save ? { save: spec.save } : {}),
        ...(control.metadata ? { metadata: control.metadata } : {}),
        resumable: control.metadata !== undefined,
      },
      out,
    );
    if (outcome.kind === 'finished' && result.stopReason) out.info(`stopped: ${result.stopReason}`);
    const recorder = learn.recorder.toJSON();
    const epochs = epochSummaries(recorder.epochs);
    const last = epochs[epochs.length - 1];
    const summary: FitSummary = {
      name: spec.name,
      backend: prepared.backend,
      model: modelName(opts.model, data.c),
      seed: spec.seed,
      schedule: spec.schedule,
      optimizer: spec.opt ?? 'adam',
      lr: spec.lr,
      accuracy: last?.accuracy ?? Number.NaN,
      validLoss: last?.validLoss ?? Number.NaN,
      trainLoss: last?.trainLoss ?? Number.NaN,
      epochs,
      ...costs(prepared, totalSeconds, cpu),
      ...(result.stopReason ? { stopReason: result.stopReason } : {}),
      ...(resumedFrom ? { resumedFrom } : {}),
      ...(outcome.kind === 'interrupted' ? { interruptedBy: outcome.signal } : {}),
    };
    return { summary, recorder, outcome };
  } finally {
    learn.dispose();
    model.dispose();
  }
}

/** The results table and progress bar of a run, with the accuracy column from the first row on. */
function progressReporter(out: Output): ProgressReporter {
  return new ProgressReporter({ write: out.write, isTTY: out.isTTY, metrics: ['accuracy'] });
}

/** Where a run stood when a signal stopped it (epochs and batches numbered from 1). */
interface StopPosition {
  epoch: number;
  nEpochs: number;
  batch: number;
  nBatches: number;
  /** The stage of a command with several (fine-tune's). */
  stage?: string;
}

/** What decides how a run ended, and where its checkpoint goes. */
interface RunEnd {
  nan: TerminateOnNaN;
  stop?: StopOnSignal;
  lr: number;
  /** Training batches per epoch. */
  nBatches: number;
  /** Where the run stood when the signal stopped it (undefined: after its last epoch). */
  position: () => StopPosition | undefined;
  save?: string;
  /** Saved with the checkpoint. */
  metadata?: Record<string, string>;
  /** Whether `onecycle fit --resume` continues the saved run (else it starts one with `--load`). */
  resumable: boolean;
}

/**
 * How a run ended (finished, diverged or stopped by a signal), and its checkpoint saved to
 * `end.save` unless it diverged: the one save path of `fit` and `fine-tune`.
 */
async function endRun(learn: Learner, model: Module, end: RunEnd, out: Output): Promise<RunOutcome> {
  let outcome: RunOutcome = { kind: 'finished' };
  if (end.nan.stoppedAt) {
    const at = end.nan.stoppedAt;
    outcome = {
      kind: 'diverged',
      message: `training diverged: the loss became ${at.loss} at epoch ${at.epoch + 1}, batch ${at.batch + 1} of ${end.nBatches} (lr ${formatLr(end.lr)})`,
    };
  } else if (!weightsAreFinite(model)) {
    outcome = { kind: 'diverged', message: 'training diverged: the weights are no longer finite numbers' };
  } else if (end.stop?.signal) {
    const p = end.position();
    const where = p
      ? `${p.stage ? ` in ${p.stage}` : ''} at epoch ${p.epoch} of ${p.nEpochs}, after batch ${p.batch} of ${p.nBatches}`
      : ' after the last epoch';
    outcome = {
      kind: 'interrupted',
      signal: end.stop.signal,
      message: `interrupted by ${end.stop.signal}${where}`,
    };
  }
  if (end.save) {
    if (outcome.kind === 'diverged') {
      out.info(`not saving ${end.save}: ${outcome.message} (the file is left as it was)`);
    } else {
      await learn.save(end.save, end.metadata ? { metadata: end.metadata } : {});
      const again = end.resumable
        ? `continue the run with: onecycle fit --resume ${end.save}`
        : `start a new run from its weights with --load ${end.save}`;
      out.info(
        outcome.kind === 'interrupted' ? `saved the checkpoint ${end.save} (${again})` : `saved ${end.save}`,
      );
    }
  }
  return outcome;
}

/** Ends the command as its run ended: 1 when it diverged, 130/143 when a signal stopped it. */
function exitForOutcome(outcome: RunOutcome, save: string | undefined): void {
  if (outcome.kind === 'diverged') {
    throw new CliExit(1, `${outcome.message}${save ? `; ${save} was not written` : ''}`);
  }
  if (outcome.kind === 'interrupted') {
    const saved = save ? `; checkpoint in ${save}` : '; nothing saved (no --save)';
    throw new CliExit(STOP_SIGNALS[outcome.signal], `${outcome.message}${saved}`);
  }
}

/** Ends a command without a checkpoint (lr-find, demo) that a signal stopped, saying what it wrote. */
function exitIfStopped(stop: StopOnSignal, during: string): void {
  if (stop.signal === undefined) return;
  throw new CliExit(
    STOP_SIGNALS[stop.signal],
    `interrupted by ${stop.signal} during ${during}; the plots and results so far are written`,
  );
}

/** What a run cost and on how many items: the time, memory and size fields of its summary. */
/** Runs a training call, prints its wall time as fastai does ("Total time"), returns its costs too. */
async function timed<T>(
  run: () => Promise<T>,
  out: Output,
): Promise<{ value: T; totalSeconds: number; cpu: NodeJS.CpuUsage }> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const value = await run();
  const totalSeconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  out.info(`Total time: ${totalSeconds.toFixed(1)} s`);
  return { value, totalSeconds, cpu };
}

function costs(
  prepared: Prepared,
  totalSeconds: number,
  cpu: NodeJS.CpuUsage,
): Pick<
  FitSummary,
  'totalSeconds' | 'cpuSeconds' | 'maxRssMb' | 'loadSeconds' | 'trainItems' | 'validItems'
> {
  const { data } = prepared;
  return {
    totalSeconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    loadSeconds: prepared.loadSeconds,
    trainItems: data.train.length * data.train.batchSize,
    validItems: data.valid.size,
  };
}

/** Trains `learn` with the schedule `spec` names (continuing its unfinished run when `resume`). */
function fitBySchedule(
  learn: Learner,
  spec: RunSpec,
  callbacks: Callback[],
  resume: boolean,
): Promise<FitResult> {
  const common = { callbacks, ...(resume ? { resume: true } : {}) };
  switch (spec.schedule) {
    case 'one-cycle':
      return learn.fitOneCycle(spec.epochs, spec.lr, {
        ...common,
        ...(spec.variant ? { variant: spec.variant } : {}),
        ...(spec.pctStart ? { pctStart: spec.pctStart } : {}),
        ...(spec.divFactor ? { divFactor: spec.divFactor } : {}),
        ...(spec.moms ? { moms: spec.moms } : {}),
      });
    case 'flat-cos':
      return learn.fitFlatCos(spec.epochs, spec.lr, {
        ...common,
        ...(spec.pctStart === undefined ? {} : { pctStart: spec.pctStart }),
      });
    case 'sgdr':
      return learn.fitSgdr(spec.cycles ?? 3, spec.epochs, spec.lr, {
        ...common,
        ...(spec.cycleMult === undefined ? {} : { cycleMult: spec.cycleMult }),
      });
    case 'constant':
      return learn.fit(spec.epochs, spec.lr, common);
  }
}

async function lrFindRun(
  prepared: Prepared,
  opts: CommonOptions,
  seed: number,
  finder: { startLr?: number; endLr?: number; numIt?: number },
  out: Output,
  stop?: StopOnSignal,
): Promise<LRFindResult> {
  const model = createModel(opts.model, prepared.data.c, seed);
  const learn = new Learner(prepared.data, model, { metrics: [accuracy], seed });
  try {
    out.info(`\nLR finder (${modelName(opts.model, prepared.data.c)}, seed ${seed})`);
    const result = await learn.lrFind({ ...finder, ...(stop ? { callbacks: [stop] } : {}) });
    for (const s of result.suggestionList()) {
      out.info(`  ${s.name.padEnd(8)} lr ${formatLr(s.lr)}  loss ${s.loss.toFixed(4)}  — ${s.description}`);
    }
    const reason = noSuggestionReason(result);
    if (reason) out.info(`  no suggestions: ${reason}`);
    if (result.stoppedEarly) {
      out.info(
        `  (the sweep stopped early: ${stop?.signal ? `stopped by ${stop.signal}` : result.stoppedBy})`,
      );
    }
    return result;
  } finally {
    learn.dispose();
    model.dispose();
  }
}

/** The JSON result of an LR range test. */
export interface LrFindJson {
  suggestions: { steep: number | null; minimum: number | null; valley: number | null; slide: number | null };
  lrs: number[];
  losses: number[];
}

/** The LR range test of one seed in the demo's JSON. */
export interface LrFindSummary extends LrFindJson {
  name: 'lr_find';
  seed: number;
}

function lrFindJson(result: LRFindResult): LrFindJson {
  const s = result.suggestions;
  const lr = (x: { lr: number } | null | undefined) => x?.lr ?? null;
  return {
    suggestions: { steep: lr(s.steep), minimum: lr(s.minimum), valley: lr(s.valley), slide: lr(s.slide) },
    lrs: result.lrs,
    losses: result.losses,
  };
}

/** `onecycle lr-find`. */
export async function runLrFind(opts: LrFindCommandOptions, out: Output): Promise<void> {
  if (opts.startLr >= opts.endLr) {
    throw new RangeError(`--start-lr (${opts.startLr}) must be smaller than --end-lr (${opts.endLr})`);
  }
  await checkOutputs({ out: opts.out }, out);
  const prepared = await prepare(opts, out);
  const stop = listenForStop(out);
  try {
    const result = await lrFindRun(
      prepared,
      opts,
      opts.seed,
      { startLr: opts.startLr, endLr: opts.endLr, numIt: opts.numIt },
      out,
      stop,
    );
    await writeLrFindPlot(opts.out, 'lr_find', result, out);
    out.result(lrFindJson(result));
    exitIfStopped(stop, 'the LR range test');
  } finally {
    stop.close();
  }
}

async function checkOutputs(paths: { out: string; save?: string }, out: Output): Promise<void> {
  for (const removed of await checkOutputPaths(paths)) {
    out.info(`removed ${removed} (left by a save that was killed)`);
  }
}

/** The options of a `fit` command line that were typed (not defaults). */
export type GivenOptions = Partial<Record<keyof StoredOptions, unknown>>;

/** `onecycle fit`. */
export async function runFit(opts: FitCommandOptions, out: Output, given: GivenOptions = {}): Promise<void> {
  if (opts.resume !== undefined && opts.load !== undefined) {
    throw new RangeError(
      '--resume continues a saved run, --load starts a new one from saved weights: give one',
    );
  }
  let resume: (ResumeCheckpoint & { bytes: Uint8Array; path: string }) | undefined;
  if (opts.resume !== undefined) {
    const path = opts.resume;
    const bytes = await readCheckpointFile(path, '--resume');
    resume = { ...readResumeCheckpoint(bytes, path), bytes, path };
    const merged = resumeOptions(resume.options, given, path);
    opts = {
      ...opts,
      ...merged,
      data: merged.data ?? undefined,
      mnistIdx: merged.mnistIdx ?? undefined,
      size: merged.size ?? undefined,
      variant: merged.variant as OneCycleVariant,
      backend: merged.backend as FitCommandOptions['backend'],
      save: opts.save ?? path,
    } as FitCommandOptions;
    out.info(`--resume ${path}: the run's options are taken from the checkpoint`);
  }
  const load = opts.load === undefined ? undefined : await readWeightsFile(opts.load);
  await checkOutputs({ out: opts.out, ...(opts.save ? { save: opts.save } : {}) }, out);
  const prepared = await prepare(opts, out);
  let lr: number;
  if (opts.lr === 'auto') {
    const found = await lrFindRun(prepared, opts, opts.seed, {}, out);
    if (found.suggestedLr === undefined || !Number.isFinite(found.suggestedLr)) {
      throw new Error(
        '--lr auto: the LR finder found no suggestion (the loss curve was too short); give --lr',
      );
    }
    lr = found.suggestedLr;
    out.info(`--lr auto: using the valley suggestion, ${formatLr(lr)}`);
  } else {
    lr = opts.lr;
  }
  const schedule: ScheduleName = opts.schedule ?? (opts.oneCycle ? 'one-cycle' : 'constant');
  // flat-cos stays flat for 0.75 of the steps (fastai) unless --pct-start is given or resumed.
  const pctStart =
    schedule === 'flat-cos' && resume === undefined && !('pctStart' in given) ? 0.75 : opts.pctStart;
  const method = { constant: 'fit', 'one-cycle': 'fitOneCycle', 'flat-cos': 'fitFlatCos', sgdr: 'fitSgdr' }[
    schedule
  ];
  const args =
    schedule === 'sgdr'
      ? `${opts.cycles}, ${opts.epochs}, ${formatLr(lr)}, { cycleMult: ${opts.cycleMult} }`
      : `${opts.epochs}, ${formatLr(lr)}`;
  const stored: StoredOptions = {
    data: opts.data === undefined ? null : resolve(opts.data),
    mnistIdx: opts.mnistIdx === undefined ? null : resolve(opts.mnistIdx),
    size: opts.size ?? null,
    bs: opts.bs,
    seed: opts.seed,
    model: opts.model,
    lr,
    epochs: opts.epochs,
    oneCycle: opts.oneCycle,
    variant: opts.variant,
    pctStart,
    divFactor: opts.divFactor,
    moms: opts.moms,
    wd: opts.wd,
    schedule,
    opt: opts.opt,
    gradClip: opts.gradClip ?? null,
    accum: opts.accum,
    cycles: opts.cycles,
    cycleMult: opts.cycleMult,
    backend: prepared.backend,
    threads: opts.threads,
  };
  const stop = listenForStop(out, opts.save);
  try {
    const { summary, recorder, outcome } = await trainRun(
      prepared,
      opts,
      {
        name: `${method}(${args})`,
        schedule,
        lr,
        epochs: opts.epochs,
        opt: opts.opt,
        accum: opts.accum,
        cycles: opts.cycles,
        cycleMult: opts.cycleMult,
        ...(opts.gradClip == null ? {} : { gradClip: opts.gradClip }),
        variant: opts.variant,
        pctStart,
        divFactor: opts.divFactor,
        moms: opts.moms,
        wd: opts.wd,
        seed: opts.seed,
        ...(opts.save ? { save: opts.save } : {}),
      },
      out,
      {
        stop,
        metadata: { [RUN_OPTIONS_KEY]: JSON.stringify(stored) },
        ...(resume ? { resume: { bytes: resume.bytes, path: resume.path } } : {}),
        ...(load ? { load } : {}),
      },
    );
    const plotPrefix = {
      constant: 'fit',
      'one-cycle': 'fit_one_cycle',
      'flat-cos': 'fit_flat_cos',
      sgdr: 'fit_sgdr',
    };
    await writeRunPlots(opts.out, plotPrefix[schedule], recorder, out);
    out.result(summary);
    exitForOutcome(outcome, opts.save);
  } finally {
    stop.close();
  }
}

/**
 * `onecycle fine-tune`: fastai's `cnn_learner` + `fine_tune` on the pretrained mnist8-cnn backbone
 * (folder images resized to 28×28). `--load` and `--save` go through the same code as `fit`'s.
 */
export async function runFineTune(opts: FineTuneCommandOptions, out: Output): Promise<void> {
  if (opts.resume !== undefined) {
    throw new RangeError(
      `--resume is for fit: a fine-tune run cannot be continued; start a new one from the weights of ${opts.resume} with --load ${opts.resume}`,
    );
  }
  if (opts.size !== undefined && opts.size !== 28) {
    throw new RangeError(
      `--size ${opts.size}: the mnist8-cnn backbone takes 28×28 images (leave --size out)`,
    );
  }
  const load = opts.load === undefined ? undefined : await readWeightsFile(opts.load);
  await checkOutputs({ out: opts.out, ...(opts.save ? { save: opts.save } : {}) }, out);
  const prepared = await prepare(opts.mnistIdx === undefined ? { ...opts, size: 28 } : opts, out);
  const { data } = prepared;
  const learn = await createCnnLearner(data, 'mnist8-cnn', { metrics: [accuracy], seed: opts.seed });
  const model = learn.model as Module;
  const name = `fineTune(${opts.epochs}, ${formatLr(opts.lr)}, { freezeEpochs: ${opts.freezeEpochs}, lrMult: ${opts.lrMult} })`;
  const stop = listenForStop(out, opts.save);
  try {
    out.info(`\n${name}  (createCnnLearner(data, 'mnist8-cnn'), ${data.c} classes, seed ${opts.seed})`);
    if (load) {
      loadModelWeights(model, load);
      out.info(`starting from the weights of ${load.path}`);
    }
    const half = opts.lr / 2;
    const frozen = {
      name: 'the frozen stage',
      label: `frozen stage, the head only: fitOneCycle(${opts.freezeEpochs}, ${formatLr(opts.lr)}, { pctStart: 0.99 })`,
    };
    const unfrozen = {
      name: 'the unfrozen stage',
      label: `unfrozen stage, the whole model: fitOneCycle(${opts.epochs}, slice(${formatLr(half / opts.lrMult)}, ${formatLr(half)}))`,
    };
    const stages = new FineTuneStages(opts.freezeEpochs > 0 ? [frozen, unfrozen] : [unfrozen], learn, out);
    const nan = new TerminateOnNaN();
    const { totalSeconds, cpu } = await timed(
      () =>
        learn.fineTune(opts.epochs, opts.lr, {
          freezeEpochs: opts.freezeEpochs,
          lrMult: opts.lrMult,
          callbacks: [stop, stages, progressReporter(out), nan],
        }),
      out,
    );
    const outcome = await endRun(
      learn,
      model,
      {
        nan,
        stop,
        lr: opts.lr,
        nBatches: data.train.length,
        position: () => stages.stopped,
        ...(opts.save ? { save: opts.save } : {}),
        resumable: false,
      },
      out,
    );
    // The plots and the JSON show the last stage that trained (the unfrozen one, unless stopped before).
    const recorder = stages.recorded.at(-1)?.data ?? learn.recorder.toJSON();
    const epochs = epochSummaries(recorder.epochs);
    const last = epochs.at(-1);
    await writeRunPlots(opts.out, 'fine_tune', recorder, out);
    out.result({
      name,
      backend: prepared.backend,
      model: "createCnnLearner(data, 'mnist8-cnn')",
      seed: opts.seed,
      schedule: 'fine-tune',
      optimizer: 'adam',
      lr: opts.lr,
      accuracy: last?.accuracy ?? Number.NaN,
      validLoss: last?.validLoss ?? Number.NaN,
      trainLoss: last?.trainLoss ?? Number.NaN,
      epochs,
      ...costs(prepared, totalSeconds, cpu),
      ...(outcome.kind === 'interrupted' ? { interruptedBy: outcome.signal } : {}),
    } satisfies FitSummary);
    exitForOutcome(outcome, opts.save);
  } finally {
    stop.close();
    learn.dispose();
    model.dispose();
  }
}

async function readCheckpointFile(path: string, option: string): Promise<Uint8Array> {
  try {
    const buf = await readFile(path);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (e) {
    throw new Error(`${option} ${path}: cannot read it: ${(e as Error).message}`);
  }
}

async function writeRunPlots(
  outDir: string,
  prefix: string,
  recorder: RecorderData,
  out: Output,
): Promise<void> {
  const { plotLossesSvg, plotLrSvg } = await import('@onecycle/callbacks');
  await writePlot(outDir, `${prefix}_schedule`, plotLrSvg(recorder, { showMoms: true }), out);
  await writePlot(outDir, `${prefix}_losses`, plotLossesSvg(recorder), out);
}

/** `onecycle demo`: the seed document's walk-through. */
export async function runDemo(opts: DemoCommandOptions, out: Output): Promise<void> {
  const seeds = opts.seeds ?? [opts.seed];
  const t0 = performance.now();
  await checkOutputs({ out: opts.out }, out);
  const prepared = await prepare(opts, out);
  const runs: (FitSummary | LrFindSummary)[] = [];
  const fits: FitSummary[] = [];
  const e = opts.epochs;
  const stop = listenForStop(out);
  let current = '';
  try {
    for (const seed of seeds) {
      current = `lr_find (seed ${seed})`;
      const found = await lrFindRun(prepared, opts, seed, {}, out, stop);
      await writeLrFindPlot(opts.out, seeds.length > 1 ? `lr_find_seed${seed}` : 'lr_find', found, out);
      runs.push({ name: 'lr_find', seed, ...lrFindJson(found) });
      const specs: RunSpec[] = [
        { name: `fit(${e}, 5e-2)`, schedule: 'constant', lr: 5e-2, epochs: e, seed },
        { name: `fit(${e}, 5e-3)`, schedule: 'constant', lr: 5e-3, epochs: e, seed },
        { name: `fitOneCycle(${e}, 5e-2)`, schedule: 'one-cycle', lr: 5e-2, epochs: e, seed },
      ];
      for (const spec of specs) {
        if (stop.signal) break;
        current = `${spec.name} (seed ${seed})`;
        const { summary, recorder } = await trainRun(prepared, opts, spec, out, { stop });
        runs.push(summary);
        fits.push(summary);
        const suffix = seeds.length > 1 ? `_seed${seed}` : '';
        const prefix =
          spec.schedule === 'one-cycle' ? 'fit_one_cycle' : `fit_${spec.lr === 5e-2 ? '5e-2' : '5e-3'}`;
        await writeRunPlots(opts.out, `${prefix}${suffix}`, recorder, out);
      }
      if (stop.signal) break;
    }
    out.info(`\n${summaryTable(fits)}`);
    out.info(`Total time: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    out.result(runs);
    exitIfStopped(stop, current);
  } finally {
    stop.close();
  }
}

/** Means over seeds of the final accuracy and validation loss of each run name. */
export function summaryTable(runs: readonly FitSummary[]): string {
  const names = [...new Set(runs.map((r) => r.name))];
  const lines = ['run                      seeds  accuracy  valid_loss  s/epoch'];
  for (const name of names) {
    const rs = runs.filter((r) => r.name === name);
    const mean = (f: (r: FitSummary) => number) => rs.reduce((a, r) => a + f(r), 0) / rs.length;
    const perEpoch = mean(
      (r) => r.epochs.reduce((a, ep) => a + ep.seconds, 0) / Math.max(1, r.epochs.length),
    );
    lines.push(
      `${name.padEnd(24)} ${String(rs.length).padStart(5)}  ${mean((r) => r.accuracy).toFixed(6)}  ${mean(
        (r) => r.validLoss,
      )
        .toFixed(6)
        .padStart(10)}  ${perEpoch.toFixed(2).padStart(7)}`,
    );
  }
  return lines.join('\n');
}
