import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cli, lastJsonLine, modelTensorBytes, runCli, runCliWithSignals } from './cli-process.js';
import { mnistSubset } from './fixtures.js';

let data: { dir: string; cleanup: () => void };
let dir: string;

interface Summary {
  accuracy: number;
  validLoss: number;
  trainLoss: number;
  epochs: { epoch: number; trainLoss: number; validLoss: number; accuracy: number }[];
  resumedFrom?: { epoch: number; batch: number };
}

/** The run every test continues or compares with: 8 epochs of 10 batches, 1cycle. */
const RUN = [
  '--bs',
  '32',
  '--one-cycle',
  '--lr',
  '5e-2',
  '--epochs',
  '8',
  '--seed',
  '2',
  '--backend',
  'wasm',
];
const fit = (out: string, ...args: string[]) => [
  'fit',
  '--data',
  data.dir,
  ...RUN,
  '--out',
  join(dir, out),
  '--json',
  ...args,
];

let full: { summary: Summary; checkpoint: string };
/** A checkpoint of the same run stopped by SIGINT. */
let interrupted: { checkpoint: string; epoch: number; batch: number };

beforeAll(async () => {
  expect(existsSync(cli), 'the trainer is built (the test script builds it first)').toBe(true);
  data = await mnistSubset(160, 64);
  dir = mkdtempSync(join(tmpdir(), 'onecycle-fit-resume-'));
  const checkpoint = join(dir, 'full.st');
  const r = runCli(fit('full', '--save', checkpoint));
  expect(r.status, r.stderr).toBe(0);
  full = { summary: lastJsonLine<Summary>(r.stdout), checkpoint };
  const ck = join(dir, 'part.st');
  const s = await runCliWithSignals(fit('part', '--save', ck), [{ when: /\n1\s+\d/, signal: 'SIGINT' }]);
  expect(s.status, s.stderr).toBe(130);
  const m = /interrupted by SIGINT at epoch (\d+) of 8, after batch (\d+) of 10/.exec(s.stderr)!;
  interrupted = { checkpoint: ck, epoch: Number(m[1]), batch: Number(m[2]) };
});
afterAll(() => {
  data?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe('onecycle fit --resume', () => {
  test('continues an interrupted run and ends bit-for-bit as the uninterrupted one', () => {
    const final = join(dir, 'final.st');
    // Only the checkpoint and where to save; options given again (--epochs 8) must agree.
    const r = runCli(['fit', '--resume', interrupted.checkpoint, '--epochs', '8', '--save', final, '--json']);
    expect(r.status, r.stderr).toBe(0);
    const resumed = lastJsonLine<Summary>(r.stdout);
    expect(resumed.resumedFrom).toEqual({ epoch: interrupted.epoch, batch: interrupted.batch });
    expect(r.stderr).toContain(`resuming ${interrupted.checkpoint}: epoch ${interrupted.epoch} of 8`);
    expect(resumed.accuracy).toBe(full.summary.accuracy);
    expect(resumed.validLoss).toBe(full.summary.validLoss);
    expect(resumed.trainLoss).toBe(full.summary.trainLoss);
    // The interrupted epoch and every later one have the uninterrupted run's losses and accuracy.
    const tail = full.summary.epochs.filter((e) => e.epoch >= interrupted.epoch);
    const strip = (es: Summary['epochs']) =>
      es.map(({ epoch, trainLoss, validLoss, accuracy }) => ({ epoch, trainLoss, validLoss, accuracy }));
    expect(strip(resumed.epochs.filter((e) => e.epoch >= interrupted.epoch))).toEqual(strip(tail));
    const a = modelTensorBytes(full.checkpoint);
    const b = modelTensorBytes(final);
    expect([...b.keys()]).toEqual([...a.keys()]);
    for (const [name, bytes] of a) expect(b.get(name)!.equals(bytes), name).toBe(true);
  });

  test('options given again must agree with the saved run; it lists those that differ', () => {
    const r = runCli([
      'fit',
      '--resume',
      interrupted.checkpoint,
      '--lr',
      '0.01',
      '--epochs',
      '3',
      '--bs',
      '32',
    ]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      `onecycle: --resume ${interrupted.checkpoint}: options differ from the saved run: --lr 0.01 (the run has 0.05); --epochs 3 (the run has 8).`,
    );
  });

  test('the schedule, optimizer, clipping and accumulation are part of the saved run', () => {
    const r = runCli([
      'fit',
      '--resume',
      interrupted.checkpoint,
      '--schedule',
      'sgdr',
      '--opt',
      'sgd',
      '--grad-clip',
      '1',
      '--accum',
      '2',
    ]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      '--schedule sgdr (the run has one-cycle); --opt sgd (the run has adam); --grad-clip 1 (the run has (none)); --accum 2 (the run has 1).',
    );
  });

  test('a finished run, or a file not written by fit --save, is not resumed, and says why', () => {
    const done = runCli(['fit', '--resume', full.checkpoint]);
    expect(done.status).toBe(1);
    expect(done.stderr).toContain(`its run is finished (8 of 8 epochs); use --load`);
    const missing = runCli(['fit', '--resume', join(dir, 'nope.st')]);
    expect(missing.stderr).toMatch(/--resume .*nope\.st: cannot read it: ENOENT/);
    const both = runCli(['fit', '--resume', full.checkpoint, '--load', full.checkpoint]);
    expect(both.stderr).toMatch(/--resume continues a saved run, --load starts a new one .*: give one/);
  });
});

describe('onecycle fit --load', () => {
  test('starts a new run from saved weights', () => {
    // At a learning rate too small to move them, the loaded weights score as they did.
    const r = runCli(fit('load', '--load', full.checkpoint, '--epochs', '1', '--lr', '1e-12'));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain(`starting from the weights of ${full.checkpoint}`);
    const s = lastJsonLine<Summary>(r.stdout);
    expect(s.resumedFrom).toBeUndefined();
    expect(s.accuracy).toBe(full.summary.accuracy);
    const fresh = lastJsonLine<Summary>(runCli(fit('fresh', '--epochs', '1', '--lr', '1e-12')).stdout);
    expect(fresh.accuracy).not.toBe(full.summary.accuracy);
    const other = runCli(fit('other', '--load', full.checkpoint, '--model', 'resnet', '--epochs', '1'));
    expect(other.status).toBe(1);
    expect(other.stderr).toMatch(/--load .*full\.st: the file lacks \d+ weight\(s\) of this model/);
  });
});
