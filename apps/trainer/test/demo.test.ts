// `onecycle demo`, the project's main job, as a user runs it: the whole MNIST_SAMPLE walk-through
// (LR finder, fit(2, 5e-2), fit(2, 5e-3), fitOneCycle(2, 5e-2)), checked against the figures the
// docs show (docs/generated/demo-seeds.json, seed 0): same seed, same backend → the same digits.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const docsFigures = fileURLToPath(new URL('../../../docs/generated/demo-seeds.json', import.meta.url));

interface Epoch {
  epoch: number;
  trainLoss: number;
  validLoss: number;
  accuracy: number;
}
interface DocsRun {
  name: string;
  seed: number;
  accuracy: number;
  validLoss: number;
  epochs: Epoch[];
}
interface DocsFigures {
  backend: string;
  lrFind: { seed: number; suggestions: Record<string, number> }[];
  runs: DocsRun[];
}

const f6 = (x: number) => x.toFixed(6);
let tmp: string;
let result: { status: number | null; stdout: string; stderr: string };
let docs: DocsFigures;

beforeAll(() => {
  expect(existsSync(cli), 'the trainer is built (the test script builds it first)').toBe(true);
  docs = JSON.parse(readFileSync(docsFigures, 'utf8')) as DocsFigures;
  tmp = mkdtempSync(join(tmpdir(), 'onecycle-demo-test-'));
  // ONECYCLE_DATA: MNIST_SAMPLE is unpacked from the shipped archive into a fresh folder, as on a
  // user's first run.
  const r = spawnSync(
    process.execPath,
    [cli, 'demo', '--backend', docs.backend, '--seed', '0', '--json', '--out', join(tmp, 'out')],
    { encoding: 'utf8', timeout: 600_000, env: { ...process.env, ONECYCLE_DATA: join(tmp, 'data') } },
  );
  result = { status: r.status, stdout: r.stdout, stderr: r.stderr };
}, 660_000);
afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('onecycle demo', () => {
  it('exits 0 and prints the LR finder suggestions of the docs', () => {
    expect(result.status, result.stderr).toBe(0);
    const found = docs.lrFind.find((f) => f.seed === 0)!;
    for (const name of ['valley', 'slide', 'steep', 'minimum']) {
      const lr = found.suggestions[name]!.toExponential(2);
      expect(result.stderr).toMatch(new RegExp(`^\\s+${name}\\s+lr ${lr.replace(/[.+]/g, '\\$&')}\\s`, 'm'));
    }
  });

  it("prints fastai's results table of each run, digit for digit the docs' seed-0 figures", () => {
    const seed0 = docs.runs.filter((r) => r.seed === 0);
    expect(seed0.map((r) => r.name)).toEqual(['fit(2, 5e-2)', 'fit(2, 5e-3)', 'fitOneCycle(2, 5e-2)']);
    for (const run of seed0) {
      const start = result.stderr.indexOf(`\n${run.name}  (`);
      expect(start, `${run.name}'s table is printed`).toBeGreaterThanOrEqual(0);
      const lines = result.stderr
        .slice(start)
        .split('\n')
        .slice(2, 2 + 1 + run.epochs.length);
      expect(lines[0]!.trim().split(/\s+/)).toEqual([
        'epoch',
        'train_loss',
        'valid_loss',
        'accuracy',
        'time',
      ]);
      run.epochs.forEach((e, i) => {
        const cells = lines[i + 1]!.trim().split(/\s+/);
        expect(cells.slice(0, 4)).toEqual([
          String(e.epoch),
          f6(e.trainLoss),
          f6(e.validLoss),
          f6(e.accuracy),
        ]);
        expect(cells[4]).toMatch(/^\d\d:\d\d$/);
      });
    }
  });

  it('ends with the summary table and one JSON line with the same figures, and writes every plot', () => {
    const summary = result.stderr.slice(result.stderr.lastIndexOf('\nrun '));
    const json = JSON.parse(result.stdout.trim().split('\n').pop()!) as (DocsRun & { name: string })[];
    for (const run of docs.runs.filter((r) => r.seed === 0)) {
      expect(summary).toMatch(
        new RegExp(
          `^${run.name.replace(/[().]/g, '\\$&')}\\s+1\\s+${f6(run.accuracy)}\\s+${f6(run.validLoss)}\\s`,
          'm',
        ),
      );
      const printed = json.find((r) => r.name === run.name)!;
      expect([f6(printed.accuracy), f6(printed.validLoss)]).toEqual([f6(run.accuracy), f6(run.validLoss)]);
    }
    for (const plot of [
      'lr_find',
      'fit_5e-2_schedule',
      'fit_5e-2_losses',
      'fit_5e-3_losses',
      'fit_one_cycle_schedule',
    ]) {
      for (const ext of ['svg', 'png'])
        expect(existsSync(join(tmp, 'out', `${plot}.${ext}`)), `${plot}.${ext}`).toBe(true);
    }
  });
});
