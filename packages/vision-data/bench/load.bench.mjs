#!/usr/bin/env node
// Load benchmark of MNIST_SAMPLE (run `pnpm --filter @onecycle/vision-data build` first, or `pnpm bench`).
// Each measurement runs in a fresh Node process, as a user's script would:
//   cold = decode cache removed (every PNG read and decoded), warm = decode cache present.
// When /usr/bin/python3 has PIL and numpy, the PyTorch peer's loading code (PIL, convert('RGB'),
// float32 / 255, np.stack) is timed on the same folder in the same run, and the ratio printed.
import { execFileSync, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';

if (process.argv[2] === '--once') {
  const { ImageDataBunch } = await import('../dist/node.js');
  const t0 = performance.now();
  const data = await ImageDataBunch.fromFolder(process.argv[3]);
  const seconds = (performance.now() - t0) / 1000;
  console.log(
    JSON.stringify({
      seconds,
      fromCache: data.loadInfo.fromCache,
      train: data.train.size,
      valid: data.valid.size,
      maxRssMB: process.resourceUsage().maxRSS / 1024,
    }),
  );
  process.exit(0);
}

const { URLs, untarData, decodeCacheFolder } = await import('../dist/node.js');
const path = await untarData(URLs.MNIST_SAMPLE, { onNotice: () => {} });
const once = () => {
  const r = spawnSync(process.execPath, [new URL(import.meta.url).pathname, '--once', path], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`benchmark child failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
};
const runs = Number(process.env.BENCH_RUNS ?? 3);
const cold = [];
const warm = [];
for (let i = 0; i < runs; i++) {
  rmSync(join(path, decodeCacheFolder), { recursive: true, force: true });
  cold.push(once());
  warm.push(once());
}
const best = (rs) => Math.min(...rs.map((r) => r.seconds));
const fmt = (s) => `${s.toFixed(3)} s`;
console.log(`MNIST_SAMPLE at ${path}: ${cold[0].train} train + ${cold[0].valid} valid images`);
console.log(
  `cold load (decode all PNGs, write cache): best ${fmt(best(cold))} of ${runs}  [${cold.map((r) => r.seconds.toFixed(3)).join(', ')}]`,
);
console.log(
  `warm load (decode cache):                 best ${fmt(best(warm))} of ${runs}  [${warm.map((r) => r.seconds.toFixed(3)).join(', ')}]`,
);
console.log(
  `peak RSS: cold ${Math.max(...cold.map((r) => r.maxRssMB)).toFixed(0)} MB, warm ${Math.max(...warm.map((r) => r.maxRssMB)).toFixed(0)} MB`,
);

const py = '/usr/bin/python3';
const peer = `
import os, sys, time, resource
import numpy as np
from PIL import Image
root = sys.argv[1]
def load(split):
    xs, ys = [], []
    for label, cls in enumerate(sorted(os.listdir(os.path.join(root, split)))):
        d = os.path.join(root, split, cls)
        for f in sorted(os.listdir(d)):
            xs.append(np.asarray(Image.open(os.path.join(d, f)).convert("RGB"), dtype=np.float32) / 255.0)
            ys.append(label)
    return np.stack(xs), np.array(ys)
t0 = time.time(); load("train"); load("valid")
print(time.time() - t0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
`;
try {
  execFileSync(py, ['-c', 'import PIL, numpy'], { stdio: 'ignore' });
  const times = [];
  let rss = 0;
  for (let i = 0; i < runs; i++) {
    const [s, r] = execFileSync(py, ['-c', peer, path], { encoding: 'utf8' }).trim().split(' ').map(Number);
    times.push(s);
    rss = Math.max(rss, r);
  }
  const peerBest = Math.min(...times);
  console.log(
    `PIL/numpy peer load:                      best ${fmt(peerBest)} of ${runs}  [${times.map((t) => t.toFixed(3)).join(', ')}], peak RSS ${rss.toFixed(0)} MB`,
  );
  console.log(`ratio cold / peer: ${(best(cold) / peerBest).toFixed(2)}  (target ≤ 1); warm target < 0.3 s`);
} catch {
  console.log('(PIL/numpy peer not available: install python3-pil python3-numpy to compare)');
}
