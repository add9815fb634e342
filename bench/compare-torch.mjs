#!/usr/bin/env node
// The benchmark that matters to users: the Node trainer against the PyTorch peer (../shared/bench)
// on the same data, in the same run, reported as ratios (machines here are shared and noisy).
//
// usage: node bench/compare-torch.mjs [--epochs 2] [--lr 5e-2] [--seed 0] [--skip-mnist]
// Writes bench/results/compare-<timestamp>.json and prints a table.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    epochs: { type: 'string', default: '2' },
    lr: { type: 'string', default: '5e-2' },
    seed: { type: 'string', default: '0' },
    'skip-mnist': { type: 'boolean', default: false },
  },
});
const peerScript = resolve(root, '../shared/bench/peer_torch.py');
const python = '/usr/bin/python3';
const cli = join(root, 'apps/trainer/dist/cli.js');
if (!existsSync(cli)) {
  console.error('bench: build first (pnpm build): apps/trainer/dist/cli.js is missing');
  process.exit(1);
}

/** Runs a command under /usr/bin/time to read its peak RSS; returns { json, maxRssMb, wallSeconds }. */
function measure(cmd, cmdArgs, env = {}) {
  const timeFile = join(tmpdir(), `onecycle-bench-${process.pid}-${Date.now()}.time`);
  const useTime = existsSync('/usr/bin/time');
  const t0 = process.hrtime.bigint();
  const r = useTime
    ? spawnSync('/usr/bin/time', ['-f', '%M', '-o', timeFile, cmd, ...cmdArgs], {
        encoding: 'utf8',
        env: { ...process.env, ...env },
        maxBuffer: 1 << 28,
      })
    : spawnSync(cmd, cmdArgs, { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 1 << 28 });
  const wallSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) {
    throw new Error(`${cmd} ${cmdArgs.join(' ')} exited with ${r.status}:\n${r.stderr.slice(-2000)}`);
  }
  const lines = r.stdout.trim().split('\n');
  const json = JSON.parse(lines[lines.length - 1]);
  let maxRssMb = Number.NaN;
  if (useTime && existsSync(timeFile)) {
    maxRssMb = Number(readFileSync(timeFile, 'utf8').trim().split('\n').pop()) / 1024;
    rmSync(timeFile, { force: true });
  }
  return { json, maxRssMb, wallSeconds };
}

function torchAvailable() {
  const r = spawnSync(python, ['-c', 'import torch, PIL, numpy'], { encoding: 'utf8' });
  return r.status === 0;
}

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const fmt = (x, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : '—');

const rows = [];
const results = { date: new Date().toISOString(), machine: machineInfo(), cases: [] };

function machineInfo() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
  };
}

// --- MNIST_SAMPLE: the seed's walk-through --------------------------------------------------------
const work = mkdtempSync(join(tmpdir(), 'onecycle-bench-'));
try {
  const archive = join(root, 'packages/mnist-sample/data/mnist_sample.tgz');
  spawnSync('tar', ['xzf', archive, '-C', work], { stdio: 'inherit' });
  const dataDir = join(work, 'mnist_sample');
  const epochs = args.epochs;
  const common = ['fit', '--one-cycle', '--lr', args.lr, '--epochs', epochs, '--seed', args.seed, '--json'];

  // Cold load: the decode cache is absent on a fresh extraction; warm: the second run reads it.
  const cold = measure('node', [cli, ...common, '--data', dataDir, '--backend', 'wasm']);
  const warm = measure('node', [cli, ...common, '--data', dataDir, '--backend', 'wasm']);
  const ours = warm.json;
  const oursCase = {
    name: 'MNIST_SAMPLE simpleCnn([3,16,16,2]) fitOneCycle',
    ours: {
      backend: ours.backend,
      epochSeconds: ours.epochs.map((e) => e.seconds),
      imagesPerSecond: ours.trainItems / mean(ours.epochs.map((e) => e.seconds)),
      loadColdSeconds: cold.json.loadSeconds,
      loadWarmSeconds: ours.loadSeconds,
      maxRssMb: warm.maxRssMb,
      accuracy: ours.accuracy,
      validLoss: ours.validLoss,
    },
  };
  if (torchAvailable()) {
    const peer = measure(python, [peerScript, dataDir, 'onecycle', args.lr, epochs, '2', args.seed]);
    const p = peer.json;
    oursCase.peer = {
      version: p.peer,
      epochSeconds: p.epoch_s,
      imagesPerSecond: ours.trainItems / mean(p.epoch_s),
      loadColdSeconds: p.load_s,
      maxRssMb: peer.maxRssMb,
      accuracy: p.accuracy,
      validLoss: p.valid_loss,
    };
  } else {
    console.error(
      'bench: python3-torch is not installed, so only our figures are printed. Install the peer with:\n' +
        '  apt-get update && apt-get install -y python3-torch python3-pil python3-numpy',
    );
  }
  results.cases.push(oursCase);
} finally {
  rmSync(work, { recursive: true, force: true });
}

// --- print ----------------------------------------------------------------------------------------
for (const c of results.cases) {
  const o = c.ours;
  const p = c.peer;
  const ratio = (a, b) =>
    p && Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : '—';
  const oEpoch = mean(o.epochSeconds);
  const pEpoch = p ? mean(p.epochSeconds) : Number.NaN;
  rows.push(['seconds per epoch (mean)', fmt(oEpoch, 2), fmt(pEpoch, 2), ratio(oEpoch, pEpoch)]);
  rows.push([
    'images per second',
    fmt(o.imagesPerSecond, 0),
    fmt(p?.imagesPerSecond ?? NaN, 0),
    ratio(p?.imagesPerSecond ?? NaN, o.imagesPerSecond),
  ]);
  rows.push([
    'load, cold (s)',
    fmt(o.loadColdSeconds, 2),
    fmt(p?.loadColdSeconds ?? NaN, 2),
    ratio(o.loadColdSeconds, p?.loadColdSeconds ?? NaN),
  ]);
  rows.push([
    'load, warm (s)',
    fmt(o.loadWarmSeconds, 2),
    fmt(p?.loadColdSeconds ?? NaN, 2),
    ratio(o.loadWarmSeconds, p?.loadColdSeconds ?? NaN),
  ]);
  rows.push([
    'peak RSS (MB)',
    fmt(o.maxRssMb, 0),
    fmt(p?.maxRssMb ?? NaN, 0),
    ratio(o.maxRssMb, p?.maxRssMb ?? NaN),
  ]);
  rows.push(['accuracy', fmt(o.accuracy, 4), fmt(p?.accuracy ?? NaN, 4), '']);
  rows.push(['validation loss', fmt(o.validLoss, 4), fmt(p?.validLoss ?? NaN, 4), '']);
  console.log(`\n${c.name} (ours: ${o.backend}; peer: ${p?.version ?? 'not run'})`);
  const header = ['', 'onecycle', 'PyTorch', 'ours/PyTorch'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (r) => r.map((v, i) => String(v).padEnd(widths[i])).join('  ');
  console.log(line(header));
  for (const r of rows) console.log(line(r));
  rows.length = 0;
}
mkdirSync(join(root, 'bench/results'), { recursive: true });
const out = join(root, 'bench/results', `compare-${results.date.replace(/[:.]/g, '-')}.json`);
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nresults: ${out}`);
