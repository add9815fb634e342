import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCheckpointMeta } from '@onecycle/learner';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cli, lastJsonLine, runCliWithSignals } from './cli-process.js';
import { mnistSubset } from './fixtures.js';

let data: { dir: string; cleanup: () => void };
let dir: string;

/** The first epoch's row of the results table: training is under way. */
const FIRST_ROW = /\n1\s+\d/;

const fit = (out: string, ...args: string[]) => [
  'fit',
  '--data',
  data.dir,
  '--bs',
  '32',
  '--one-cycle',
  '--epochs',
  '30',
  '--backend',
  'wasm',
  '--out',
  join(dir, out),
  '--json',
  ...args,
];

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

  test('a second signal exits at once, without finishing what the first one started', async () => {
    // ResNet-20: its checkpoint (3 MB) and the plots take long enough after the first signal.
    const ck = join(dir, 'second.st');
    const out = join(dir, 'second');
    const args = ['fit', '--data', data.dir, '--model', 'resnet', '--bs', '64', '--epochs', '3'];
    const r = await runCliWithSignals(
      [...args, '--backend', 'wasm', '--out', out, '--save', ck, '--json'],
      [
        { when: FIRST_ROW, signal: 'SIGINT' },
        { when: /SIGINT: stopping after this batch/, signal: 'SIGINT' },
      ],
    );
    expect(r.sent).toBe(2);
    expect(r.status, r.stderr).toBe(130);
    // It never got to the end: no JSON result, no closing message.
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toMatch(/onecycle: interrupted/);
  });
});
