import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cli, lastJsonLine, onData, runCliWithSignals } from './cli-process.js';
import { mnistSubset } from './fixtures.js';

let data: { dir: string; cleanup: () => void };
let dir: string;

/** The first epoch's row of a results table: training is under way. */
const FIRST_ROW = /\n1\s+\d/;

const command = (name: string, out: string, ...args: string[]) =>
  onData(name, data.dir, join(dir, out), ...args);

beforeAll(async () => {
  expect(existsSync(cli), 'the trainer is built (the test script builds it first)').toBe(true);
  data = await mnistSubset(160, 64);
  dir = mkdtempSync(join(tmpdir(), 'onecycle-command-signals-'));
});
afterAll(() => {
  data?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe('the first signal outside fit', () => {
  test('fine-tune: finishes the batch, says so, writes plots and JSON, exits 130', async () => {
    const r = await runCliWithSignals(command('fine-tune', 'ft', '--freeze-epochs', '30'), [
      { when: FIRST_ROW, signal: 'SIGINT' },
    ]);
    expect(r.status, r.stderr).toBe(130);
    expect(r.stderr).toContain('SIGINT: stopping after this batch (SIGINT again to quit at once)');
    expect(r.stderr).toMatch(
      /onecycle: interrupted by SIGINT in the frozen stage at epoch \d+ of 30, after batch \d+ of 10; nothing saved \(no --save\)\n$/,
    );
    // The unfrozen stage never starts: its label is not printed.
    expect(r.stderr).not.toContain('unfrozen stage');
    const s = lastJsonLine<{ interruptedBy: string; epochs: unknown[] }>(r.stdout);
    expect(s.interruptedBy).toBe('SIGINT');
    expect(s.epochs.length).toBeGreaterThanOrEqual(1);
    expect(readFileSync(join(dir, 'ft', 'fine_tune_losses.svg'), 'utf8')).toMatch(/^<svg/);
    expect(
      readFileSync(join(dir, 'ft', 'fine_tune_schedule.png'))
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
  });

  test('lr-find: stops the sweep, writes the plot and the JSON of the points so far, exits 130', async () => {
    const r = await runCliWithSignals(command('lr-find', 'lf', '--num-it', '100000'), [
      { when: /LR finder \(/, signal: 'SIGINT' },
    ]);
    expect(r.status, r.stderr).toBe(130);
    expect(r.stderr).toContain('SIGINT: stopping after this batch (SIGINT again to quit at once)');
    expect(r.stderr).toContain('(the sweep stopped early: stopped by SIGINT)');
    expect(r.stderr).toMatch(
      /onecycle: interrupted by SIGINT during the LR range test; the plots and results so far are written\n$/,
    );
    const s = lastJsonLine<{ lrs: number[] }>(r.stdout);
    expect(s.lrs.length).toBeGreaterThanOrEqual(1);
    expect(s.lrs.length).toBeLessThan(100000);
    expect(readFileSync(join(dir, 'lf', 'lr_find.svg'), 'utf8')).toMatch(/^<svg/);
  });

  test('demo: stops the run under way, writes what it has, exits 143 on SIGTERM', async () => {
    const r = await runCliWithSignals(command('demo', 'demo', '--epochs', '30'), [
      { when: FIRST_ROW, signal: 'SIGTERM' },
    ]);
    expect(r.status, r.stderr).toBe(143);
    expect(r.stderr).toContain('SIGTERM: stopping after this batch (SIGTERM again to quit at once)');
    expect(r.stderr).toMatch(
      /onecycle: interrupted by SIGTERM during fit\(30, 5e-2\) \(seed 0\); the plots and results so far are written\n$/,
    );
    const runs = lastJsonLine<{ name: string }[]>(r.stdout);
    expect(runs.map((x) => x.name)).toEqual(['lr_find', 'fit(30, 5e-2)']);
    expect(readdirSync(join(dir, 'demo')).sort()).toEqual([
      'fit_5e-2_losses.png',
      'fit_5e-2_losses.svg',
      'fit_5e-2_schedule.png',
      'fit_5e-2_schedule.svg',
      'lr_find.png',
      'lr_find.svg',
    ]);
  });
});
