import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cli, lastJsonLine, runCli } from './cli-process.js';
import { mnistSubset } from './fixtures.js';

let data: { dir: string; cleanup: () => void };
let out: string;

beforeAll(async () => {
  expect(existsSync(cli), 'the trainer is built (the test script builds it first)').toBe(true);
  data = await mnistSubset(160, 64);
  out = mkdtempSync(join(tmpdir(), 'onecycle-options-'));
});
afterAll(() => {
  data?.cleanup();
  rmSync(out, { recursive: true, force: true });
});

const fit = (...args: string[]) => [
  'fit',
  '--data',
  data.dir,
  '--bs',
  '32',
  '--epochs',
  '1',
  '--backend',
  'wasm',
  '--out',
  out,
  '--json',
  ...args,
];

describe('option values: one parser per kind, the allowed range in the message', () => {
  test.each([
    [['fit', '--moms', ','], /--moms.*expected two numbers in \[0, 1\) separated by a comma, got ','/],
    [['fit', '--moms', '1,1'], /--moms.*expected two numbers in \[0, 1\) separated by a comma, got '1,1'/],
    [['fit', '--moms', '0.9'], /--moms.*got '0\.9'/],
    [['fit', '--wd', '-1'], /--wd.*expected a number ≥ 0, got '-1'/],
    [['fit', '--wd', ''], /--wd.*expected a number ≥ 0, got ''/],
    [['fit', '--data', ''], /--data.*expected a path, got ''/],
    [['fit', '--save', ' '], /--save.*expected a path, got ' '/],
    [['fit', '--out', ''], /--out.*expected a path, got ''/],
    [['fit', '--size', '0'], /--size.*expected an integer from 1 to 16384, got '0'/],
    [
      ['demo', '--seeds', '1,,2'],
      /--seeds.*expected comma-separated integers from 0 to 2147483647, got '1,,2'/,
    ],
    [['lr-find', '--num-it', ' '], /--num-it.*expected an integer from 2 to 100000, got ' '/],
  ])('%j fails with a clear message', (args, message) => {
    const r = runCli(args as string[]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  test('--wd 0.0 is --wd 0', () => {
    const a = runCli(fit('--wd', '0.0'));
    const b = runCli(fit('--wd', '0'));
    expect(a.status, a.stderr).toBe(0);
    expect(b.status, b.stderr).toBe(0);
    type Epochs = { epochs: { trainLoss: number; validLoss: number; accuracy: number }[] };
    const losses = (stdout: string) =>
      lastJsonLine<Epochs>(stdout).epochs.map(({ trainLoss, validLoss, accuracy }) => [
        trainLoss,
        validLoss,
        accuracy,
      ]);
    expect(losses(a.stdout)).toEqual(losses(b.stdout));
  });
});

describe('--size', () => {
  test('resizes every image (fastai size=)', () => {
    const r = runCli(fit('--size', '20'));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/320 training and 128 validation images of 20×20/);
    expect(runCli(['fit', '--mnist-idx', data.dir, '--size', '20']).stderr).toMatch(
      /--size resizes the images of --data or MNIST_SAMPLE; MNIST idx files are 28×28/,
    );
  });
});

describe('messages', () => {
  test('lr-find --num-it 2 says why it has no suggestions', () => {
    const r = runCli([
      'lr-find',
      '--data',
      data.dir,
      '--bs',
      '32',
      '--num-it',
      '2',
      '--backend',
      'wasm',
      '--out',
      out,
    ]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      'no suggestions: the curve has 2 point(s); leaving out the first 0 and the last 5 leaves 0, too few to suggest a learning rate (run a longer sweep, e.g. --num-it 100)',
    );
  });

  test('--lr 10 keeps the results table aligned', () => {
    const r = runCli(fit('--lr', '10', '--epochs', '2'));
    const lines = r.stderr.split('\n');
    const header = lines.findIndex((l) => /^epoch\s+train_loss/.test(l));
    expect(header, r.stderr).toBeGreaterThanOrEqual(0);
    const starts = (l: string) => [...l.matchAll(/(?<=^|\s)\S/g)].map((m) => m.index);
    const rows = lines.slice(header + 1).filter((l) => /^\d+\s/.test(l));
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(starts(row), row).toEqual(starts(lines[header]!));
  });
});
