import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCheckpointMeta } from '@onecycle/learner';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cli, lastJsonLine, modelTensorBytes, onData, runCli } from './cli-process.js';
import { mnistSubset } from './fixtures.js';

let data: { dir: string; cleanup: () => void };
let dir: string;

interface Summary {
  accuracy: number;
  epochs: { accuracy: number }[];
}

const fineTune = (out: string, ...args: string[]) => onData('fine-tune', data.dir, join(dir, out), ...args);

/** A finished fine-tune run saved with --save. */
let saved: { summary: Summary; checkpoint: string; stderr: string };

beforeAll(async () => {
  expect(existsSync(cli), 'the trainer is built (the test script builds it first)').toBe(true);
  data = await mnistSubset(160, 64);
  dir = mkdtempSync(join(tmpdir(), 'onecycle-fine-tune-ck-'));
  const checkpoint = join(dir, 'ft.st');
  const r = runCli(fineTune('saved', '--lr', '1e-2', '--save', checkpoint));
  expect(r.status, r.stderr).toBe(0);
  saved = { summary: lastJsonLine<Summary>(r.stdout), checkpoint, stderr: r.stderr };
});
afterAll(() => {
  data?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe('onecycle fine-tune --save / --load', () => {
  test('labels the results table of each stage', () => {
    const frozen = saved.stderr.indexOf(
      '\nfrozen stage, the head only: fitOneCycle(1, 1.00e-2, { pctStart: 0.99 })\nepoch     train_loss  valid_loss  accuracy  time',
    );
    const unfrozen = saved.stderr.indexOf(
      '\nunfrozen stage, the whole model: fitOneCycle(1, slice(5.00e-5, 5.00e-3))\nepoch     train_loss  valid_loss  accuracy  time',
    );
    expect(frozen, saved.stderr).toBeGreaterThan(0);
    expect(unfrozen).toBeGreaterThan(frozen);
  });

  test('--save writes a checkpoint of the fine-tuned model, as fit --save does', () => {
    expect(saved.stderr).toContain(`saved ${saved.checkpoint}`);
    const meta = readCheckpointMeta(new Uint8Array(readFileSync(saved.checkpoint)));
    expect(meta.run?.finished).toBe(true);
    expect(modelTensorBytes(saved.checkpoint).size).toBeGreaterThan(4);
  });

  test('--load starts from saved weights', () => {
    // At a learning rate too small to move them, the loaded weights score as they did.
    const args = ['--freeze-epochs', '0', '--epochs', '1', '--lr', '1e-12'];
    const r = runCli(fineTune('load', ...args, '--load', saved.checkpoint));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain(`starting from the weights of ${saved.checkpoint}`);
    expect(lastJsonLine<Summary>(r.stdout).accuracy).toBe(saved.summary.accuracy);
    const fresh = runCli(fineTune('fresh', ...args));
    expect(lastJsonLine<Summary>(fresh.stdout).accuracy).not.toBe(saved.summary.accuracy);
  });

  test('--resume is refused: it is for fit', () => {
    const r = runCli(fineTune('resume', '--resume', saved.checkpoint));
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      `onecycle: --resume is for fit: a fine-tune run cannot be continued; start a new one from the weights of ${saved.checkpoint} with --load ${saved.checkpoint}\n`,
    );
  });
});

describe('--load of a file that is no checkpoint', () => {
  test.each(['fit', 'fine-tune'])('%s fails before printing anything else', (command) => {
    const png = join(dir, `${command}-x.png`);
    writeFileSync(png, Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'));
    const r = runCli([command, '--data', data.dir, '--out', join(dir, 'bad'), '--load', png]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`^onecycle: --load ${png}: not a valid safetensors file: .*\\n$`));
  });
});
