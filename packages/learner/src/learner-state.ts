import type { Snapshot } from '@onecycle/callbacks';
import * as tf from '@tensorflow/tfjs-core';
import { packCheckpoint, readCheckpoint, readCheckpointMeta } from './checkpoint.js';
import type { LearnerModel } from './model-contract.js';
import { disposeOptimizerState, type Optimizer } from './optimizer.js';
import type { RunPosition } from './run-tracker.js';

/** A copy of the model's weights and buffers and of the optimizer's state ({@link Learner.snapshot}). */
export function takeSnapshot(model: LearnerModel, opt: () => Optimizer): Snapshot {
  const vars = [...model.parameters(), ...model.buffers()].map((p) => p.variable);
  const saved = vars.map((v) => tf.clone(v));
  const optState = opt().stateDict();
  let disposed = false;
  return {
    restore: () => {
      if (disposed) throw new Error('Snapshot.restore: the snapshot was disposed');
      vars.forEach((v, i) => {
        v.assign(saved[i]!);
      });
      opt().loadStateDict(optState);
    },
    dispose: () => {
      if (disposed) return;
      disposed = true;
      tf.dispose(saved);
      disposeOptimizerState(optState);
    },
  };
}

/** The checkpoint bytes of a model, its optimizer and the run position ({@link Learner.saveState}). */
export function packLearnerState(
  model: LearnerModel,
  opt: Optimizer,
  position: RunPosition | undefined,
  seed: number | undefined,
  metadata: Readonly<Record<string, string>> = {},
): Uint8Array {
  const optState = opt.stateDict();
  try {
    return packCheckpoint(
      model,
      optState,
      {
        run: position ? (JSON.parse(JSON.stringify(position)) as RunPosition) : null,
        seed: seed ?? null,
      },
      metadata,
    );
  } finally {
    disposeOptimizerState(optState);
  }
}

/**
 * Puts a checkpoint's weights into `model` and its state into `opt`; resolves to the run position
 * it holds ({@link Learner.loadState}). Every part (weights, optimizer state, run position) is
 * checked before any is applied: on error `model` and `opt` are as they were.
 */
export function unpackLearnerState(
  bytes: Uint8Array,
  source: string,
  model: LearnerModel,
  opt: Optimizer,
): RunPosition | null {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('loadState: bytes must be a Uint8Array');
  const head = readCheckpointMeta(bytes, source);
  if (head.optimizer.kind !== opt.kind || head.optimizer.hypers.length !== opt.nGroups) {
    throw new Error(
      `${source}: saved with a ${head.optimizer.kind} optimizer over ${head.optimizer.hypers.length} layer group(s); ` +
        `this learner has ${opt.kind} over ${opt.nGroups}`,
    );
  }
  const { optState, meta, applyWeights } = readCheckpoint(bytes, model, source);
  try {
    try {
      opt.checkStateDict(optState);
    } catch (e) {
      throw new Error(`${source}: ${(e as Error).message}`);
    }
    applyWeights();
    opt.loadStateDict(optState);
  } finally {
    disposeOptimizerState(optState);
  }
  return meta.run ?? null;
}

/**
 * The Node file helpers, loaded on first use under a specifier bundlers do not follow, so that
 * browser bundles of the learner never pull in `node:fs`.
 */
export async function nodeFiles(method: string): Promise<typeof import('./checkpoint-file.js')> {
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  if (!proc?.versions?.node) {
    throw new Error(`${method}(path) needs Node.js; in a browser use saveState() / loadState(bytes)`);
  }
  const specifier = './checkpoint-file.js';
  return (await import(/* @vite-ignore */ specifier)) as typeof import('./checkpoint-file.js');
}
