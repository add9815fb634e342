import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cli, lastJsonLine, runCli } from './cli-process.js';
import { mnistSubset } from './fixtures.js';

let data: { dir: string; cleanup: () => void };
let dir: string;
/** The first run's checkpoint: a good file that a later bad run must not touch. */
let good: string;
let goodBytes: Buffer;

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
  join(dir, 'out'),
  ...args,
];

/** Training started: the results table's header was printed. */
const TRAINED = /epoch\s+train_loss/;

beforeAll(async () => {
  expect(existsSync(cli), 'the trainer is built (the test script builds it first)').toBe(true);
  data = await mnistSubset(160, 64);
  dir = mkdtempSync(join(tmpdir(), 'onecycle-fit-safety-'));
  good = join(dir, 'good.st');
  const r = runCli(fit('--save', good));
  expect(r.status, r.stderr).toBe(0);
  goodBytes = readFileSync(good);
});
afterAll(() => {
  data?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe('a diverging run', () => {
  test('--lr 1e9 stops, says at which epoch and batch, exits 1 and leaves --save as it was', () => {
    const r = runCli(fit('--lr', '1e9', '--save', good, '--json'));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /onecycle: training diverged: the loss became (NaN|-?Infinity) at epoch 1, batch \d+ of 10 \(lr 1\.00e\+9\); .*good\.st was not written/,
    );
    expect(r.stderr).toMatch(/not saving .*good\.st: .*the file is left as it was/);
    expect(readFileSync(good).equals(goodBytes)).toBe(true);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    // What it has is still written: the JSON (with the reason) and the plots.
    expect(lastJsonLine<{ stopReason: string }>(r.stdout).stopReason).toMatch(/^loss became/);
    expect(readFileSync(join(dir, 'out', 'fit_losses.svg'), 'utf8')).toMatch(/^<svg/);
  });
});

describe('output paths are checked before training', () => {
  test('--save /proc/nowhere/ck.st fails at once, naming the folder (it used to hang after training)', () => {
    const r = runCli(fit('--epochs', '3', '--save', '/proc/nowhere/ck.st'));
    expect(r.signal).toBeNull();
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /onecycle: --save \/proc\/nowhere\/ck\.st: cannot create the folder \/proc\/nowhere/,
    );
    expect(r.stderr).not.toMatch(TRAINED);
  });

  test('--save onto a directory, a device or a FIFO is refused and left alone', () => {
    const folder = join(dir, 'a-folder');
    mkdirSync(folder);
    const fifo = join(dir, 'a-fifo');
    execFileSync('mkfifo', [fifo]);
    for (const [path, what] of [
      [folder, 'a directory'],
      ['/dev/null', 'a device'],
      [fifo, 'a FIFO'],
    ] as const) {
      const r = runCli(fit('--save', path));
      expect(r.status, path).toBe(1);
      expect(r.stderr).toContain(`onecycle: --save ${path}: ${path} is ${what}, not a regular file`);
      expect(r.stderr).not.toMatch(TRAINED);
    }
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(lstatSync(folder).isDirectory()).toBe(true);
  });

  test('--out naming a file is refused', () => {
    const r = runCli(fit('--out', good));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      `onecycle: --out ${good}: cannot create the folder ${good}: ${good} is a file`,
    );
    expect(r.stderr).not.toMatch(TRAINED);
    expect(readFileSync(good).equals(goodBytes)).toBe(true);
  });
});

describe('saves', () => {
  test('--save through a symbolic link writes the link target; the link stays', () => {
    const target = join(dir, 'runs', 'run-1.st');
    mkdirSync(join(dir, 'runs'));
    writeFileSync(target, 'placeholder');
    const link = join(dir, 'latest.st');
    symlinkSync(target, link);
    const r = runCli(fit('--save', link));
    expect(r.status, r.stderr).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(target).toString('latin1')).toContain('onecycle-learner');
  });

  test('temporary files left by killed saves are removed on the next run', () => {
    // The pid of a process that has ended: its temporary files are orphans.
    const gone = spawnSync(process.execPath, ['-e', '0']).pid!;
    const host = hostname().replace(/[^A-Za-z0-9_]/g, '_'); // the temporaries' naming (tempPath)
    const orphanSave = join(dir, `good.st.${host}-${gone}-0badc0de.tmp`);
    const orphanPlot = join(dir, 'out', `fit_losses.svg.${host}-${gone}-0badc0de.tmp`);
    writeFileSync(orphanSave, 'half a checkpoint');
    writeFileSync(orphanPlot, '<svg');
    const r = runCli(fit('--save', good));
    expect(r.status, r.stderr).toBe(0);
    expect(existsSync(orphanSave)).toBe(false);
    expect(existsSync(orphanPlot)).toBe(false);
    expect(r.stdout).toContain(`removed ${orphanSave} (left by a save that was killed)`);
    goodBytes = readFileSync(good);
  });
});
