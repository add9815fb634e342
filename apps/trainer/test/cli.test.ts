import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mnistIdxSubset, mnistSubset } from './fixtures.js';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

function run(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 240_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function lastJsonLine(stdout: string): unknown {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!);
}

let data: { dir: string; cleanup: () => void };
let out: string;

beforeAll(async () => {
  expect(existsSync(cli), 'the trainer is built (the test script builds it first)').toBe(true);
  data = await mnistSubset(160, 64);
  out = mkdtempSync(join(tmpdir(), 'onecycle-trainer-out-'));
});
afterAll(() => {
  data?.cleanup();
  rmSync(out, { recursive: true, force: true });
});

describe('onecycle fit --json', () => {
  test('prints one JSON object as the last line of stdout, human output on stderr, plots as SVG and PNG', () => {
    const r = run([
      'fit',
      '--one-cycle',
      '--lr',
      '5e-2',
      '--epochs',
      '2',
      '--bs',
      '32',
      '--seed',
      '0',
      '--data',
      data.dir,
      '--backend',
      'wasm',
      '--out',
      out,
      '--json',
    ]);
    expect(r.status, r.stderr).toBe(0);
    const stdoutLines = r.stdout.trim().split('\n');
    expect(stdoutLines).toHaveLength(1);
    const result = lastJsonLine(r.stdout) as {
      backend: string;
      accuracy: number;
      validLoss: number;
      trainLoss: number;
      epochs: { epoch: number; trainLoss: number; validLoss: number; accuracy: number; seconds: number }[];
    };
    expect(result.backend).toBe('wasm');
    expect(result.epochs.map((e) => e.epoch)).toEqual([1, 2]);
    for (const e of result.epochs) {
      expect(e.trainLoss).toBeGreaterThan(0);
      expect(e.validLoss).toBeGreaterThan(0);
      expect(e.seconds).toBeGreaterThan(0);
    }
    expect(result.accuracy).toBe(result.epochs[1]!.accuracy);
    expect(result.validLoss).toBe(result.epochs[1]!.validLoss);
    // 320 training images of two easy classes: well above chance after 2 short epochs.
    expect(result.accuracy).toBeGreaterThan(0.8);
    expect(r.stderr).toMatch(/epoch\s+train_loss\s+valid_loss\s+accuracy\s+time/);
    for (const f of ['fit_one_cycle_schedule', 'fit_one_cycle_losses']) {
      expect(readFileSync(join(out, `${f}.svg`), 'utf8')).toMatch(/^<svg/);
      const png = readFileSync(join(out, `${f}.png`));
      expect([...png.subarray(1, 4)].map((c) => String.fromCharCode(c)).join('')).toBe('PNG');
    }
  });

  test('the same seed gives the same losses', () => {
    const args = [
      'fit',
      '--lr',
      '1e-2',
      '--epochs',
      '1',
      '--bs',
      '32',
      '--seed',
      '3',
      '--data',
      data.dir,
      '--backend',
      'wasm',
      '--out',
      out,
      '--json',
    ];
    const a = lastJsonLine(run(args).stdout) as { epochs: { trainLoss: number; validLoss: number }[] };
    const b = lastJsonLine(run(args).stdout) as { epochs: { trainLoss: number; validLoss: number }[] };
    expect(a.epochs[0]!.trainLoss).toBe(b.epochs[0]!.trainLoss);
    expect(a.epochs[0]!.validLoss).toBe(b.epochs[0]!.validLoss);
    // Two kernel threads sum the filter gradients in another order: the same losses to rounding.
    const c = lastJsonLine(run([...args, '--threads', '2']).stdout) as typeof a;
    expect(c.epochs[0]!.trainLoss).toBeCloseTo(a.epochs[0]!.trainLoss, 4);
    expect(c.epochs[0]!.validLoss).toBeCloseTo(a.epochs[0]!.validLoss, 4);
  });
});

/** `args` on the MNIST_SAMPLE subset, batch size 32, seed 0, WASM, JSON output. */
const withData = (args: string[]) => [
  ...args,
  ...['--bs', '32', '--seed', '0', '--data', data.dir, '--backend', 'wasm', '--out', out, '--json'],
];

describe('onecycle fit: schedules, optimizers, clipping and accumulation', () => {
  test('--schedule flat-cos --grad-clip 1 --accum 2 trains and names the run', () => {
    const r = run(
      withData([
        'fit',
        '--schedule',
        'flat-cos',
        '--grad-clip',
        '1',
        '--accum',
        '2',
        '--lr',
        '1e-2',
        '--epochs',
        '3',
      ]),
    );
    expect(r.status, r.stderr).toBe(0);
    const result = lastJsonLine(r.stdout) as {
      name: string;
      schedule: string;
      optimizer: string;
      accuracy: number;
      epochs: unknown[];
    };
    expect(result.name).toBe('fitFlatCos(3, 1.00e-2)');
    expect(result.optimizer).toBe('adam');
    expect(result.schedule).toBe('flat-cos');
    expect(result.epochs).toHaveLength(3);
    expect(result.accuracy).toBeGreaterThan(0.8);
    expect(readFileSync(join(out, 'fit_flat_cos_schedule.svg'), 'utf8')).toMatch(/^<svg/);
  });

  test('--schedule sgdr --cycles 2 --opt radam trains cycles of 1 and 2 epochs; sgd, lamb and rmsprop train too', () => {
    const r = run(
      withData([
        'fit',
        '--schedule',
        'sgdr',
        '--cycles',
        '2',
        '--opt',
        'radam',
        '--lr',
        '1e-2',
        '--epochs',
        '1',
      ]),
    );
    expect(r.status, r.stderr).toBe(0);
    const result = lastJsonLine(r.stdout) as { name: string; epochs: unknown[] };
    expect(result.name).toBe('fitSgdr(2, 1, 1.00e-2, { cycleMult: 2 })');
    expect(result.epochs).toHaveLength(3);
    for (const opt of ['sgd', 'lamb', 'rmsprop']) {
      const o = run(withData(['fit', '--one-cycle', '--opt', opt, '--lr', '1e-3', '--epochs', '1']));
      expect(o.status, o.stderr).toBe(0);
      const res = lastJsonLine(o.stdout) as { optimizer: string; validLoss: number };
      expect(res.optimizer).toBe(opt);
      expect(Number.isFinite(res.validLoss)).toBe(true);
    }
  });
});

describe('onecycle fine-tune', () => {
  test('fine-tunes the pretrained backbone on an image folder', () => {
    const r = run(withData(['fine-tune', '--epochs', '1', '--lr', '1e-2']));
    expect(r.status, r.stderr).toBe(0);
    const result = lastJsonLine(r.stdout) as {
      name: string;
      schedule: string;
      accuracy: number;
      model: string;
    };
    expect(result.name).toBe('fineTune(1, 1.00e-2, { freezeEpochs: 1, lrMult: 100 })');
    expect(result.model).toBe("createCnnLearner(data, 'mnist8-cnn')");
    expect(result.accuracy).toBeGreaterThan(0.8);
    expect(r.stderr).toMatch(/2 classes/);
  });
});

describe('onecycle fit --mnist-idx', () => {
  test('trains a 10-class simpleCnn on MNIST idx files and reports timing and memory', () => {
    const idx = mnistIdxSubset(320, 96);
    try {
      const r = run([
        'fit',
        '--lr',
        '1e-2',
        '--epochs',
        '1',
        '--bs',
        '32',
        '--mnist-idx',
        idx.dir,
        '--backend',
        'wasm',
        '--out',
        out,
        '--json',
      ]);
      expect(r.status, r.stderr).toBe(0);
      const result = lastJsonLine(r.stdout) as {
        model: string;
        trainItems: number;
        validItems: number;
        accuracy: number;
        validLoss: number;
        cpuSeconds: number;
        maxRssMb: number;
        totalSeconds: number;
      };
      expect(result.model).toBe('simpleCnn([3,16,16,10])');
      expect(result.trainItems).toBe(320);
      expect(result.validItems).toBe(96);
      expect(r.stderr).toMatch(
        /classes \[0, 1, 2, 3, 4, 5, 6, 7, 8, 9\], 320 training and 96 validation images/,
      );
      expect(Number.isFinite(result.validLoss)).toBe(true);
      expect(result.accuracy).toBeGreaterThanOrEqual(0);
      expect(result.accuracy).toBeLessThanOrEqual(1);
      expect(result.cpuSeconds).toBeGreaterThan(0);
      expect(result.maxRssMb).toBeGreaterThan(10);
    } finally {
      idx.cleanup();
    }
  });
});

describe('onecycle lr-find --json', () => {
  test('prints the suggestions, the curve, and writes the plot', () => {
    const r = run([
      'lr-find',
      '--num-it',
      '30',
      '--bs',
      '16',
      '--data',
      data.dir,
      '--backend',
      'wasm',
      '--out',
      out,
      '--json',
    ]);
    expect(r.status, r.stderr).toBe(0);
    const result = lastJsonLine(r.stdout) as {
      suggestions: Record<'steep' | 'minimum' | 'valley' | 'slide', number | null>;
      lrs: number[];
      losses: number[];
    };
    expect(Object.keys(result.suggestions).sort()).toEqual(['minimum', 'slide', 'steep', 'valley']);
    expect(result.lrs.length).toBe(result.losses.length);
    expect(result.lrs.length).toBeGreaterThan(5);
    expect(result.lrs[0]).toBeCloseTo(1e-7 * (10 / 1e-7) ** (0 / 30), 12);
    for (let i = 1; i < result.lrs.length; i++) expect(result.lrs[i]!).toBeGreaterThan(result.lrs[i - 1]!);
    expect(result.suggestions.valley).toBeGreaterThan(1e-7);
    expect(r.stderr).toMatch(/valley\s+lr/);
    expect(readFileSync(join(out, 'lr_find.svg'), 'utf8')).toMatch(/^<svg/);
  });
});

describe('errors', () => {
  test.each([
    [['fit', '--lr', 'fast'], /--lr.*expected a number > 0 or 'auto', got 'fast'/],
    [['fit', '--lr', '-1'], /--lr.*got '-1'/],
    [['fit', '--epochs', '0'], /--epochs.*expected an integer from 1 to 10000, got '0'/],
    [['fit', '--bs', '2.5'], /--bs.*got '2.5'/],
    [['fit', '--threads', '9'], /--threads.*expected an integer from 1 to 8, got '9'/],
    [['fit', '--backend', 'gpu'], /--backend.*expected one of auto, node, wasm, cpu, got 'gpu'/],
    [['fit', '--model', 'vgg'], /--model.*expected one of simple_cnn, resnet/],
    [['fit', '--pct-start', '1'], /--pct-start.*\(0, 1\)/],
    [['fit', '--frobnicate'], /unknown option '--frobnicate'/],
    [
      ['fit', '--schedule', 'step'],
      /--schedule.*expected one of constant, one-cycle, flat-cos, sgdr, got 'step'/,
    ],
    [['fit', '--opt', 'adagrad'], /--opt.*expected one of adam, sgd, rmsprop, radam, lamb, got 'adagrad'/],
    [['fit', '--accum', '0'], /--accum.*expected an integer from 1 to 1024, got '0'/],
    [['fit', '--grad-clip', '0'], /--grad-clip.*got '0'/],
    [['fit', '--one-cycle', '--schedule', 'sgdr'], /--one-cycle and --schedule sgdr ask for two schedules/],
    [['fine-tune', '--model', 'resnet'], /unknown option '--model'/],
    [['train'], /unknown command 'train'/],
  ])('%j fails with a clear message', (args, message) => {
    const r = run(args as string[]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  test('a missing data folder names the folder', () => {
    const missing = join(out, 'no-such-folder');
    const r = run(['fit', '--data', missing, '--backend', 'wasm', '--json']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(missing);
    expect(r.stdout).toBe('');
  });

  test('--data and --mnist-idx together are a clear error', () => {
    const r = run(['fit', '--data', data.dir, '--mnist-idx', data.dir, '--backend', 'wasm']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/--data and --mnist-idx name two data sets/);
  });

  test('a batch size larger than the training set is a clear error', () => {
    const r = run(['fit', '--data', data.dir, '--bs', '5000', '--backend', 'wasm']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/--bs 5000 is larger than the 320 training images/);
  });

  test('--backend node without tfjs-node says how to install it', () => {
    const r = run(['fit', '--data', data.dir, '--backend', 'node']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/@tensorflow\/tfjs-node/);
  });
});
