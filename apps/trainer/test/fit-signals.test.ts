import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCheckpointMeta } from '@onecycle/learner';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cli, lastJsonLine, onData, runCli, runCliWithSignals } from './cli-process.js';
import { mnistSubset } from './fixtures.js';

let data: { dir: string; cleanup: () => void };
let dir: string;

/** The first epoch's row of the results table: training is under way. */
const FIRST_ROW = /\n1\s+\d/;
/** The row of the second epoch, cut short by a signal (its validation skipped). */
const CUT_SHORT_ROW = /\n2\s+\S+\s+#na#/;

const fit = (out: string, ...args: string[]) =>
  onData('fit', data.dir, join(dir, out), '--one-cycle', '--epochs', '30', ...args);

beforeAll(async () => {
  expect(existsSync(cli), 'the trainer is built (the test script builds it first)').toBe(true);
  data = await mnistSubset(160, 64);
  dir = mkdtempSync(join(tmpdir(), 'onecycle-fit-signals-'));
});
afterAll(() => {
  data?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe('a signal during fit', () => {
  test('SIGINT finishes the batch, saves the checkpoint and says where, writes plots and JSON, exits 130', async () => {
    const ck = join(dir, 'ck.st');
    const r = await runCliWithSignals(fit('int', '--save', ck), [{ when: FIRST_ROW, signal: 'SIGINT' }]);
    expect(r.sent).toBe(1);
    expect(r.status, r.stderr).toBe(130);
    expect(r.stderr).toContain(
      `SIGINT: stopping after this batch and saving ${ck} (SIGINT again to quit at once)`,
    );
    expect(r.stderr).toContain(
      `saved the checkpoint ${ck} (continue the run with: onecycle fit --resume ${ck})`,
    );
    const m =
      /onecycle: interrupted by SIGINT at epoch (\d+) of 30, after batch (\d+) of 10; checkpoint in (.+)\n/.exec(
        r.stderr,
      );
    expect(m, r.stderr).not.toBeNull();
    expect(m![3]).toBe(ck);
    // The checkpoint holds the unfinished run where the message says it stopped.
    const run = readCheckpointMeta(new Uint8Array(readFileSync(ck))).run!;
    expect(run.finished).toBe(false);
    expect([run.epoch + 1, run.batch]).toEqual([Number(m![1]), Number(m![2])]);
    expect(lastJsonLine<{ interruptedBy: string }>(r.stdout).interruptedBy).toBe('SIGINT');
    expect(readFileSync(join(dir, 'int', 'fit_one_cycle_losses.svg'), 'utf8')).toMatch(/^<svg/);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  test('SIGTERM exits 143; without --save it says nothing was saved', async () => {
    const r = await runCliWithSignals(fit('term'), [{ when: FIRST_ROW, signal: 'SIGTERM' }]);
    expect(r.status, r.stderr).toBe(143);
    expect(r.stderr).toMatch(
      /onecycle: interrupted by SIGTERM at epoch \d+ of 30, after batch \d+ of 10; nothing saved \(no --save\)/,
    );
    expect(lastJsonLine<{ interruptedBy: string }>(r.stdout).interruptedBy).toBe('SIGTERM');
  });

  test('a second signal exits at once, mid-batch, without saving: the last good checkpoint stays whole', async () => {
    // A good checkpoint from an earlier run, which the interrupted run must leave as it is.
    const ck = join(dir, 'second.st');
    const first = runCli(fit('second-good', '--epochs', '1', '--save', ck));
    expect(first.status, first.stderr).toBe(0);
    const good = readFileSync(ck);
    // ResNet-20 at --bs 64: a batch is long synchronous work. The first signal goes out as the first
    // row appears (the second epoch's first batch is then under way), the second as soon as the
    // first is acknowledged. A process that waited for the batch's end would then print the row of
    // the epoch it cut short: it must never get there.
    const args = ['fit', '--data', data.dir, '--model', 'resnet', '--bs', '64', '--epochs', '3'];
    const r = await runCliWithSignals(
      [...args, '--backend', 'wasm', '--out', join(dir, 'second'), '--save', ck, '--json'],
      [
        { when: FIRST_ROW, signal: 'SIGINT' },
        { when: /SIGINT: stopping after this batch/, signal: 'SIGINT' },
      ],
    );
    expect(r.sent).toBe(2);
    expect(r.status, r.stderr).toBe(130);
    expect(r.stderr).toContain(
      'onecycle: SIGINT again: stopped at once, without saving (the files already written are left as they were)',
    );
    expect(r.stderr).not.toMatch(CUT_SHORT_ROW);
    expect(r.stderr).not.toMatch(/onecycle: interrupted|saved the checkpoint/);
    expect(r.stdout).toBe('');
    expect(readFileSync(ck).equals(good)).toBe(true);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  test('a second SIGTERM exits 143 at once', async () => {
    const r = await runCliWithSignals(fit('second-term', '--model', 'resnet', '--bs', '64'), [
      { when: FIRST_ROW, signal: 'SIGTERM' },
      { when: /SIGTERM: stopping after this batch/, signal: 'SIGTERM' },
    ]);
    expect(r.status, r.stderr).toBe(143);
    expect(r.stderr).toContain('onecycle: SIGTERM again: stopped at once, without saving');
    expect(r.stderr).not.toMatch(CUT_SHORT_ROW);
  });

  test('a run stopped in its first epoch still prints every column of the results table (#na#)', async () => {
    const r = await runCliWithSignals(fit('epoch1', '--epochs', '2'), [
      { when: /fitOneCycle\(2, /, signal: 'SIGINT' },
    ]);
    expect(r.status, r.stderr).toBe(130);
    expect(r.stderr).toMatch(/interrupted by SIGINT at epoch 1 of 2/);
    expect(r.stderr).toContain('epoch     train_loss  valid_loss  accuracy  time    \n');
    expect(r.stderr).toMatch(/\n1 {9}\d\.\d{6} {4}#na# {8}#na# {6}\d\d:\d\d/);
  });
});
