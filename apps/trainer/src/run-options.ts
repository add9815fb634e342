import { resolve } from 'node:path';
import { type RunPosition, readCheckpointMeta } from '@onecycle/learner';
import { decodeSafetensors } from '@onecycle/models';

/** The safetensors metadata key under which `onecycle fit --save` keeps the run's options. */
export const RUN_OPTIONS_KEY = 'onecycle.trainer.fit';

/** The options that define a `fit` run: a resumed run takes them from its checkpoint. */
export interface RunOptions {
  /** Absolute path of `--data`, or null for MNIST_SAMPLE / `--mnist-idx`. */
  data: string | null;
  /** Absolute path of `--mnist-idx`, or null. */
  mnistIdx: string | null;
  size: number | null;
  bs: number;
  seed: number;
  model: 'simple_cnn' | 'resnet';
  /** The learning rate (the finder's suggestion when the run was started with `--lr auto`). */
  lr: number;
  epochs: number;
  oneCycle: boolean;
  variant: string;
  pctStart: number;
  divFactor: number;
  moms: [number, number];
  wd: number;
  /** The schedule (checkpoints written before it was an option have none: `oneCycle` says). */
  schedule?: string;
  /** The optimizer's name (none in older checkpoints: Adam). */
  opt?: string;
  /** `--grad-clip`, or null. */
  gradClip?: number | null;
  accum?: number;
  cycles?: number;
  cycleMult?: number;
}

/** The options a run was started with, also kept for a resume when not given again. */
export interface StoredOptions extends RunOptions {
  /** The backend the run trained on (a resumed run uses it unless `--backend` is given). */
  backend: string;
  threads: number;
}

const RUN_KEYS: readonly (keyof RunOptions)[] = [
  'data',
  'mnistIdx',
  'size',
  'bs',
  'seed',
  'model',
  'lr',
  'epochs',
  'oneCycle',
  'variant',
  'pctStart',
  'divFactor',
  'moms',
  'wd',
  'schedule',
  'opt',
  'gradClip',
  'accum',
  'cycles',
  'cycleMult',
];

/** The option name of a key, as typed on the command line. */
function flag(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

function show(v: unknown): string {
  if (v === null) return '(none)';
  if (Array.isArray(v)) return v.join(',');
  return String(v);
}

/** A checkpoint written by `onecycle fit --save`, read for `--resume`. */
export interface ResumeCheckpoint {
  options: StoredOptions;
  /** Where the saved run stopped. */
  position: RunPosition;
}

/**
 * Reads the run options and the position of an unfinished run from checkpoint bytes; errors name
 * the file and say why it cannot be resumed.
 */
export function readResumeCheckpoint(bytes: Uint8Array, path: string): ResumeCheckpoint {
  const { metadata } = decodeSafetensors(bytes, path);
  const raw = metadata[RUN_OPTIONS_KEY];
  if (raw === undefined) {
    throw new Error(
      `--resume ${path}: the checkpoint holds no onecycle fit options (it was not written by 'onecycle fit --save'); use --load to start a new run from its weights`,
    );
  }
  const options = JSON.parse(raw) as StoredOptions;
  const run = readCheckpointMeta(bytes, path).run;
  if (run == null) throw new Error(`--resume ${path}: the checkpoint holds no run to resume`);
  if (run.finished) {
    throw new Error(
      `--resume ${path}: its run is finished (${run.config.nEpochs} of ${run.config.nEpochs} epochs); use --load to start a new run from its weights`,
    );
  }
  return { options, position: run };
}

/**
 * The options of a resumed run: the checkpoint's, except `--backend`/`--threads` when given.
 * Throws, listing every difference, when a run-defining option given on the command line
 * disagrees with the checkpoint.
 */
export function resumeOptions(
  stored: StoredOptions,
  given: Partial<Record<keyof StoredOptions, unknown>>,
  path: string,
): StoredOptions {
  const differ: string[] = [];
  for (const key of RUN_KEYS) {
    if (!(key in given)) continue;
    let v = given[key];
    if ((key === 'data' || key === 'mnistIdx') && typeof v === 'string') v = resolve(v);
    if (JSON.stringify(v) !== JSON.stringify(stored[key])) {
      differ.push(`${flag(key)} ${show(v)} (the run has ${show(stored[key])})`);
    }
  }
  if (differ.length > 0) {
    throw new Error(
      `--resume ${path}: options differ from the saved run: ${differ.join('; ')}. Leave them out to continue the run as it was.`,
    );
  }
  return {
    ...stored,
    ...(given.backend === undefined ? {} : { backend: given.backend as string }),
    ...(given.threads === undefined ? {} : { threads: given.threads as number }),
  };
}
